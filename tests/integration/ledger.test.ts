import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { registerOrg } from '../helpers/actors.js';
import { databaseUrl } from '../helpers/services.js';
import { balance, expectLedgerInvariants } from '../helpers/settlement.js';
import { inTransaction, one } from '../../server/src/db/tx.js';
import { randomIds } from '../../server/src/clock.js';
import {
  Accounts,
  LedgerConflictError,
  LedgerOverdraftError,
  postTransfer,
  reverseTransfer,
  type EntryInput,
} from '../../server/src/modules/ledger/service.js';

const DB = databaseUrl ? 'PostgreSQL' : 'PGlite';

describe(`ledger (${DB})`, function () {
  this.timeout(120_000);
  let t: TestApp;
  let orgs: string[];

  before(async () => {
    t = await createTestApp({ startJobs: false });
    orgs = [];
    for (let i = 0; i < 3; i++) orgs.push((await registerOrg(t.request, { roles: ['recycler'] })).orgId);
  });
  after(async () => {
    await t?.close();
  });

  const post = (operationId: string, entries: EntryInput[], kind: 'adjustment' | 'fund' = 'adjustment') =>
    inTransaction(t.ctx.db, (tx) => postTransfer(tx, randomIds, { operationId, kind, description: 'test', entries }));

  async function fundEscrow(orgId: string, fen: number, op = `test:${randomUUID()}`) {
    return post(
      op,
      [
        { accountId: Accounts.clearing('simulated'), amountFen: -fen },
        { accountId: Accounts.escrow(orgId), amountFen: fen },
      ],
      'fund',
    );
  }

  it('posts a balanced transfer once per operation id: a repeat returns the first and moves nothing', async () => {
    const op = `test:${randomUUID()}`;
    const first = await fundEscrow(orgs[0]!, 500, op);
    const again = await fundEscrow(orgs[0]!, 500, op);
    expect(first!.created).to.equal(true);
    expect(again).to.deep.include({ created: false, transferId: first!.transferId });
    const n = await one<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from ledger_transfers where operation_id = ${op}`);
    expect(n!.n).to.equal(1);
  });

  it('refuses a repeat of an operation id with different entries (LedgerConflictError), changing nothing', async () => {
    const op = `test:${randomUUID()}`;
    await fundEscrow(orgs[1]!, 300, op);
    const before = await balance(t, Accounts.escrow(orgs[1]!));
    let err: unknown;
    try {
      await fundEscrow(orgs[1]!, 301, op);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(LedgerConflictError);
    expect(await balance(t, Accounts.escrow(orgs[1]!))).to.equal(before);
  });

  it('refuses an overdraft of escrow (LedgerOverdraftError) and writes nothing of the transaction', async () => {
    const org = (await registerOrg(t.request, { roles: ['generator'] })).orgId;
    await fundEscrow(org, 100);
    const op = `test:${randomUUID()}`;
    let err: unknown;
    try {
      await post(op, [
        { accountId: Accounts.escrow(org), amountFen: -101 },
        { accountId: Accounts.payable(org), amountFen: 101 },
      ]);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(LedgerOverdraftError);
    expect(await balance(t, Accounts.escrow(org))).to.equal(100);
    expect(await one(t.ctx.db, sql`select 1 from ledger_transfers where operation_id = ${op}`)).to.equal(undefined);
  });

  it('a transfer whose entries do not sum to zero is refused at commit, even written by hand', async () => {
    const id = randomUUID();
    await fundEscrow(orgs[0]!, 10);
    let message = '';
    try {
      await inTransaction(t.ctx.db, async (tx) => {
        await tx.execute(
          sql`insert into ledger_transfers(id, operation_id, kind, description) values (${id}, ${`test:${id}`}, 'adjustment', 'by hand')`,
        );
        await tx.execute(
          sql`insert into ledger_entries(transfer_id, account_id, amount_fen) values (${id}, 'clearing:simulated', -10), (${id}, ${Accounts.escrow(orgs[0]!)}, 9)`,
        );
      });
    } catch (e) {
      for (let x: unknown = e; x; x = (x as { cause?: unknown }).cause) message += ` ${(x as Error).message}`;
    }
    expect(message, 'refused at commit').to.match(/does not balance/);
    expect(await one(t.ctx.db, sql`select 1 from ledger_transfers where id = ${id}`)).to.equal(undefined);
  });

  it('a transfer with no entries is refused at commit', async () => {
    const id = randomUUID();
    let refused = false;
    try {
      await t.ctx.db.execute(
        sql`insert into ledger_transfers(id, operation_id, kind, description) values (${id}, ${`test:${id}`}, 'adjustment', 'empty')`,
      );
    } catch {
      refused = true;
    }
    expect(refused).to.equal(true);
  });

  it('ledger rows cannot be updated, deleted or truncated, and balances cannot be set by hand', async () => {
    await fundEscrow(orgs[2]!, 50);
    for (const stmt of [
      sql`update ledger_entries set amount_fen = amount_fen * 2`,
      sql`delete from ledger_entries`,
      sql`truncate ledger_entries`,
      sql`update ledger_transfers set description = 'rewritten'`,
      sql`delete from ledger_transfers`,
      sql`update ledger_accounts set balance_fen = 1000000`,
      sql`delete from ledger_accounts`,
    ]) {
      let refused = false;
      try {
        await t.ctx.db.execute(stmt);
      } catch {
        refused = true;
      }
      expect(refused, 'refused').to.equal(true);
    }
    await expectLedgerInvariants(t);
  });

  it('a correction is a reversing transfer: the original stays, balances return, and it reverses once', async () => {
    const org = (await registerOrg(t.request, { roles: ['generator'] })).orgId;
    const posted = await fundEscrow(org, 777);
    const reversal = await inTransaction(t.ctx.db, (tx) =>
      reverseTransfer(tx, randomIds, posted!.transferId, { description: 'entered twice by mistake' }),
    );
    const again = await inTransaction(t.ctx.db, (tx) =>
      reverseTransfer(tx, randomIds, posted!.transferId, { description: 'entered twice by mistake' }),
    );
    expect(reversal!.created).to.equal(true);
    expect(again!.created).to.equal(false);
    expect(await balance(t, Accounts.escrow(org))).to.equal(0);
    const rows = await one<{ n: number }>(
      t.ctx.db,
      sql`select count(*)::int as n from ledger_transfers where id = ${posted!.transferId} or reverses_transfer_id = ${posted!.transferId}`,
    );
    expect(rows!.n).to.equal(2);
  });

  it('200 concurrent transfers across three accounts keep every invariant; overdrafts are refused, duplicates post once', async function () {
    const seed = Number(process.env.LEDGER_SEED ?? Date.now() % 1_000_000);
    console.log(`    seed ${seed} (LEDGER_SEED to replay) on ${DB}`);
    const [a, b, c] = (await Promise.all(
      [0, 1, 2].map(async () => (await registerOrg(t.request, { roles: ['recycler'] })).orgId),
    )) as [string, string, string];
    const accounts = [Accounts.escrow(a), Accounts.escrow(b), Accounts.escrow(c)];
    for (const org of [a, b, c]) await fundEscrow(org, 10_000);

    // 180 distinct moves and 20 repeats of earlier operation ids, all at once.
    const moves = fc.sample(
      fc.record({
        from: fc.integer({ min: 0, max: 2 }),
        step: fc.integer({ min: 1, max: 2 }),
        amount: fc.integer({ min: 1, max: 4_000 }),
      }),
      { numRuns: 180, seed },
    );
    const ops = moves.map((m, i) => ({ op: `conc:${seed}:${i}`, from: m.from, to: (m.from + m.step) % 3, amount: m.amount }));
    const repeats = fc.sample(fc.integer({ min: 0, max: ops.length - 1 }), { numRuns: 20, seed: seed + 1 }).map((i) => ops[i]!);
    const all = shuffle([...ops, ...repeats], seed);
    const outcomes = await Promise.all(
      all.map(async (o) => {
        try {
          const r = await post(o.op, [
            { accountId: accounts[o.from]!, amountFen: -o.amount },
            { accountId: accounts[o.to]!, amountFen: o.amount },
          ]);
          return { o, result: r!.created ? ('posted' as const) : ('repeat' as const) };
        } catch (err) {
          if (err instanceof LedgerOverdraftError) return { o, result: 'overdraft' as const };
          throw err;
        }
      }),
    );
    const posted = outcomes.filter((x) => x.result === 'posted');
    const overdrafts = outcomes.filter((x) => x.result === 'overdraft').length;
    console.log(
      `    ${posted.length} posted, ${overdrafts} refused as overdrafts, ${outcomes.filter((x) => x.result === 'repeat').length} repeats`,
    );
    expect(posted.length, 'some transfers went through').to.be.greaterThan(50);
    // Each operation id posted at most once.
    expect(new Set(posted.map((x) => x.o.op)).size).to.equal(posted.length);
    // Final balances equal the starting balances plus what the posted transfers moved.
    const expected = [10_000, 10_000, 10_000];
    for (const { o } of posted) {
      expected[o.from]! -= o.amount;
      expected[o.to]! += o.amount;
    }
    for (let i = 0; i < 3; i++) expect(await balance(t, accounts[i]!), `account ${i}`).to.equal(expected[i]);
    expect(expected.reduce((s, x) => s + x, 0)).to.equal(30_000);
    for (const x of expected) expect(x).to.be.at.least(0);
    await expectLedgerInvariants(t, { tryWrites: true });
  });
});

/** Fisher–Yates with a seeded generator (mulberry32), so a run replays from its seed. */
function shuffle<T>(items: T[], seed: number): T[] {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
