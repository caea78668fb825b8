import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { type Browser } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { launchChromium, ROOT } from '../helpers/browser.js';

interface Loaded {
  url: string;
  encoding: string | undefined;
  cacheControl: string | undefined;
  encodedBytes: number;
}

/**
 * Issue 13 item 11 in a real browser: opening the site loads the app shell and the catalogue page's
 * chunks only (no chart library), brotli-compressed, within the 250 kB budget, and exactly the files
 * the build recorded as the first page (client/dist/sizes.json), so the number in docs/benchmarks.md
 * is the one a browser pays.
 */
describe('first load in Chromium: the catalogue page’s JavaScript only, compressed', function () {
  this.timeout(60_000);

  let t: TestApp;
  let browser: Browser;

  before(async function () {
    this.timeout(300_000);
    browser = await launchChromium(this);
    t = await createTestApp({ listen: true });
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('opening / loads the recorded first-page files, brotli-encoded, immutable, under 250 kB, and no regulator (ECharts) chunk', async () => {
    const base = t.server!.url;
    const context = await browser.newContext();
    const page = await context.newPage();
    const scripts: Promise<Loaded>[] = [];
    page.on('requestfinished', (request) => {
      if (request.resourceType() !== 'script') return;
      scripts.push(
        (async () => {
          const response = await request.response();
          const headers = (await response?.allHeaders()) ?? {};
          return {
            url: request.url(),
            encoding: headers['content-encoding'],
            cacheControl: headers['cache-control'],
            encodedBytes: (await request.sizes()).responseBodySize,
          };
        })(),
      );
    });
    await page.goto(base);
    await page.waitForURL(`${base}/catalog`);
    await page.locator('[data-testid="catalogue-results"][aria-busy="false"]').waitFor();
    await page.waitForLoadState('networkidle');
    const loaded = await Promise.all(scripts);
    await context.close();

    const recorded = JSON.parse(readFileSync(path.join(ROOT, 'client/dist/sizes.json'), 'utf8')) as {
      firstPage: { files: string[]; js: { brotli: number } };
    };
    const files = loaded.map((l) => new URL(l.url).pathname.slice(1));
    expect(files).to.have.members(recorded.firstPage.files);
    expect(files.some((f) => /RegulatorPage/.test(f))).to.equal(false);
    for (const l of loaded) {
      expect(l.encoding, l.url).to.equal('br');
      expect(l.cacheControl, l.url).to.equal('public, max-age=31536000, immutable');
    }
    const total = loaded.reduce((n, l) => n + l.encodedBytes, 0);
    expect(total).to.equal(recorded.firstPage.js.brotli);
    expect(total).to.be.at.most(250_000);
  });
});
