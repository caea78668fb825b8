import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { enqueue } from '../../server/src/jobs/outbox.js';
import type { JobName } from '../../server/src/jobs/definitions.js';
import { inTransaction, one, rows } from '../../server/src/db/tx.js';
import type { Db } from '../../server/src/db/client.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { requirePostgres } from '../helpers/services.js';
import { sleep, waitFor } from '../helpers/wait.js';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/relay-worker.ts');
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * R1 / J1 with the in-process runner: a process relaying the outbox and running its jobs is
 * SIGKILLed mid-run (some jobs done, some handed out and lost with its memory, some inside an open
 * transaction), more work is committed while it is down, and a new process picks everything up.
 * Every row ends done and every effect happens exactly once. Needs PostgreSQL: PGlite cannot be
 * shared between processes.
 */
describe('fault: relay process killed and restarted', function () {
  this.timeout(120_000);
  let testDb: TestDatabase;
  let db: Db;
  const children: ChildProcess[] = [];
  const seed = Number(process.env.FAULT_SEED ?? Date.now() % 100_000);

  function startFixture(): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: testDb.url!, SWEEP_SECONDS: '1', JOB_DELAY_MS: '15' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    return new Promise((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += String(d);
        if (out.includes('ready')) resolve(child);
      });
      child.once('exit', (code, signal) => reject(new Error(`fixture exited before ready (code ${code}, signal ${signal})`)));
    });
  }

  function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (child.exitCode !== null || child.signalCode !== null)
      return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
    return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  const count = async (q: ReturnType<typeof sql>) => (await one<{ n: number }>(db, q))!.n;

  async function addJobs(from: number, n: number) {
    for (let i = 0; i < n; i += 25) {
      await inTransaction(db, async (tx) => {
        for (let k = i; k < Math.min(i + 25, n); k++)
          await enqueue(tx, 'fault.effect' as JobName, { key: `k-${from + k}` } as never);
      });
    }
  }

  before(async function () {
    requirePostgres(this);
    testDb = await createTestDatabase();
    db = testDb.database.db;
    await testDb.database.exec(`
      create table fault_runs (id bigserial primary key, key text not null, pid int not null, at timestamptz not null default clock_timestamp());
      create table fault_effects (id bigserial primary key, key text not null, pid int not null);
    `);
  });

  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await testDb?.drop();
  });

  it('ends with every outbox row done and every effect applied exactly once', async () => {
    const first = 200;
    const later = 50;
    // The kill lands after between 30 and 120 effects, chosen by the seed.
    const killAfter = 30 + (seed % 91);
    console.log(`    seed ${seed} (FAULT_SEED to replay): kill after ${killAfter} effects`);

    await addJobs(0, first);
    const a = await startFixture();
    await waitFor(() => count(sql`select count(*)::int as n from fault_effects`).then((n) => n >= killAfter), {
      what: `${killAfter} effects`,
      intervalMs: 5,
      timeoutMs: 30_000,
    });
    a.kill('SIGKILL');
    expect((await exited(a)).signal).to.equal('SIGKILL');

    const doneAtKill = await count(sql`select count(*)::int as n from outbox where done_at is not null`);
    const handedOutAtKill = await count(
      sql`select count(*)::int as n from outbox where done_at is null and dispatched_at is not null`,
    );
    console.log(`    at the kill: ${doneAtKill} done, ${handedOutAtKill} handed out and not done`);
    expect(doneAtKill, 'the kill landed mid-run').to.be.lessThan(first);

    // Work committed while no relay runs.
    await addJobs(first, later);
    await sleep(200);

    const b = await startFixture();
    await waitFor(() => count(sql`select count(*)::int as n from outbox where done_at is null`).then((n) => n === 0), {
      what: 'every row done after the restart',
      timeoutMs: 60_000,
    });
    // Let a sweep pass run over the finished set: nothing may run again.
    await sleep(1500);
    b.kill('SIGTERM');
    expect((await exited(b)).code, 'graceful stop on SIGTERM').to.equal(0);

    const effects = await rows<{ key: string; n: number }>(
      db,
      sql`select key, count(*)::int as n from fault_effects group by key`,
    );
    expect(effects).to.have.length(first + later);
    const doubled = effects.filter((e) => e.n !== 1);
    expect(doubled, `effects applied more than once (seed ${seed})`).to.deep.equal([]);
    const runsByB = await count(sql`select count(distinct key)::int as n from fault_runs where pid = ${b.pid!}`);
    expect(runsByB, 'the restarted process did the rest').to.be.at.least(first + later - doneAtKill);
  });
});
