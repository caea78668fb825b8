/**
 * A topic feed consumer for a machine client (issue 14 item 7; docs/api.md "Machine clients and
 * feeds"): it gets a token by client credentials, pulls one topic with the cursor, and writes each
 * event once to an append-only file — and after a crash or a restart it resumes where it stopped,
 * with no gap and no duplicate. Copy what you need; it uses only Node's standard library.
 *
 *   EXCHANGE_URL=https://exchange.example CLIENT_ID=… CLIENT_SECRET=… TOPIC=manifests \
 *   STATE_DIR=./consumer-state node --import tsx scripts/feed-consumer-example.ts
 *
 *   TOPIC       credit, trades, manifests, licences or alerts (the client needs feeds:read:<topic>)
 *   STATE_DIR   where it keeps events.jsonl (the events, one JSON per line) and cursor.json
 *   ONCE=true   stop when caught up (default: keep polling every POLL_MS, default 5000)
 *   PAGE_LIMIT  events per request (default 100)
 *
 * Exactly once, across crashes. The output file and the cursor must move together, so the cursor
 * file records both the feed's `after` and the length of events.jsonl that goes with it:
 *   1. append the page's events to events.jsonl and fsync it;
 *   2. write cursor.json.tmp = { after, bytes }, fsync, rename it over cursor.json (atomic on POSIX),
 *      fsync the directory — this rename is the commit;
 *   3. at start, cut events.jsonl back to cursor.json's `bytes` (what a crash between 1 and 2 left
 *      is thrown away and fetched again) and continue from its `after`.
 * Events also carry a stable `eventId`, so a consumer that writes elsewhere (a database) can instead
 * keep the cursor in the same transaction as the events, or dedupe on eventId.
 *
 * Webhooks (optional): with WEBHOOK_PORT and WEBHOOK_SECRET it also listens for the topic's signed
 * deliveries (POST /feeds/:topic/subscriptions with http://<this host>:<port>/hook). Each is
 * verified (`verifyDelivery`: X-Signature `t=…,v1=HMAC-SHA256(secret, "${t}.${body}")`, constant-time
 * compare, 5-minute tolerance; a bad one is 401) and then used as a doorbell: the consumer pulls at
 * once instead of waiting for the next poll. The events themselves always come through the cursor,
 * so a delivery that arrives twice, late or out of order cannot write an event twice or skip one.
 */
import http from 'node:http';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { verifyDelivery } from './credit-consumer-example.js';
export { verifyDelivery };

export interface FeedConsumerOptions {
  exchangeUrl: string;
  clientId: string;
  clientSecret: string;
  topic: string;
  stateDir: string;
  pageLimit?: number;
  /** Stop when a page says nothing more waits. */
  once?: boolean;
  pollMs?: number;
  /** Listen for signed webhook deliveries on this port (127.0.0.1) and pull when a valid one comes. */
  webhook?: { port: number; secret: string; host?: string };
  /** Test hook: wait this long after each page (so a test can kill the process mid-topic). */
  pauseMs?: number;
  /** Test hook: die by SIGKILL after appending a page and before committing its cursor. */
  crashBeforeCommitAfterPages?: number;
  log?: (line: string) => void;
}

interface Cursor {
  after: string;
  bytes: number;
}

