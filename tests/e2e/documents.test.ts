/**
 * Documents in Chromium (issue 13 item 10): the receiver weighs a trip, uploads its weighbridge
 * ticket on the manifest page; the ticket is listed with its SHA-256, the chain carries the hash in a
 * `document` event and the tamper check says the chain is intact.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { expect } from 'chai';
import { type Browser, type Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { PASSWORD, auth } from '../helpers/actors.js';
import { launchChromium, SCREENSHOTS, signInThroughUi, textOf } from '../helpers/browser.js';
import { flyAshDeal, openTrip, walkTrip } from '../helpers/manifests.js';

// A 1×1 PNG: a phone photo of the ticket, as a weighbridge clerk would send it.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('web client: a weighbridge ticket on the manifest, in Chromium', function () {
  this.timeout(180_000);
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

  async function page(width: number, height: number): Promise<Page> {
    const c = await browser.newContext({
      viewport: { width, height },
      deviceScaleFactor: 1,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    return c.newPage();
  }

  it('a weighbridge ticket uploaded at receipt is listed on the manifest and its hash is in the chain', async () => {
    const base = t.server!.url;
    const d = await flyAshDeal(t, { quantityKg: 10_000 });
    const m = await walkTrip(t, d, await openTrip(t, d, 10_000), { until: 'arrive' });

    const rec = await page(1280, 1000);
    await signInThroughUi(rec, base, d.recycler, PASSWORD, `/manifests/${m.id}`);
    expect(await rec.getByTestId('manifest-step-form').getAttribute('data-step')).to.equal('receive');
    await rec.getByTestId('step-weight').fill('10');
    await rec.getByTestId('step-submit').click();
    await rec.locator('[data-testid="manifest-detail"][data-status="received"]').waitFor();

    const panel = rec.getByTestId('documents-manifest');
    await panel.getByTestId('document-kind').selectOption('weighbridge_ticket');
    // Named .jpg by the phone; the server reads PNG from the bytes.
    await panel.getByTestId('document-file').setInputFiles({ name: '地磅单.jpg', mimeType: 'image/jpeg', buffer: PNG });
    await panel.getByTestId('document-upload').click();
    const item = panel.getByTestId('document-item');
    await item.waitFor();
    expect(await item.getAttribute('data-kind')).to.equal('weighbridge_ticket');
    expect(await item.getAttribute('data-sha256')).to.equal(sha(PNG));
    expect(await item.textContent())
      .to.contain('地磅单')
      .and.contain('PNG')
      .and.contain('哈希已写入联单链');
    await rec.getByTestId('timeline-document').waitFor();
    expect(await rec.getByTestId('timeline-document').textContent()).to.contain(sha(PNG));
    expect(await textOf(rec, 'manifest-audit')).to.contain('哈希链完整');
    await rec.screenshot({ path: path.join(SCREENSHOTS, 'documents-manifest.png'), fullPage: true });

    const audit = await t.request.get(`/api/v1/manifests/${m.id}/audit`).set(auth(d.generator.token)).expect(200);
    expect(audit.body.valid).to.equal(true);
    const event = audit.body.events.find((e: { type: string }) => e.type === 'document');
    expect(event.data.documents[0]).to.include({ kind: 'weighbridge_ticket', sha256: sha(PNG), contentType: 'image/png' });

    // The shipper sees it listed too; at 390 px the page does not scroll sideways.
    const phone = await page(390, 844);
    await signInThroughUi(phone, base, d.generator, PASSWORD, `/manifests/${m.id}`);
    await phone.getByTestId('documents-manifest').getByTestId('document-item').waitFor();
    expect(await phone.evaluate<number>('document.documentElement.scrollWidth')).to.be.at.most(390);
    await phone.screenshot({ path: path.join(SCREENSHOTS, 'documents-manifest-phone.png'), fullPage: true });
  });
});
