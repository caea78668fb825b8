/**
 * Issue 17, docs/deploy.md: the restore drill (scripts/restore-drill.ts) restores a pg_dump of a
 * database into a scratch database and verifies every manifest hash chain there; a chain changed
 * behind the API's back before the backup makes the drill fail and name the manifest.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { rows } from '../../server/src/db/tx.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { flyAshDeal, openTrip, walkTrip } from '../helpers/manifests.js';
import { requirePostgres, skipOrFail } from '../helpers/services.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function drill(databaseUrl: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/restore-drill.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('cluster: the restore drill verifies every manifest hash chain of a restored backup', function () {
  this.timeout(180_000);
  let t: TestApp;

  before(async function () {
    requirePostgres(this);
    if (spawnSync('pg_restore', ['--version']).status !== 0)
      skipOrFail(this, 'pg_dump / pg_restore not installed (postgresql-client)');
    t = await createTestApp();
  });
  after(async () => {
    await t?.close();
  });

  it('restores, verifies every chain and passes; after an event is changed in SQL it fails naming the manifest', async () => {
    const d = await flyAshDeal(t, { quantityKg: 20_000 });
    const m1 = await walkTrip(t, d, await openTrip(t, d, 5_000), { until: 'report_disposal' });
    const m2 = await openTrip(t, d, 4_000);

    const ok = drill(t.testDb.url!);
    expect(ok.status, ok.out).to.equal(0);
    expect(ok.out).to.match(/verified 2 manifest hash chains \(\d+ events\)/);
    expect(ok.out).to.include('every manifest chain verifies');

    // Someone with database access edits a stored weight: the backup carries the change.
    await t.ctx.db.execute(sql`alter table manifest_events disable trigger manifest_events_append_only`);
    try {
      await t.ctx.db.execute(
        sql`update manifest_events set data = jsonb_set(data, '{declaredKg}', '1'::jsonb) where manifest_id = ${m2.id} and seq = 1`,
      );
    } finally {
      await t.ctx.db.execute(sql`alter table manifest_events enable trigger manifest_events_append_only`);
    }
    const bad = drill(t.testDb.url!);
    expect(bad.status, bad.out).to.equal(1);
    expect(bad.out).to.include(`BROKEN ${m2.number} (${m2.id}): hash at event 1`);
    expect(bad.out).to.not.include(m1.id);
    // The scratch databases are gone.
    const [left] = await rows<{ n: number }>(
      t.ctx.db,
      sql`select count(*)::int as n from pg_database where datname like 'zwx_restore_drill_%'`,
    );
    expect(left!.n).to.equal(0);
  });
});
