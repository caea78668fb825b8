#!/usr/bin/env node
// After `vite build` (client/vite.config.ts runs this as its last build step; `npm run build:client`
// therefore does too): writes a brotli (.br) and a gzip (.gz) copy next to each text asset in
// client/dist, which the server sends by Accept-Encoding (server/src/http/client-assets.ts), then
// records the sizes in client/dist/sizes.json, prints them, and fails the build when the first page's
// JavaScript is over budget.
//
//   node scripts/client-sizes.mjs [distDir]     compress (again), record and print
//
// The first page is `/`, which redirects to /catalog: the entry chunk, the catalogue page's chunk and
// every chunk they import statically (from Vite's manifest). The budget is on gzip, the larger of the
// two encodings and the one every browser accepts: FIRST_PAGE_BUDGET bytes (250 kB, 1 kB = 1000 bytes).
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export const FIRST_PAGE_BUDGET = 250_000;
/** The page `/` redirects to, as Vite's manifest names its module. */
export const FIRST_PAGE_MODULE = 'src/features/catalog/CataloguePage.tsx';
/** What gets precompressed (server/src/http/client-assets.ts COMPRESSIBLE). */
const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.txt', '.map']);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Writes x.br and x.gz for each compressible file; returns the three sizes of every file, by dist-relative path. */
function compressAll(dist) {
  const sizes = new Map();
  for (const file of filesUnder(dist)) {
    const rel = path.relative(dist, file).split(path.sep).join('/');
    if (rel.startsWith('.vite/') || rel === 'sizes.json' || !COMPRESSIBLE.has(path.extname(file))) continue;
    const raw = readFileSync(file);
    const br = brotliCompressSync(raw, {
      params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
    });
    const gz = gzipSync(raw, { level: 9 });
    // Written even when not smaller (tiny files), so the server's choice never depends on size.
    writeFileSync(`${file}.br`, br);
    writeFileSync(`${file}.gz`, gz);
    sizes.set(rel, { raw: raw.length, gzip: gz.length, brotli: br.length });
  }
  return sizes;
}

const sum = (list) =>
  list.reduce((a, s) => ({ raw: a.raw + s.raw, gzip: a.gzip + s.gzip, brotli: a.brotli + s.brotli }), {
    raw: 0,
    gzip: 0,
    brotli: 0,
  });

/** The chunk of `key` and every chunk it imports statically, as manifest keys. */
function closure(manifest, key, into = new Set()) {
  if (into.has(key) || !manifest[key]) return into;
  into.add(key);
  for (const dep of manifest[key].imports ?? []) closure(manifest, dep, into);
  return into;
}

export function recordClientSizes(dist = path.join(root, 'client/dist')) {
  const manifest = JSON.parse(readFileSync(path.join(dist, '.vite/manifest.json'), 'utf8'));
  const sizes = compressAll(dist);
  const of = (key) => ({ file: manifest[key].file, ...sizes.get(manifest[key].file) });

  const entry = Object.keys(manifest).find((k) => manifest[k].isEntry);
  if (!entry) throw new Error('client-sizes: no entry chunk in the Vite manifest');
  if (!manifest[FIRST_PAGE_MODULE])
    throw new Error(`client-sizes: ${FIRST_PAGE_MODULE} is not a chunk; update FIRST_PAGE_MODULE`);
  const firstKeys = closure(manifest, FIRST_PAGE_MODULE, closure(manifest, entry));
  const firstFiles = [...firstKeys].map(of);
  const firstPage = {
    route: '/ → /catalog',
    js: sum(firstFiles),
    css: sum([...new Set([...firstKeys].flatMap((k) => manifest[k].css ?? []))].map((f) => sizes.get(f))),
    files: firstFiles.map((f) => f.file),
  };

  // Each lazily loaded page: its own chunk, and what it adds to the first page's JavaScript when opened.
  const routes = Object.keys(manifest)
    .filter((k) => manifest[k].isDynamicEntry)
    .map((k) => ({
      module: k,
      ...of(k),
      added: sum([...closure(manifest, k)].filter((d) => !firstKeys.has(d)).map((d) => of(d))),
    }))
    .sort((a, b) => b.gzip - a.gzip);

  const result = {
    budget: { firstPageJs: FIRST_PAGE_BUDGET, measuredAs: 'gzip', unit: 'bytes' },
    firstPage,
    largestRouteChunk: routes[0] ?? null,
    routes,
    files: [...sizes].map(([file, s]) => ({ file, ...s })).sort((a, b) => b.raw - a.raw),
  };
  writeFileSync(path.join(dist, 'sizes.json'), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

const kB = (n) => `${(n / 1000).toFixed(1)} kB`;

export function printClientSizes(result, log = console.log) {
  const row = (name, s) => `${name.padEnd(52)} ${kB(s.raw).padStart(10)} ${kB(s.gzip).padStart(10)} ${kB(s.brotli).padStart(10)}`;
  log(`${'file'.padEnd(52)} ${'raw'.padStart(10)} ${'gzip'.padStart(10)} ${'brotli'.padStart(10)}`);
  for (const f of result.files) log(row(f.file, f));
  log('');
  log(row(`first page JS (${result.firstPage.files.length} files)`, result.firstPage.js));
  if (result.largestRouteChunk)
    log(row(`largest route chunk: ${path.basename(result.largestRouteChunk.module)}`, result.largestRouteChunk));
  log(`budget: first page JS ≤ ${kB(result.budget.firstPageJs)} gzip`);
}

/** Throws when the first page's JavaScript is over budget (the build fails). */
export function checkBudget(result) {
  const over = result.firstPage.js.gzip - result.budget.firstPageJs;
  if (over > 0)
    throw new Error(
      `client-sizes: the first page's JavaScript is ${kB(result.firstPage.js.gzip)} gzip, over the ${kB(result.budget.firstPageJs)} budget by ${kB(over)}`,
    );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const result = recordClientSizes(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
    printClientSizes(result);
    checkBudget(result);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
