/**
 * The restore drill (docs/deploy.md "Backups and the restore drill"): restores a backup into a scratch
 * database next to DATABASE_URL's, checks that it is a whole Zero-Waste Exchange database, verifies
 * every manifest's hash chain with the manifests module's own verification (the check
 * GET /manifests/:id/audit runs on one manifest), prints what it found and drops the scratch database.
 *
 *   DATABASE_URL=postgres://… node --import tsx scripts/restore-drill.ts --dump backups/zwx-2026-12-06.dump
 *   DATABASE_URL=postgres://… node --import tsx scripts/restore-drill.ts            # dumps DATABASE_URL first
 *   … --keep                                                                        # leave the scratch database
 *
 * The dump is pg_dump's custom format (`pg_dump -Fc`), what docs/deploy.md's nightly backup writes.
 * DATABASE_URL's role needs CREATEDB; the source database is only read (pg_dump), never written.
 * Exit 0: restored, every chain intact. Exit 1: a broken chain, a failed restore or missing tables.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openPostgres } from '../server/src/db/client.js';
import { loadMigrations } from '../server/src/db/migrate.js';
import { verifyAllManifestChains } from '../server/src/modules/manifests/index.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error) throw new Error(`${cmd}: ${r.error.message} (install postgresql-client)`);
  if (r.status !== 0) throw new Error(`${cmd} exited ${r.status}`);
}

async function admin(url: string, text: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

async function main(): Promise<number> {
  const source = process.env.DATABASE_URL;
  if (!source) throw new Error('set DATABASE_URL (the server to restore next to; its role needs CREATEDB)');
  const keep = process.argv.includes('--keep');
  let dump = arg('dump');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'zwx-restore-'));
  const scratch = `zwx_restore_drill_${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`;
  const scratchUrl = withDatabase(source, scratch);
  const started = Date.now();
  try {
    if (!dump) {
      dump = path.join(tmp, 'zwx.dump');
      console.log(`restore drill: no --dump given; backing up ${new URL(source).pathname.slice(1)} first (pg_dump -Fc)`);
      run('pg_dump', ['-Fc', '--no-owner', '--file', dump, source]);
    }
    console.log(`restore drill: restoring ${dump} into the scratch database ${scratch}`);
    await admin(source, `create database ${scratch}`);
    run('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '--dbname', scratchUrl, dump]);

    const database = await openPostgres(scratchUrl, 2);
    try {
      const c = database.pool;
      const applied = new Set((await c.query<{ name: string }>('select name from schema_migrations')).rows.map((r) => r.name));
      const known = (await loadMigrations()).map((m) => m.name);
      const pending = known.filter((n) => !applied.has(n));
      const counts = (
        await c.query<{ t: string; n: string }>(
          `select 'organisations' as t, count(*)::text as n from orgs
           union all select 'trades', count(*)::text from trades
           union all select 'manifests', count(*)::text from manifests
           union all select 'manifest events', count(*)::text from manifest_events
           union all select 'ledger entries', count(*)::text from ledger_entries`,
        )
      ).rows;
      console.log(`restore drill: restored ${counts.map((r) => `${r.n} ${r.t}`).join(', ')}`);
      console.log(
        `restore drill: migrations ${applied.size} applied${pending.length ? `; ${pending.length} newer in this code (applied at the next start): ${pending.join(', ')}` : ', all of this code'}`,
      );
      const report = await verifyAllManifestChains(database.db);
      console.log(`restore drill: verified ${report.manifests} manifest hash chains (${report.events} events)`);
      for (const b of report.broken.slice(0, 20))
        console.log(`  BROKEN ${b.number} (${b.manifestId}): ${b.reason} at event ${b.brokenAt}`);
      if (report.broken.length) {
        console.log(`restore drill: FAILED: ${report.broken.length} broken chains`);
        return 1;
      }
      console.log(`restore drill: OK in ${((Date.now() - started) / 1000).toFixed(1)} s: every manifest chain verifies`);
      return 0;
    } finally {
      await database.close();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    if (keep) console.log(`restore drill: kept ${scratch}`);
    else await admin(source, `drop database if exists ${scratch} with (force)`).catch(() => {});
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`restore drill: FAILED: ${(err as Error).message}`);
    process.exit(1);
  },
);
