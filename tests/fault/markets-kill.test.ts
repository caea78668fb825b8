import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import supertest from 'supertest';
import { registerOrg, type OrgActor } from '../helpers/actors.js';
import { killProcess, startEmbeddedServer } from '../helpers/embedded.js';
import { order, STEEL } from '../helpers/markets.js';
import { openPglite } from '../../server/src/db/client.js';
import { migrate } from '../../server/src/db/migrate.js';
import { randomIds, systemClock } from '../../server/src/clock.js';
import { createMarketsService } from '../../server/src/modules/markets/index.js';
import { OrderBook, type BookJournalEntry } from '../../server/src/modules/matching/index.js';
import { rows } from '../../server/src/db/tx.js';
import { sql } from 'drizzle-orm';

/**
 * ADR 0026: a market's book lives in the API process's memory, but only as a cache of the stored open
 * orders and the engine's journal, written in the transaction of each change. The real entry point
 * (server/src/main.ts, embedded PGlite) takes orders, is SIGKILLed — once at rest, once with orders in
 * flight — and started again: the book it rebuilds from the rows equals the book before the kill, and
 * equals the book the whole journal replays to (every op the killed process's book applied).
 */
describe('fault: a market book rebuilt after SIGKILL equals the book before it', function () {
  this.timeout(240_000);
  let dataDir: string;
  let child: ChildProcess | null = null;
  const port = 3990 + (process.pid % 9);
  const env = { JWT_SECRET: 'fault-test-secret-markets-kill-0001', RATE_LIMIT_PER_MINUTE: '100000' };

  const start = () => startEmbeddedServer({ port, dataDir, env, timeoutMs: 90_000 }).then((c) => (child = c));

  before(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'zwx-markets-kill-'));
  });
  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) await killProcess(child);
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The i-th order of a deterministic stream on heavy scrap steel; most cross. */
  function nth(i: number, sellers: OrgActor[], buyers: OrgActor[]) {
    const buy = i % 2 === 1;
    return {
      who: (buy ? buyers : sellers)[i % sellers.length]!,
      body: { side: buy ? 'buy' : 'sell', pricePerTonneFen: 256_000 + ((i * 7) % 5) * 1_000, quantityKg: 5_000 * (1 + (i % 3)) },
    };
  }

  it('at rest and with orders in flight: the rebuilt book equals the book before and the journal', async () => {
    let c = await start();
    let request = supertest(`http://127.0.0.1:${port}`);
    const sellers = [await registerOrg(request, { roles: ['generator'] }), await registerOrg(request, { roles: ['generator'] })];
    const buyers = [await registerOrg(request, { roles: ['recycler'] }), await registerOrg(request, { roles: ['recycler'] })];
    for (let i = 0; i < 30; i++) {
      const { who, body } = nth(i, sellers, buyers);
      expect((await order(request, who, body)).status).to.equal(201);
    }
    const before = (await request.get(`/api/v1/markets/${STEEL}/book?levels=100`)).body;
    expect(before.bids.length + before.asks.length).to.be.greaterThan(0);
    await killProcess(c);

    c = await start();
    request = supertest(`http://127.0.0.1:${port}`);
    const after = (await request.get(`/api/v1/markets/${STEEL}/book?levels=100`)).body;
    expect(after).to.deep.equal(before);

    // Orders in flight when the process dies: some commit, some do not; none half.
    const inFlight = Array.from({ length: 20 }, (_, k) => {
      const { who, body } = nth(30 + k, sellers, buyers);
      return order(request, who, body).then(
        (r) => r.status,
        () => 0,
      );
    });
    await new Promise((r) => setTimeout(r, 150));
    await killProcess(c);
    await Promise.all(inFlight);

    // The dead process's data directory, opened here: rows and journal must tell the same book.
    const database = await openPglite({ dataDir });
    try {
      await migrate(database);
      const markets = createMarketsService({
        db: database.db,
        ids: randomIds,
        clock: systemClock,
        config: { PLATFORM_FEE_BP: 0 },
      });
      const fromRows = await markets.currentBook(STEEL);
      const journal = await rows<{ entry: BookJournalEntry }>(
        database.db,
        sql`select entry from market_journal where market_code = ${STEEL} order by op`,
      );
      const replayed = new OrderBook();
      replayed.replay(journal.map((r) => r.entry));
      expect(fromRows).to.deep.equal({ ...replayed.snapshot(), lastSeq: fromRows.lastSeq });
      expect(fromRows.lastOp).to.equal(journal.length);
    } finally {
      await database.close();
    }
  });
});
