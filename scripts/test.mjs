#!/usr/bin/env node
// The README's test command (npm test). Runs mocha over the suites named in TEST_SUITES
// (default: all). DATABASE_URL set → every test file gets its own PostgreSQL database cloned from a
// migrated template; unset → PGlite. REDIS_URL set → the BullMQ runner is exercised too.
// Extra arguments are passed to mocha (e.g. `npm test -- --grep USCC`).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const all = ['unit', 'integration', 'security', 'fault', 'e2e'];
const suites = (process.env.TEST_SUITES ?? all.join(','))
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
