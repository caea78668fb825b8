import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { requirePostgres } from '../helpers/services.js';
import { StripeFake } from '../helpers/stripe-fake.js';
import { waitFor } from '../helpers/wait.js';
import {
  deliver,
  expectLedgerInvariants,
  makeParties,
  makeTrade,
  pay,
  tradeStatus,
  transfersOfTrade,
  type Parties,
} from '../helpers/settlement.js';
import { inTransaction, one, rows } from '../../server/src/db/tx.js';
import { enqueue } from '../../server/src/jobs/outbox.js';
import { CRASH_POINTS, type CrashPoint } from '../../server/src/modules/settlement/crash.js';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/settlement-worker.ts');
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * RELIABILITY M1: a trade settles once even when the worker is killed at any point — before the
 * refund call, after it but before the commit, after the commit but before the job is acknowledged.
 * The settlement worker runs as a child process over PostgreSQL (PGlite cannot be shared between
 * processes) and pays through the Stripe fake running here. At each named crash point it SIGKILLs
 * itself; a new worker without CRASH_AT picks the job up again (the relay's sweeper re-sends what
 * was handed out and never finished), and a duplicate job is added on top, as a redelivery would
 * bring. Then: exactly one settlement transfer, exactly one refund at the fake, and every refund
 * request carried the same idempotency key.
 */
