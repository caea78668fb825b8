/**
 * A credit feed consumer: receives the exchange's signed webhooks, verifies each one and dedupes on
 * the event id. Copy the `verifyDelivery` function into your own service; it needs only node:crypto.
 *
 *   CREDIT_WEBHOOK_SECRET=<the secret you registered> PORT=8787 node --import tsx scripts/credit-consumer-example.ts
 *
 * then register it (as a credit agency; plain http to 127.0.0.1 only works on a test exchange with
 * WEBHOOK_ALLOW_LOOPBACK=true — in production the URL must be https on a public address):
 *
 *   curl -X POST $EXCHANGE/api/v1/credit/subscriptions -H "Authorization: Bearer $TOKEN" \
 *        -H 'Content-Type: application/json' -d '{"url":"http://127.0.0.1:8787/credit","secret":"<the secret>"}'
 *
 * How a delivery is verified (docs/credit-model.md, "Verifying a delivery"):
 *   1. read the raw body bytes — verify before parsing JSON, and never re-serialise;
 *   2. split X-Signature `t=<unix seconds>,v1=<hex>` (there may be several v1 values);
 *   3. compute hex HMAC-SHA256(secret, `${t}.${body}`) and compare in constant time with each v1;
 *   4. refuse a t more than 5 minutes from your clock (a replayed capture);
 *   5. answer 2xx quickly; deliveries are at-least-once, so dedupe on eventId (also sent as X-Event-Id);
 *   6. per org, `seq` counts changes from 1 without gaps: a gap means you missed one — page
 *      GET /api/v1/credit/feed?after= to catch up.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { pathToFileURL } from 'node:url';

export interface DeliveryToVerify {
  /** The X-Signature header. */
  signature: string | undefined;
  /** The raw body, exactly as received. */
  body: string;
  secret: string;
  nowSeconds: number;
  toleranceSeconds?: number;
}

export function verifyDelivery(d: DeliveryToVerify): boolean {
  if (!d.signature) return false;
  let t: number | null = null;
  const candidates: string[] = [];
  for (const part of d.signature.split(',')) {
    const [k, v] = [part.slice(0, part.indexOf('=')).trim(), part.slice(part.indexOf('=') + 1).trim()];
    if (k === 't' && /^\d+$/.test(v)) t = Number(v);
    if (k === 'v1' && /^[0-9a-f]{64}$/.test(v)) candidates.push(v);
  }
  if (t === null || candidates.length === 0) return false;
  if (Math.abs(d.nowSeconds - t) > (d.toleranceSeconds ?? 300)) return false;
  const expected = createHmac('sha256', d.secret).update(`${t}.${d.body}`, 'utf8').digest();
  return candidates.some((c) => timingSafeEqual(Buffer.from(c, 'hex'), expected));
}

export interface ConsumerOptions {
  secret: string;
  port?: number;
  host?: string;
  /** Called once per new, verified event. */
  onEvent?: (event: Record<string, unknown>) => void;
  log?: (line: string) => void;
}

/** A small consumer server: 204 for a verified delivery (new or repeated), 401 for a bad signature. */
export function startConsumer(
  o: ConsumerOptions,
): Promise<{ server: http.Server; url: string; seen: Set<string>; close(): Promise<void> }> {
  const seen = new Set<string>();
  const lastSeq = new Map<string, number>();
  const log = o.log ?? ((line: string) => console.log(line));
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 1_000_000) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signature = req.headers['x-signature'];
      if (
        !verifyDelivery({
          signature: Array.isArray(signature) ? signature[0] : signature,
          body,
          secret: o.secret,
          nowSeconds: Math.floor(Date.now() / 1000),
        })
      ) {
        log('refused: bad or stale signature');
        res.writeHead(401).end();
        return;
      }
      const event = JSON.parse(body) as {
        eventId: string;
        orgId: string;
        seq: number;
        score: number;
        level: string;
        previousLevel: string;
      };
      if (seen.has(event.eventId)) {
        log(`duplicate ${event.eventId} (already processed)`);
      } else {
        seen.add(event.eventId);
        const before = lastSeq.get(event.orgId) ?? 0;
        if (event.seq > before + 1)
          log(`org ${event.orgId}: missed seq ${before + 1}…${event.seq - 1}; page GET /api/v1/credit/feed to catch up`);
        lastSeq.set(event.orgId, Math.max(before, event.seq));
        log(`org ${event.orgId} #${event.seq}: ${event.previousLevel} → ${event.level} (score ${event.score})`);
        o.onEvent?.(event);
      }
      res.writeHead(204).end();
    });
  });
  return new Promise((resolve) => {
    server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => {
      const a = server.address() as { port: number };
      resolve({
        server,
        url: `http://${o.host ?? '127.0.0.1'}:${a.port}/credit`,
        seen,
        close: () => new Promise<void>((r) => server.close(() => r())),
      });
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const secret = process.env.CREDIT_WEBHOOK_SECRET;
  if (!secret || secret.length < 16) {
    console.error('set CREDIT_WEBHOOK_SECRET to the secret you register (at least 16 characters)');
    process.exit(2);
  }
  const c = await startConsumer({ secret, port: Number(process.env.PORT ?? 8787) });
  console.log(`credit consumer listening on ${c.url}`);
}
