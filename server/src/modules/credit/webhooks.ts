/**
 * One signed POST of a credit feed event to a consumer (RELIABILITY J3). Retries, backoff and the
 * dead-letter table are the service's (credit.deliver job); this file is the single send:
 *
 *  - the URL is checked again now (ssrf.ts) and the connection goes to the address that check
 *    returned, with the Host header and TLS SNI / certificate name set to the URL's host, so the
 *    name is resolved exactly once per send (no DNS rebinding between check and connect);
 *  - redirects are not followed (a 3xx is a failed attempt);
 *  - the whole exchange is capped in time, and at most `maxResponseBytes` of the answer are read;
 *  - only a 2xx counts as delivered.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { SIGNATURE_HEADER, signatureHeader } from './signature.js';
import { UnsafeUrlError, validateWebhookUrl, type LookupAll } from './ssrf.js';

const WEBHOOK_TIMEOUT_MS = 5_000;
const WEBHOOK_MAX_RESPONSE_BYTES = 64 * 1024;
const WEBHOOK_USER_AGENT = 'ZeroWasteExchange-CreditFeed/1';

export interface SendOptions {
  allowLoopback: boolean;
  lookup?: LookupAll;
  timeoutMs?: number;
  maxResponseBytes?: number;
}

export interface Delivery {
  url: string;
  secret: string;
  /** The exact bytes to send (JSON). */
  body: string;
  eventId: string;
  attempt: number;
  /** Unix seconds for the signature. */
  t: number;
}

export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  /** Why it failed (null when delivered). */
  error: string | null;
  /** The URL was refused by the address check (no connection was made). */
  refused: boolean;
}

export async function sendWebhook(d: Delivery, o: SendOptions): Promise<SendResult> {
  let target;
  try {
    target = await validateWebhookUrl(d.url, { allowLoopback: o.allowLoopback, ...(o.lookup ? { lookup: o.lookup } : {}) });
  } catch (err) {
    if (err instanceof UnsafeUrlError) return { ok: false, statusCode: null, error: `refused: ${err.message}`, refused: true };
    throw err;
  }
  const timeoutMs = o.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const maxBytes = o.maxResponseBytes ?? WEBHOOK_MAX_RESPONSE_BYTES;
  const secure = target.url.protocol === 'https:';
  const headers: http.OutgoingHttpHeaders = {
    Host: target.url.host,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(d.body),
    'User-Agent': WEBHOOK_USER_AGENT,
    'X-Event-Id': d.eventId,
    'X-Delivery-Attempt': String(d.attempt),
    [SIGNATURE_HEADER]: signatureHeader(d.secret, d.body, d.t),
  };
  const options: https.RequestOptions = {
    host: target.address.address,
    family: target.address.family,
    port: target.port,
    path: `${target.url.pathname}${target.url.search}`,
    method: 'POST',
    headers,
    agent: false,
    // TLS checks the certificate against the name in the URL, not the address connected to.
    ...(secure && !net.isIP(target.hostname) ? { servername: target.hostname } : {}),
  };

  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (r: Omit<SendResult, 'refused'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...r, refused: false });
    };
    const req = (secure ? https : http).request(options, (res) => {
      const status = res.statusCode ?? 0;
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        // Enough of the answer: the status decides, the rest is not read.
        if (received > maxBytes) {
          res.destroy();
          done();
        }
      });
      const done = () => {
        req.destroy();
        if (status >= 200 && status < 300) finish({ ok: true, statusCode: status, error: null });
        else if (status >= 300 && status < 400)
          finish({
            ok: false,
            statusCode: status,
            error: `redirect (${status}) not followed${res.headers.location ? ` to ${String(res.headers.location).slice(0, 200)}` : ''}`,
          });
        else finish({ ok: false, statusCode: status, error: `consumer answered ${status}` });
      };
      res.on('end', done);
      res.on('error', done);
      res.on('close', done);
    });
    const timer = setTimeout(() => {
      req.destroy();
      finish({ ok: false, statusCode: null, error: `no complete answer within ${timeoutMs} ms` });
    }, timeoutMs);
    req.on('error', (err) => finish({ ok: false, statusCode: null, error: `connection failed: ${err.message}` }));
    req.end(d.body);
  });
}
