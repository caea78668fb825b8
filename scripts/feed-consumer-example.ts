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
 * Webhook deliveries are verified as for the credit feed: `verifyDelivery` below (X-Signature
 * `t=…,v1=HMAC-SHA256(secret, "${t}.${body}")`, constant-time compare, 5-minute tolerance).
 */
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
export { verifyDelivery } from './credit-consumer-example.js';

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
      if (o.once) return { events: written };
      await new Promise((r) => setTimeout(r, o.pollMs ?? 5000));
    }
  }
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
  });
  console.log(`caught up: ${r.events} events written`);
}