describe('fault: settlement worker killed at each crash point (M1)', function () {
  this.timeout(180_000);
  let t: TestApp;
  let fake: StripeFake;
  let p: Parties;
  const children: ChildProcess[] = [];

  before(async function () {
    requirePostgres(this);
    fake = await StripeFake.start();
    // The test process makes trades and payments; only the child processes run jobs.
    t = await createTestApp({ env: fake.env(), startJobs: false });
    p = await makeParties(t.request);
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    if (t) await expectLedgerInvariants(t, { tryWrites: true });
    await t?.close();
    await fake?.close();
  });

  function startWorker(crashAt?: CrashPoint): Promise<ChildProcess> {
    const env: Record<string, string | undefined> = {
      ...process.env,
      ...fake.env(),
      DATABASE_URL: t.testDb.url!,
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.FIXTURE_LOG_LEVEL ?? 'silent',
      JWT_SECRET: t.ctx.config.JWT_SECRET,
      ADMIN_EMAIL: t.ctx.config.ADMIN_EMAIL,
      ADMIN_PASSWORD: t.ctx.config.ADMIN_PASSWORD,
      SEED_DEMO: 'false',
      SWEEP_SECONDS: '1',
      CRASH_AT: crashAt ?? '',
    };
    if (!crashAt) delete env.CRASH_AT;
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    return new Promise((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += String(d);
        if (out.includes('ready')) resolve(child);
      });
      child.once('exit', (code, signal) => reject(new Error(`worker exited before ready (code ${code}, signal ${signal})`)));
    });
  }

  function exited(child: ChildProcess, timeoutMs = 60_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (child.exitCode !== null || child.signalCode !== null)
      return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the worker did not exit')), timeoutMs);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal });
      });
    });
  }

  async function settleJobs(tradeId: string) {
    return rows<{ id: number; done_at: Date | null; dispatch_count: number }>(
      t.ctx.db,
      sql`select id, done_at, dispatch_count from outbox where topic = 'settlement.settle' and payload->>'tradeId' = ${tradeId} order by id`,
    );
  }

  for (const point of CRASH_POINTS) {
    it(`killed at ${point}: restarted, the job redelivered, one transfer, one refund, one key`, async () => {
      // A generator pays a disposal fee for 20 t of fly ash through Stripe; 12 t are accepted.
      const trade = await makeTrade(t, p, { pricePerTonneFen: -189_300, quantityKg: 20_000, hazardous: true });
      const paid = await pay(t.request, p.generator, trade.id).expect(200);
      const intentId = paid.body.paymentIntentId as string;
      await fake.succeed(intentId);
      await t.ctx.payments.reconcileStripe();
      expect(await tradeStatus(t, trade.id)).to.equal('funded');
      await deliver(t, trade.id, 12_000, { viaTransit: true });
      const expectedRefund = 3_786_000 + 60_000 - 2_271_600 - 36_000;

      const refundsAt = () => [...fake.refunds.values()].filter((r) => r.payment_intent === intentId);
      const refundCalls = () => fake.requests.filter((r) => r.path === '/v1/refunds' && r.params.payment_intent === intentId);

      // 1. The worker dies at the crash point.
      const first = await startWorker(point);
      const death = await exited(first);
      expect(death.signal, `killed itself at ${point}`).to.equal('SIGKILL');

      // What the crash left behind, point by point.
      const refundRow = await one<{ idempotency_key: string; status: string; attempts: number }>(
        t.ctx.db,
        sql`select idempotency_key, status, attempts from payment_refunds where trade_id = ${trade.id}`,
      );
      expect(refundRow!.idempotency_key, 'the key was stored before any call').to.equal(`zwx-trade-${trade.id}-refund-v1`);
      const settledAtCrash = (await transfersOfTrade(t, trade.id)).filter((x) => x.kind === 'settle').length;
      if (point === 'before_refund_call') {
        expect(refundsAt(), 'no refund made yet').to.have.length(0);
        expect(settledAtCrash).to.equal(0);
      } else if (point === 'after_refund_call_before_commit') {
        expect(refundsAt(), 'Stripe refunded, our commit never happened').to.have.length(1);
        expect(settledAtCrash).to.equal(0);
        expect(await tradeStatus(t, trade.id)).to.equal('delivered');
      } else {
        expect(settledAtCrash, 'committed before the crash').to.equal(1);
        expect(await tradeStatus(t, trade.id)).to.equal('settled');
      }
      const jobsAtCrash = await settleJobs(trade.id);
      expect(jobsAtCrash).to.have.length(1);
      expect(jobsAtCrash[0]!.done_at === null, 'job unacknowledged unless the commit happened').to.equal(
        point !== 'after_commit_before_ack',
      );

      // 2. A new worker without CRASH_AT; a duplicate of the job arrives as well.
      const second = await startWorker();
      await inTransaction(t.ctx.db, (tx) => enqueue(tx, 'settlement.settle', { tradeId: trade.id }));
      await waitFor(async () => (await settleJobs(trade.id)).every((j) => j.done_at !== null), {
        what: 'every settlement job of the trade done',
        timeoutMs: 60_000,
        intervalMs: 100,
      });
      expect(await tradeStatus(t, trade.id)).to.equal('settled');
      const jobs = await settleJobs(trade.id);
      if (point !== 'after_commit_before_ack')
        expect(Number(jobs[0]!.dispatch_count), 'the original job was redelivered by the sweeper').to.be.at.least(2);
      second.kill('SIGTERM');
      expect((await exited(second)).code, 'graceful stop').to.equal(0);

      // 3. Exactly once.
      const settles = (await transfersOfTrade(t, trade.id)).filter((x) => x.kind === 'settle');
      expect(settles, 'one settlement transfer').to.have.length(1);
      expect(
        refundsAt().map((r) => r.amount),
        'one refund at Stripe, of the remainder',
      ).to.deep.equal([expectedRefund]);
      const calls = refundCalls();
      expect(calls.length).to.be.at.least(1);
      expect(new Set(calls.map((c) => c.idempotencyKey)), 'every attempt with the same key').to.deep.equal(
        new Set([`zwx-trade-${trade.id}-refund-v1`]),
      );
      expect(
        calls.filter((c) => c.outcome === 'applied'),
        'applied once; any retry was a replay',
      ).to.have.length(1);
      const after = await one<{ status: string; attempts: number }>(
        t.ctx.db,
        sql`select status, attempts from payment_refunds where trade_id = ${trade.id}`,
      );
      expect(after!.status).to.equal('succeeded');
      console.log(
        `    ${point}: ${calls.length} refund request(s) (${calls.map((c) => c.outcome).join(', ')}), ${after!.attempts} attempt(s) recorded`,
      );
    });
  }
});
