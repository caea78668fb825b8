/**
 * The example consumer (scripts/feed-consumer-example.ts, issue 14 item 7) as a child process against
 * a listening exchange: killed with SIGKILL in the middle of a topic — once from outside while it
 * pages, once by itself between writing a page and committing its cursor — and restarted, it ends
 * with every event of the topic exactly once, in order.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { adminToken, auth } from '../helpers/actors.js';
import { clientToken, registerClient, type RegisteredClient } from '../helpers/clients.js';
import { flyAshDeal } from '../helpers/manifests.js';
import { killProcess } from '../helpers/embedded.js';
import { waitFor } from '../helpers/wait.js';

describe('the example feed consumer survives SIGKILL with every event once (issue 14 item 7)', function () {
  this.timeout(120_000);
  let t: TestApp;
  let client: RegisteredClient;
  let stateDir: string;
  before(async () => {
    t = await createTestApp({ listen: true, env: { WEBHOOK_ALLOW_LOOPBACK: 'true' } });
    const admin = await adminToken(t.request);
    client = await registerClient(t.request, ['feeds:read:trades'], admin);
    // Three funded trades: each announces trade.created and its status changes on the trades topic.
    for (let i = 0; i < 3; i++) await flyAshDeal(t);
    stateDir = mkdtempSync(path.join(tmpdir(), 'zwx-feed-consumer-'));
  });
  after(async () => {
    await t?.close();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  function consumer(env: Record<string, string>): ChildProcess {
    return spawn(process.execPath, ['--import', 'tsx', 'scripts/feed-consumer-example.ts'], {
      env: {
        ...process.env,
        EXCHANGE_URL: t.server!.url,
        CLIENT_ID: client.id,
        CLIENT_SECRET: client.secret,
        TOPIC: 'trades',
        STATE_DIR: stateDir,
        PAGE_LIMIT: '1',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }

  const exited = (c: ChildProcess) =>
    new Promise<{ code: number | null; signal: string | null }>((resolve) => {
      if (c.exitCode !== null || c.signalCode !== null) resolve({ code: c.exitCode, signal: c.signalCode });
      else c.once('exit', (code, signal) => resolve({ code, signal }));
    });

  const written = (): { eventId: string; position: string }[] => {
    const file = path.join(stateDir, 'events.jsonl');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { eventId: string; position: string });
  };

  it('killed mid-topic twice and restarted, it holds each event of the topic once, in order', async () => {
    const token = await clientToken(t.request, client);
    const all = await t.request.get('/api/v1/feeds/trades?limit=500').set(auth(token)).expect(200);
    const expected = all.body.items.map((e: { eventId: string }) => e.eventId) as string[];
    expect(expected.length, 'enough events to be killed in the middle').to.be.greaterThan(4);

    // 1. Killed from outside while it pages slowly, one event a page.
    const first = consumer({ PAUSE_MS: '400' });
    await waitFor(() => written().length >= 2, { timeoutMs: 60_000, intervalMs: 20, what: 'two events written' });
    await killProcess(first);
    const afterKill = written().length;
    expect(afterKill, 'stopped in the middle').to.be.lessThan(expected.length);

    // 2. Kills itself after appending its next page and before committing the cursor (the crash window).
    const second = consumer({ CRASH_BEFORE_COMMIT_AFTER_PAGES: '1' });
    expect((await exited(second)).signal).to.equal('SIGKILL');
    const committed = JSON.parse(readFileSync(path.join(stateDir, 'cursor.json'), 'utf8')) as { bytes: number };
    expect(statSync(path.join(stateDir, 'events.jsonl')).size, 'an uncommitted page is in the file').to.be.greaterThan(
      committed.bytes,
    );

    // 3. Restarted to the end.
    const third = consumer({ ONCE: 'true', PAGE_LIMIT: '2' });
    expect(await exited(third)).to.deep.equal({ code: 0, signal: null });
    const ids = written().map((e) => e.eventId);
    expect(ids).to.deep.equal(expected);
    expect(new Set(ids).size).to.equal(ids.length);

    // New events later: a further run takes just those.
    await flyAshDeal(t);
    const fourth = consumer({ ONCE: 'true' });
    expect(await exited(fourth)).to.deep.equal({ code: 0, signal: null });
    const again = await t.request.get('/api/v1/feeds/trades?limit=500').set(auth(token)).expect(200);
    expect(written().map((e) => e.eventId)).to.deep.equal(again.body.items.map((e: { eventId: string }) => e.eventId));
  });

  it('with a webhook it pulls as soon as a signed delivery rings, and refuses an unsigned one', async () => {
    const secret = 'consumer-webhook-secret-0123456789';
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const token = await clientToken(t.request, client);
    const sub = await t.request
      .post('/api/v1/feeds/trades/subscriptions')
      .set(auth(token))
      .send({ url: `http://127.0.0.1:${port}/hook`, secret });
    expect(sub.status, sub.text).to.equal(201);
    // A long poll interval: only the doorbell can bring the new events in time.
    const running = consumer({ WEBHOOK_PORT: String(port), WEBHOOK_SECRET: secret, POLL_MS: '600000' });
    try {
      const before = written().length;
      await waitFor(
        async () =>
          (await fetch(`http://127.0.0.1:${port}/hook`, { method: 'POST', body: '{}' }).catch(() => null))?.status === 401,
        { timeoutMs: 30_000, intervalMs: 100, what: 'the consumer to listen and refuse an unsigned delivery' },
      );
      await flyAshDeal(t);
      await t.ctx.jobs.drain(20_000);
      const all = await t.request.get('/api/v1/feeds/trades?limit=500').set(auth(token)).expect(200);
      const ids = all.body.items.map((e: { eventId: string }) => e.eventId) as string[];
      expect(ids.length).to.be.greaterThan(before);
      await waitFor(() => written().length === ids.length, { timeoutMs: 30_000, intervalMs: 50, what: 'the new events written' });
      expect(written().map((e) => e.eventId)).to.deep.equal(ids);
    } finally {
      await killProcess(running);
    }
  });
});
