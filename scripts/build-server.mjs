#!/usr/bin/env node
// `npm run build:server`: compiles the server to plain JavaScript in dist/ (ADR 0027), so that
// `npm run start:prod`, `npm run worker:prod` and `npm run migrate:prod` run with no tsx, TypeScript or
// Vite at run time.
//
// Each source file becomes one .js file at the same relative path (server/src/x.ts → dist/server/src/x.js),
// not one bundle: code that finds its files relative to `import.meta.url` (migrations, shared/data,
// client/dist) then finds them under dist/ exactly as under the repository root, and a file that is
// loaded by path (a worker_thread entry such as `new Worker(new URL('./x.js', import.meta.url))`) exists
// in dist/ because every .ts under server/src is compiled, reachable or not. What else is compiled is
// what those files import (shared/src, scripts/seed), found by esbuild's own resolver.
//
// Data the server reads at run time is copied next to the code (RUNTIME_FILES). The web client is built
// by Vite (npm run build:client) and copied in by `npm run build`. The CJK font comes from the production
// dependency @embedpdf/fonts-sc (resolved from node_modules) or the system (MANIFEST_PDF_FONT).
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'dist');

/** Entry points run by `node dist/...`; every other .ts under server/src is compiled too (see above). */
export const ENTRIES = ['server/src/main.ts', 'server/src/worker.ts', 'server/src/migrate-cli.ts'];

/** Files and folders the compiled server reads at run time, copied to the same path under dist/. */
export const RUNTIME_FILES = ['server/src/db/migrations', 'shared/data'];

function tsFilesUnder(dir) {
  const out = [];
  for (const name of readdirSync(path.join(ROOT, dir))) {
    const rel = path.join(dir, name);
    if (statSync(path.join(ROOT, rel)).isDirectory()) out.push(...tsFilesUnder(rel));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** Every project source file the entries and server/src reach (packages stay in node_modules). */
async function reachableSources() {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [...new Set([...ENTRIES, ...tsFilesUnder('server/src')])],
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    metafile: true,
    outdir: OUT,
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs).filter((f) => f.endsWith('.ts') && !f.startsWith('node_modules/'));
}

async function main() {
  const started = Date.now();
  rmSync(path.join(OUT, 'server'), { recursive: true, force: true });
  rmSync(path.join(OUT, 'shared'), { recursive: true, force: true });
  rmSync(path.join(OUT, 'scripts'), { recursive: true, force: true });
  const sources = await reachableSources();
  for (const required of ENTRIES)
    if (!sources.includes(required)) throw new Error(`build-server: entry ${required} was not compiled`);
  await build({
    absWorkingDir: ROOT,
    entryPoints: sources,
    outbase: ROOT,
    outdir: OUT,
    bundle: false,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  for (const rel of RUNTIME_FILES) {
    const from = path.join(ROOT, rel);
    if (!existsSync(from)) throw new Error(`build-server: ${rel} is missing`);
    cpSync(from, path.join(OUT, rel), { recursive: true });
  }
  // Node reads "type": "module" from the nearest package.json: dist/ says so itself, so the compiled
  // files are ES modules wherever dist/ is copied.
  mkdirSync(OUT, { recursive: true });
  writeFileSync(path.join(OUT, 'package.json'), `${JSON.stringify({ type: 'module', private: true }, null, 2)}\n`);
  console.log(`build-server: ${sources.length} files compiled to dist/ in ${Date.now() - started} ms`);
}

/** `--copy-client`: dist/client/dist from Vite's client/dist (app.ts serves it relative to itself). */
function copyClient() {
  const from = path.join(ROOT, 'client/dist');
  if (!existsSync(path.join(from, 'index.html'))) throw new Error('build-server: client/dist is missing (npm run build:client)');
  rmSync(path.join(OUT, 'client'), { recursive: true, force: true });
  cpSync(from, path.join(OUT, 'client/dist'), { recursive: true });
  console.log('build-server: client/dist copied to dist/client/dist');
}

(process.argv.includes('--copy-client') ? Promise.resolve().then(copyClient) : main()).catch((err) => {
  console.error(err);
  process.exit(1);
});
