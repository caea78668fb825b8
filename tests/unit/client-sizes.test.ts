import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { expect } from 'chai';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * scripts/client-sizes.mjs, the build's last step (client/vite.config.ts), on a made-up build: what it
 * counts as the first page (`/` → /catalog: the entry, the catalogue page and their static imports,
 * never a lazily loaded page), the compressed copies it writes, and the budget that fails the build.
 */
interface Sizes {
  budget: { firstPageJs: number; measuredAs: string };
  firstPage: { files: string[]; js: { raw: number; gzip: number; brotli: number } };
  largestRouteChunk: { module: string; file: string; gzip: number };
}

function fakeBuild(files: Record<string, string | Buffer>): string {
  const dist = mkdtempSync(path.join(tmpdir(), 'zwx-sizes-'));
  mkdirSync(path.join(dist, 'assets'));
  mkdirSync(path.join(dist, '.vite'));
  const manifest = {
    'index.html': {
      file: 'assets/index-aaaa.js',
      isEntry: true,
      imports: ['_shared-bbbb.js'],
      dynamicImports: ['src/features/catalog/CataloguePage.tsx', 'src/features/regulator/RegulatorPage.tsx'],
      css: ['assets/index-cccc.css'],
    },
    '_shared-bbbb.js': { file: 'assets/shared-bbbb.js' },
    '_table-dddd.js': { file: 'assets/table-dddd.js', imports: ['_shared-bbbb.js'] },
    'src/features/catalog/CataloguePage.tsx': {
      file: 'assets/CataloguePage-eeee.js',
      isDynamicEntry: true,
      imports: ['_table-dddd.js'],
    },
    'src/features/regulator/RegulatorPage.tsx': {
      file: 'assets/RegulatorPage-ffff.js',
      isDynamicEntry: true,
      imports: ['_table-dddd.js'],
    },
  };
  writeFileSync(path.join(dist, '.vite/manifest.json'), JSON.stringify(manifest));
  writeFileSync(path.join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
  for (const [rel, body] of Object.entries(files)) writeFileSync(path.join(dist, rel), body);
  return dist;
}

function run(dist: string) {
  return spawnSync(process.execPath, [path.join(ROOT, 'scripts/client-sizes.mjs'), dist], { encoding: 'utf8', timeout: 60_000 });
}

describe('client build sizes (scripts/client-sizes.mjs)', () => {
  const made: string[] = [];
  after(() => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
  });

  it('counts the entry, the catalogue page and their static imports as the first page, not a lazily loaded page; the largest route chunk is named', () => {
    const regulator = `export const chart = ${JSON.stringify(randomBytes(30_000).toString('base64'))};`;
    const dist = fakeBuild({
      'assets/index-aaaa.js': 'import "./shared-bbbb.js"; export const app = 1;'.repeat(50),
      'assets/shared-bbbb.js': 'export const shared = 2;'.repeat(40),
      'assets/table-dddd.js': 'export const table = 3;'.repeat(30),
      'assets/CataloguePage-eeee.js': 'export const catalogue = 4;'.repeat(20),
      'assets/RegulatorPage-ffff.js': regulator,
      'assets/index-cccc.css': 'body{margin:0}'.repeat(10),
    });
    made.push(dist);
    const r = run(dist);
    expect(r.status, r.stderr).to.equal(0);
    const sizes = JSON.parse(readFileSync(path.join(dist, 'sizes.json'), 'utf8')) as Sizes;
    expect(sizes.firstPage.files).to.have.members([
      'assets/index-aaaa.js',
      'assets/shared-bbbb.js',
      'assets/CataloguePage-eeee.js',
      'assets/table-dddd.js',
    ]);
    const expectedRaw = ['index-aaaa.js', 'shared-bbbb.js', 'table-dddd.js', 'CataloguePage-eeee.js'].reduce(
      (n, f) => n + readFileSync(path.join(dist, 'assets', f)).length,
      0,
    );
    expect(sizes.firstPage.js.raw).to.equal(expectedRaw);
    expect(sizes.largestRouteChunk).to.deep.include({
      module: 'src/features/regulator/RegulatorPage.tsx',
      file: 'assets/RegulatorPage-ffff.js',
    });
    expect(sizes.budget).to.deep.include({ firstPageJs: 250_000, measuredAs: 'gzip' });
    expect(r.stdout)
      .to.match(/first page JS \(4 files\)/)
      .and.match(/largest route chunk: RegulatorPage\.tsx/);

    // The copies the server sends: same bytes once decoded; the brotli one no larger than the gzip one here.
    const original = readFileSync(path.join(dist, 'assets/index-aaaa.js'));
    expect(brotliDecompressSync(readFileSync(path.join(dist, 'assets/index-aaaa.js.br'))).equals(original)).to.equal(true);
    expect(gunzipSync(readFileSync(path.join(dist, 'assets/index-aaaa.js.gz'))).equals(original)).to.equal(true);
    expect(existsSync(path.join(dist, 'index.html.br'))).to.equal(true);
    expect(existsSync(path.join(dist, '.vite/manifest.json.br'))).to.equal(false);
  });

  it('fails (exit 1, naming the sizes) when the first page’s JavaScript is over 250 kB gzip', () => {
    // Random bytes do not compress: about 400 kB of base64 stays about 300 kB gzip.
    const dist = fakeBuild({
      'assets/index-aaaa.js': `export const blob = ${JSON.stringify(randomBytes(300_000).toString('base64'))};`,
      'assets/shared-bbbb.js': 'export const shared = 2;',
      'assets/table-dddd.js': 'export const table = 3;',
      'assets/CataloguePage-eeee.js': 'export const catalogue = 4;',
      'assets/RegulatorPage-ffff.js': 'export const chart = 5;',
      'assets/index-cccc.css': 'body{margin:0}',
    });
    made.push(dist);
    const r = run(dist);
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(/first page's JavaScript is \d+\.\d kB gzip, over the 250\.0 kB budget/);
    // The record is still written, so the numbers can be read.
    const sizes = JSON.parse(readFileSync(path.join(dist, 'sizes.json'), 'utf8')) as Sizes;
    expect(sizes.firstPage.js.gzip).to.be.above(250_000);
  });
});
