import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { requirePostgres } from '../helpers/services.js';
import { createGenerator, createRecycler } from '../helpers/trading.js';
import { book, order, STEEL } from '../helpers/markets.js';
import type { OrgActor } from '../helpers/actors.js';
import { openPostgres } from '../../server/src/db/client.js';
import { rows } from '../../server/src/db/tx.js';

/**
 * Two API processes (two app contexts, each with its own in-memory books and connection pool) on one
 * PostgreSQL database take 100 orders at once on one market (ADR 0026): each matches under the
 * market's advisory lock after catching its book up from the journal, so nothing overfills and both
 * books agree with the stored open orders.
 */
describe('markets: 100 concurrent orders from two API processes', function () {
  this.timeout(180_000);
  let first: TestApp;
  let second: TestApp;
  before(async function () {
    requirePostgres(this);
    // One installation: both processes share the token key.
    const env = { JWT_SECRET: randomBytes(32).toString('base64url') };
    first = await createTestApp({ env });
    const database = await openPostgres(first.testDb.url!, 20);
    // closeContext closes this pool; the first app drops the database.
    second = await createTestApp({ env, testDb: { database, url: first.testDb.url, drop: async () => {} } });
  });
  after(async () => {
    await second?.close();
    await first?.close();
  });

  it('never overfills, and the depth both processes show equals the sum of the open orders', async () => {
    const sellers: OrgActor[] = [];
    const buyers: OrgActor[] = [];
    for (let i = 0; i < 4; i++) {
      sellers.push(await createGenerator(first.request));
      buyers.push(await createRecycler(first.request, { licence: null }));
    }
    // A deterministic mix around the band's middle so most orders cross.
    const orders = Array.from({ length: 100 }, (_, i) => {
      const buy = i % 2 === 0;
      const who = (buy ? buyers : sellers)[i % 4]!;
      const price = 256_000 + ((i * 7) % 5) * 1_000;
      const quantityKg = 5_000 * (1 + ((i * 3) % 3));
      const app = i % 3 === 0 ? second : first;
      return order(app.request, who, { side: buy ? 'buy' : 'sell', pricePerTonneFen: price, quantityKg });
    });
    const answers = await Promise.all(orders);
    expect(answers.map((r) => r.status)).to.deep.equal(answers.map(() => 201));

    const db = first.ctx.db;
    // Each order's fills (its prints) add up to its filledKg and never exceed its quantity.
    const fills = await rows<{ id: string; quantity_kg: string; filled_kg: string; printed: string | null }>(
      db,
      sql`select o.id, o.quantity_kg, o.filled_kg,
                 (select sum(p.quantity_kg) from market_prints p where p.buy_order_id = o.id or p.sell_order_id = o.id) as printed
          from market_orders o where o.market_code = ${STEEL}`,
    );
    expect(fills).to.have.length(100);
    for (const f of fills) {
      expect(Number(f.printed ?? 0), f.id).to.equal(Number(f.filled_kg));
      expect(Number(f.filled_kg)).to.be.at.most(Number(f.quantity_kg));
    }
    const [tradesKg] = await rows<{ kg: string; n: string }>(
      db,
      sql`select coalesce(sum(quantity_kg), 0) as kg, count(*) as n from trades where order_ids is not null`,
    );
    const [printsKg] = await rows<{ kg: string; n: string }>(
      db,
      sql`select coalesce(sum(quantity_kg), 0) as kg, count(*) as n from market_prints`,
    );
    expect(tradesKg).to.deep.equal(printsKg);
    expect(Number(printsKg!.n)).to.be.greaterThan(0);

    const stored = await rows<{ side: string; price: string; kg: string; n: string }>(
      db,
      sql`select side, price_per_tonne_fen as price, sum(remaining_kg) as kg, count(*) as n from market_orders
          where market_code = ${STEEL} and status = 'open' group by side, price_per_tonne_fen`,
    );
    const levels = (side: string, dir: 1 | -1) =>
      stored
        .filter((r) => r.side === side)
        .map((r) => ({ pricePerTonneFen: Number(r.price), quantityKg: Number(r.kg), orders: Number(r.n) }))
        .sort((a, b) => dir * (a.pricePerTonneFen - b.pricePerTonneFen));
    const expected = { bids: levels('buy', -1), asks: levels('sell', 1) };
    for (const app of [first, second]) {
      const d = await book(app.request);
      expect({ bids: d.bids, asks: d.asks }).to.deep.equal(expected);
    }
    // Not crossed: what rests could not have matched.
    if (expected.bids.length && expected.asks.length)
      expect(expected.bids[0]!.pricePerTonneFen).to.be.lessThan(expected.asks[0]!.pricePerTonneFen);
  });
});