/** Gets (and renews) a client-credentials token: HTTP Basic, form body (RFC 6749 §4.4). */
export function tokenSource(o: Pick<FeedConsumerOptions, 'exchangeUrl' | 'clientId' | 'clientSecret'>) {
  let token: string | null = null;
  let expiresAt = 0;
  return {
    async get(): Promise<string> {
      if (token && Date.now() < expiresAt - 30_000) return token;
      const basic = Buffer.from(`${encodeURIComponent(o.clientId)}:${encodeURIComponent(o.clientSecret)}`).toString('base64');
      const res = await fetch(`${o.exchangeUrl}/api/v1/oauth/token`, {
        method: 'POST',
        headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
      const body = (await res.json()) as { access_token?: string; expires_in?: number; error?: string };
      if (!res.ok || !body.access_token) throw new Error(`token request refused: ${res.status} ${body.error ?? ''}`);
      token = body.access_token;
      expiresAt = Date.now() + (body.expires_in ?? 60) * 1000;
      return token;
    },
    forget(): void {
      token = null;
    },
  };
}

function readCursor(file: string): Cursor {
  if (!existsSync(file)) return { after: '0', bytes: 0 };
  const c = JSON.parse(readFileSync(file, 'utf8')) as Cursor;
  return { after: String(c.after), bytes: Number(c.bytes) };
}

/** Writes the cursor atomically: a temporary file, fsync, rename, fsync of the directory. */
function commitCursor(dir: string, c: Cursor): void {
  const tmp = path.join(dir, 'cursor.json.tmp');
  const fd = openSync(tmp, 'w');
  writeSync(fd, JSON.stringify(c));
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, path.join(dir, 'cursor.json'));
  const d = openSync(dir, 'r');
  fsyncSync(d);
  closeSync(d);
}

/** Appends lines and fsyncs; returns the file's new length. */
function appendDurably(file: string, lines: string[], at: number): number {
  const data = Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8');
  const fd = openSync(file, 'a');
  writeSync(fd, data);
  fsyncSync(fd);
  closeSync(fd);
  return at + data.length;
}

/** Runs the consumer; resolves when caught up with `once`, else polls until the process ends. */
export async function runFeedConsumer(o: FeedConsumerOptions): Promise<{ events: number }> {
  const log = o.log ?? ((l: string) => console.log(l));
  mkdirSync(o.stateDir, { recursive: true });
  const eventsFile = path.join(o.stateDir, 'events.jsonl');
  const cursorFile = path.join(o.stateDir, 'cursor.json');
  let cursor = readCursor(cursorFile);
  // Whatever was appended after the last commit belongs to a page that will be fetched again.
  if (existsSync(eventsFile)) truncateSync(eventsFile, cursor.bytes);
  else if (cursor.bytes !== 0) throw new Error('cursor.json names events that events.jsonl does not have');
  log(`resuming ${o.topic} after ${cursor.after}`);
  const tokens = tokenSource(o);
  let written = 0;
  let pages = 0;
  // The doorbell: a verified delivery ends the wait between polls.
  let ring: (() => void) | null = null;
  const doorbell = o.webhook ? await listenForDeliveries(o.webhook, () => ring?.(), log) : null;
  for (;;) {
    const url = `${o.exchangeUrl}/api/v1/feeds/${encodeURIComponent(o.topic)}?after=${cursor.after}&limit=${o.pageLimit ?? 100}`;
    const res = await fetch(url, { headers: { Authorization: `Bearer ${await tokens.get()}` } });
    if (res.status === 401) {
      tokens.forget(); // expired or the client was rotated: a new token, then the same page again
      continue;
    }
    if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
    const page = (await res.json()) as { items: { eventId: string; position: string }[]; after: string; hasMore: boolean };
    if (page.items.length > 0) {
      const bytes = appendDurably(
        eventsFile,
        page.items.map((e) => JSON.stringify(e)),
        cursor.bytes,
      );
      pages += 1;
      if (o.crashBeforeCommitAfterPages !== undefined && pages >= o.crashBeforeCommitAfterPages)
        process.kill(process.pid, 'SIGKILL');
      cursor = { after: page.after, bytes };
      commitCursor(o.stateDir, cursor);
      written += page.items.length;
      log(`${o.topic}: +${page.items.length} (after ${cursor.after})`);
      if (o.pauseMs) await new Promise((r) => setTimeout(r, o.pauseMs));
    }
    if (!page.hasMore) {
      if (o.once) {
        doorbell?.close();
        return { events: written };
      }
      await new Promise<void>((r) => {
        const timer = setTimeout(r, o.pollMs ?? 5000);
        ring = () => {
          clearTimeout(timer);
          ring = null;
          r();
        };
      });
    }
  }
}

/** A small server for webhook deliveries: 204 for a verified one (and `onValid`), 401 otherwise. */
export function listenForDeliveries(
  w: { port: number; secret: string; host?: string },
  onValid: () => void,
  log: (line: string) => void,
): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 1_000_000) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      const signature = req.headers['x-signature'];
      const ok =
        req.method === 'POST' &&
        verifyDelivery({
          signature: Array.isArray(signature) ? signature[0] : signature,
          body: Buffer.concat(chunks).toString('utf8'),
          secret: w.secret,
          nowSeconds: Math.floor(Date.now() / 1000),
        });
      if (!ok) {
        log('refused a delivery: bad or stale signature');
        res.writeHead(401).end();
        return;
      }
      res.writeHead(204).end();
      onValid();
    });
  });
  return new Promise((resolve) => server.listen(w.port, w.host ?? '127.0.0.1', () => resolve(server)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const env = (k: string) => {
    const v = process.env[k];
    if (!v) {
      console.error(`set ${k}`);
      process.exit(2);
    }
    return v;
  };
  const num = (k: string) => (process.env[k] ? Number(process.env[k]) : undefined);
  const r = await runFeedConsumer({
    exchangeUrl: env('EXCHANGE_URL').replace(/\/$/, ''),
    clientId: env('CLIENT_ID'),
    clientSecret: env('CLIENT_SECRET'),
    topic: env('TOPIC'),
    stateDir: env('STATE_DIR'),
    once: process.env.ONCE === 'true',
    pageLimit: num('PAGE_LIMIT'),
    pollMs: num('POLL_MS'),
    pauseMs: num('PAUSE_MS'),
    crashBeforeCommitAfterPages: num('CRASH_BEFORE_COMMIT_AFTER_PAGES'),
    ...(process.env.WEBHOOK_PORT ? { webhook: { port: Number(process.env.WEBHOOK_PORT), secret: env('WEBHOOK_SECRET') } } : {}),
  });
  console.log(`caught up: ${r.events} events written`);
}
