import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { expect } from 'chai';
import { createApp } from '../../server/src/app.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

type Raw = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

/** A GET whose body arrives as sent (no client-side decompression), so the encoding itself is checked. */
function rawGet(base: string, urlPath: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    http
      .get(`${base}${urlPath}`, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

const varies = (r: Raw) =>
  String(r.headers.vary ?? '')
    .split(/\s*,\s*/)
    .map((v) => v.toLowerCase());

describe('static assets: the built client served compressed, hashed files cached for good', () => {
  let t: TestApp;
  let dist: string;
  let server: http.Server;
  let base: string;
  // Repetitive enough that both encodings are much smaller than the file.
  const js = `export const catalogue = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => ({ code: `900-00${i}-00`, name: '废物' })))};\n`;
  const html = `<!doctype html><html><head><script type="module" src="/assets/app-3f9a1c.js"></script></head><body><div id="root"></div></body></html>\n`;
  const files: Record<string, Buffer> = {};

  before(async () => {
    t = await createTestApp({ startJobs: false });
    dist = mkdtempSync(path.join(tmpdir(), 'zwx-dist-'));
    mkdirSync(path.join(dist, 'assets'));
    const write = (rel: string, body: Buffer) => {
      files[rel] = body;
      writeFileSync(path.join(dist, rel), body);
    };
    // What scripts/client-sizes.mjs leaves: each text file with its .br and .gz beside it; the
    // compressed copies differ from on-the-fly output only in being exactly these bytes.
    for (const [rel, text] of [
      ['assets/app-3f9a1c.js', js],
      ['index.html', html],
    ] as const) {
      write(rel, Buffer.from(text));
      write(`${rel}.br`, brotliCompressSync(Buffer.from(text)));
      write(`${rel}.gz`, gzipSync(Buffer.from(text)));
    }
    // A stylesheet the build did not compress, and an image (never compressed).
    write('assets/extra-77aa00.css', Buffer.from('body{margin:0}\n'));
    write('assets/mark-0c0ffe.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

    server = http.createServer(createApp(t.ctx, { clientDist: dist }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address() as { port: number };
    base = `http://127.0.0.1:${addr.port}`;
  });

  after(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await t?.close();
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  it('a browser accepting brotli gets the .br copy with Content-Encoding br, the JavaScript type and Vary: Accept-Encoding', async () => {
    const r = await rawGet(base, '/assets/app-3f9a1c.js', { 'Accept-Encoding': 'gzip, deflate, br, zstd' });
    expect(r.status).to.equal(200);
    expect(r.headers['content-encoding']).to.equal('br');
    expect(r.headers['content-type']).to.match(/^(text|application)\/javascript; charset=utf-8$/);
    expect(varies(r)).to.include('accept-encoding');
    expect(r.body.equals(files['assets/app-3f9a1c.js.br']!)).to.equal(true);
    expect(brotliDecompressSync(r.body).toString()).to.equal(js);
    expect(Number(r.headers['content-length'])).to.be.below(js.length / 4);
  });

  it('a browser accepting gzip but not brotli gets the .gz copy', async () => {
    for (const accept of ['gzip', 'br;q=0, gzip']) {
      const r = await rawGet(base, '/assets/app-3f9a1c.js', { 'Accept-Encoding': accept });
      expect(r.headers['content-encoding'], accept).to.equal('gzip');
      expect(r.headers['content-type']).to.match(/javascript; charset=utf-8$/);
      expect(varies(r)).to.include('accept-encoding');
      expect(gunzipSync(r.body).toString()).to.equal(js);
    }
  });

  it('a client accepting neither gets the file itself, still with Vary: Accept-Encoding', async () => {
    for (const headers of [{}, { 'Accept-Encoding': 'identity' }, { 'Accept-Encoding': 'deflate' }] as Record<string, string>[]) {
      const r = await rawGet(base, '/assets/app-3f9a1c.js', headers);
      expect(r.status).to.equal(200);
      expect(r.headers['content-encoding']).to.equal(undefined);
      expect(r.headers['content-type']).to.match(/javascript; charset=utf-8$/);
      expect(varies(r)).to.include('accept-encoding');
      expect(r.body.toString()).to.equal(js);
    }
  });

  it('hashed files under /assets/ are cached for a year as immutable, whatever the encoding', async () => {
    for (const accept of ['br', 'gzip', 'identity']) {
      const r = await rawGet(base, '/assets/app-3f9a1c.js', { 'Accept-Encoding': accept });
      expect(r.headers['cache-control'], accept).to.equal('public, max-age=31536000, immutable');
    }
    const png = await rawGet(base, '/assets/mark-0c0ffe.png', { 'Accept-Encoding': 'br' });
    expect(png.status).to.equal(200);
    expect(png.headers['content-type']).to.equal('image/png');
    expect(png.headers['content-encoding']).to.equal(undefined);
    expect(png.headers['cache-control']).to.equal('public, max-age=31536000, immutable');
  });

  it('a file without compressed copies is served as it is, even to a browser accepting both', async () => {
    const r = await rawGet(base, '/assets/extra-77aa00.css', { 'Accept-Encoding': 'br, gzip' });
    expect(r.status).to.equal(200);
    expect(r.headers['content-encoding']).to.equal(undefined);
    expect(r.headers['content-type']).to.equal('text/css; charset=utf-8');
    expect(r.body.toString()).to.equal('body{margin:0}\n');
  });

  it('the app shell (/, a client route, /index.html) is revalidated on every load (no-cache) and compressed too', async () => {
    for (const urlPath of ['/', '/catalog', '/trades/5f0c1d2e-0000-4000-8000-000000000000', '/index.html']) {
      const r = await rawGet(base, urlPath, { 'Accept-Encoding': 'gzip, br' });
      expect(r.status, urlPath).to.equal(200);
      expect(r.headers['cache-control'], urlPath).to.equal('no-cache');
      expect(r.headers['content-type'], urlPath).to.equal('text/html; charset=utf-8');
      expect(r.headers['content-encoding'], urlPath).to.equal('br');
      expect(varies(r), urlPath).to.include('accept-encoding');
      expect(brotliDecompressSync(r.body).toString(), urlPath).to.equal(html);
    }
    const plain = await rawGet(base, '/market');
    expect(plain.headers['content-encoding']).to.equal(undefined);
    expect(plain.headers['cache-control']).to.equal('no-cache');
    expect(plain.body.toString()).to.equal(html);
  });

  it('a hashed file that is not there is 404 in the error envelope, not the app shell', async () => {
    const r = await rawGet(base, '/assets/app-000000.js', { 'Accept-Encoding': 'br' });
    expect(r.status).to.equal(404);
    expect(r.headers['content-type']).to.match(/^application\/json/);
    expect(JSON.parse(r.body.toString()).error.code).to.equal('NOT_FOUND');
  });

  it('the API is not touched: an unknown API path is still a JSON 404', async () => {
    const r = await rawGet(base, '/api/v1/no-such-thing.js', { 'Accept-Encoding': 'br' });
    expect(r.status).to.equal(404);
    expect(r.headers['content-type']).to.match(/^application\/json/);
  });
});
