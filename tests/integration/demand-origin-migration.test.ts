/**
 * Migration 0009 (issue 12 item 1): trades made from demand listings before it recorded the demand
 * listing's district — the receiver's — as origin. The migration rewrites nothing (each origin is
 * sealed in its manifests' hash chain, escrow holds the fee computed from it); it lists the trades
 * where that is visibly wrong (the seller is based elsewhere) in one audit row and one city-level
 * regulator alert. Tested the way it runs: a database migrated up to the migration before it, rows
 * written under that schema, then migrate().
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createEmptyTestDatabase, type TestDatabase } from '../helpers/db.js';
import { createTestApp } from '../helpers/app.js';
import { auth, createRegulator, makeUscc } from '../helpers/actors.js';
import { insertTrade } from '../helpers/regulator.js';
import { loadMigrations, migrate } from '../../server/src/db/migrate.js';
import type { Database } from '../../server/src/db/client.js';
import { one, rows } from '../../server/src/db/tx.js';

const SUFFIX = '_demand_origin.sql';

/** Applies every migration before this one, recording each as migrate() does. */
async function migrateToBefore(database: Database): Promise<string> {
  const all = await loadMigrations();
  const target = all.find((m) => m.name.endsWith(SUFFIX));
  expect(target, `a migration named *${SUFFIX}`).to.exist;
  await database.exec(
    `create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())`,
  );
  for (const m of all.filter((x) => x.name < target!.name))
    await database.exec(`begin;\n${m.sql}\n;insert into schema_migrations(name) values ('${m.name}');\ncommit;`);
  return target!.name;
}

async function org(database: Database, district: string, roles: string[]): Promise<string> {
  const id = randomUUID();
  await database.db.execute(
    sql`insert into orgs (id, name, uscc, district, roles) values (${id}, ${`org ${id.slice(0, 6)}`}, ${makeUscc()}, ${district}, ${sql.raw(`array[${roles.map((r) => `'${r}'`).join(',')}]`)})`,
  );
  return id;
}

async function listing(database: Database, orgId: string, side: 'supply' | 'demand', district: string): Promise<string> {
  const id = randomUUID();
  await database.db.execute(sql`insert into listings (id, org_id, side, material_code, waste_code, category, hazardous, quantity_kg, remaining_kg,
      min_lot_kg, price_per_tonne_fen, price_check, mode, pickup_from, pickup_to, district, status)
    values (${id}, ${orgId}, ${side}, '900-249-08', '900-249-08', 'HW08', true, 10000, 0, 10000, -50000, '{"status":"ok"}'::jsonb, 'fixed',
      now(), now() + interval '1 day', ${district}, 'matched')`);
  return id;
}

describe('migration 0009: demand-side trades with the receiver’s district as origin are listed, not rewritten', () => {
  let testDb: TestDatabase | undefined;

  afterEach(() => testDb?.drop());

  it('lists the affected trade in one audit row and one city alert, leaves it and the unaffected trades as they were', async () => {
    const fresh = await createEmptyTestDatabase();
    testDb = fresh;
    const database = fresh.database;
    const name = await migrateToBefore(database);
    // What the catalogue sync writes at boot; a migration-only database has no catalogue yet.
    await database.db.execute(sql`insert into materials (code, stream, category, name_zh, name_en, hazardous, tradeable, verification)
      values ('900-249-08', 'hazardous', 'HW08', '废矿物油', 'waste mineral oil', true, true, 'test')`);
    const receiver = await org(database, '330602', ['recycler']);
    const keqiaoMill = await org(database, '330603', ['generator']);
    const localSeller = await org(database, '330602', ['generator']);
    const demand = await listing(database, receiver, 'demand', '330602');
    const supply = await listing(database, keqiaoMill, 'supply', '330603');
    const base = {
      materialCode: '900-249-08',
      category: 'HW08',
      hazardous: true,
      quantityKg: 10_000,
      pricePerTonneFen: -50_000,
      createdAt: new Date(),
    };
    // The probe's trade: a Keqiao mill's offer into a Yuecheng demand listing, recorded 330602 → 330602.
    const affected = await insertTrade(database.db, {
      ...base,
      listingId: demand,
      generatorOrgId: keqiaoMill,
      receiverOrgId: receiver,
      originDistrict: '330602',
      destinationDistrict: '330602',
    });
    // A seller in the demand listing's own district: its origin was right.
    await insertTrade(database.db, {
      ...base,
      listingId: demand,
      generatorOrgId: localSeller,
      receiverOrgId: receiver,
      originDistrict: '330602',
      destinationDistrict: '330602',
    });
    // A supply listing's trade: its origin is the listing's district, as it should be.
    await insertTrade(database.db, {
      ...base,
      listingId: supply,
      generatorOrgId: keqiaoMill,
      receiverOrgId: receiver,
      originDistrict: '330603',
      destinationDistrict: '330602',
    });

    const applied = await migrate(database);
    expect(applied).to.include(name);

    const audits = await rows<{
      action: string;
      actor_user_id: string | null;
      details: { count: number; trades: Record<string, unknown>[] };
    }>(
      database.db,
      sql`select action, actor_user_id, details from audit_log where subject_type = 'migration' and subject_id = '0009_demand_origin'`,
    );
    expect(audits).to.have.length(1);
    expect(audits[0]!.action).to.equal('trade.origin_review');
    expect(audits[0]!.actor_user_id).to.equal(null);
    expect(audits[0]!.details.count).to.equal(1);
    expect(audits[0]!.details.trades).to.have.length(1);
    expect(audits[0]!.details.trades[0]).to.include({
      tradeId: affected,
      recordedOrigin: '330602',
      sellerDistrict: '330603',
      destinationDistrict: '330602',
      hazardous: true,
    });

    const alerts = await rows<{
      id: string;
      district: string | null;
      status: string;
      message: string;
      details: { tradeIds: string[] };
    }>(database.db, sql`select id, district, status, message, details from alerts where kind = 'origin_misattributed'`);
    expect(alerts).to.have.length(1);
    expect(alerts[0]!).to.include({ district: null, status: 'open' });
    expect(alerts[0]!.details.tradeIds).to.deep.equal([affected]);
    expect(alerts[0]!.message).to.contain(affected);

    const after = await one<{ origin_district: string }>(
      database.db,
      sql`select origin_district from trades where id = ${affected}`,
    );
    expect(after!.origin_district, 'no rewrite').to.equal('330602');

    // A city regulator reads the alert through the API like any other.
    const t = await createTestApp({ testDb: fresh, startJobs: false });
    try {
      const city = await createRegulator(t.request, 'city');
      const res = await t.request.get('/api/v1/regulator/alerts').query({ kind: 'origin_misattributed' }).set(auth(city.token));
      expect(res.status, res.text).to.equal(200);
      expect((res.body.items as { id: string }[]).map((a) => a.id)).to.deep.equal([alerts[0]!.id]);
    } finally {
      // close() drops the database; afterEach must not drop it twice.
      await t.close();
      testDb = undefined;
    }
  });

  it('writes no audit row and no alert when no trade is affected', async () => {
    const fresh = await createEmptyTestDatabase();
    testDb = fresh;
    const database = fresh.database;
    await migrateToBefore(database);
    await migrate(database);
    expect(
      (await one<{ n: number }>(
        database.db,
        sql`select count(*)::int as n from audit_log where subject_id = '0009_demand_origin'`,
      ))!.n,
    ).to.equal(0);
    expect(
      (await one<{ n: number }>(database.db, sql`select count(*)::int as n from alerts where kind = 'origin_misattributed'`))!.n,
    ).to.equal(0);
  });
});
