#!/usr/bin/env node
// The README's test command (npm test). Runs mocha over the suites named in TEST_SUITES
// (default: all). DATABASE_URL set → every test file gets its own PostgreSQL database cloned from a
// migrated template; unset → PGlite. REDIS_URL set → the BullMQ runner is exercised too.
// Extra arguments are passed to mocha (e.g. `npm test -- --grep USCC`).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const all = ['unit', 'integration', 'security', 'fault', 'e2e', 'cluster'];
// The cluster suite (several API and worker processes, tests/cluster) needs a PostgreSQL server and
// Redis: it is in the default set only when both are configured. Named in TEST_SUITES without them,
// its tests skip with the reason (outside CI) or fail (CI), as every test needing a service does.
const clusterServices = !!process.env.DATABASE_URL && !!process.env.REDIS_URL;
const defaults = all.filter((s) => s !== 'cluster' || clusterServices);
if (!process.env.TEST_SUITES && !clusterServices)
  console.log('tests: suite cluster left out (it needs DATABASE_URL and REDIS_URL: two API processes and two workers)');
const suites = (process.env.TEST_SUITES ?? defaults.join(','))
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
for (const s of suites) {
  if (!all.includes(s)) {
    console.error(`TEST_SUITES: unknown suite "${s}" (known: ${all.join(', ')})`);
    process.exit(2);
  }
}
const specs = suites.filter((s) => existsSync(`tests/${s}`)).map((s) => `tests/${s}/**/*.test.ts`);
const db = process.env.DATABASE_URL ? 'PostgreSQL server' : 'PGlite (embedded)';
const jobs = process.env.REDIS_URL ? 'BullMQ on Redis and in-process' : 'in-process';
console.log(`tests: suites=${suites.join(',')} node=${process.version} database=${db} jobs=${jobs}`);

const mocha = spawn(process.execPath, ['node_modules/mocha/bin/mocha.js', ...specs, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'test' },
});
mocha.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
