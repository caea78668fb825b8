/**
 * A weight dispute in Chromium (issue 13 item 3): the receiver sees why the trade is disputed (both
 * weights, the gap and the tolerance) and adds a note and a document as evidence; the admin resolves
 * the trip from the trade page; the trade and the manifest then show the same accepted weight, the
 * note and who decided, and the chain still verifies.
 */
import path from 'node:path';
import { expect } from 'chai';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';
import { PASSWORD, auth } from '../helpers/actors.js';
import { launchChromium, SCREENSHOTS, signInThroughUi, textOf } from '../helpers/browser.js';
import { flyAshDeal, openTrip, walkTrip } from '../helpers/manifests.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');

describe('web client: a weight dispute resolved per trip by the admin, in Chromium', function () {
  this.timeout(180_000);
  let t: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  before(async function () {
    this.timeout(300_000);
    browser = await launchChromium(this);
    t = await createTestApp({ listen: true });
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  async function page(width = 1280, height = 1000): Promise<Page> {
    const c = await browser.newContext({
      viewport: { width, height },
      deviceScaleFactor: 1,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    contexts.push(c);
    return c.newPage();
  }

  it('a weight dispute with evidence is resolved by the admin in the UI and the trade and manifest show the same accepted weight', async () => {
    const base = t.server!.url;
    const d = await flyAshDeal(t, { quantityKg: 10_000 });
    const m = await walkTrip(t, d, await openTrip(t, d, 10_000), { loadedKg: 10_000, receivedKg: 9_000 });
    await t.request
      .post(`/api/v1/trades/${d.trade.id}/evidence`)
      .set(auth(d.generator.token))
      .send({ note: '装车地磅单显示 10 吨，铅封完好。' })
      .expect(201);

    // The receiver: why, both weights, the tolerance; adds a note and a weighbridge photo as evidence.
    const rec = await page();
    await signInThroughUi(rec, base, d.recycler, PASSWORD, `/trades/${d.trade.id}`);
    await rec.getByTestId('dispute-panel').waitFor();
    expect(await textOf(rec, 'dispute-trip')).to.contain('磅差超过允许范围');
    expect(await textOf(rec, 'dispute-loaded')).to.contain('10');
    expect(await textOf(rec, 'dispute-received')).to.contain('9');
    expect(await textOf(rec, 'dispute-trip')).to.contain('允许范围 2.00 %');
    expect(await textOf(rec, 'dispute-next')).to.contain('平台管理员将逐车裁定');
    await rec.getByTestId('evidence-note-input').fill('到厂过磅 9 吨，附地磅单。');
    await rec.getByTestId('evidence-submit').click();
    await rec.getByTestId('evidence-note').nth(1).waitFor();
    await rec
      .getByTestId('documents-trade')
      .getByTestId('document-file')
      .setInputFiles({ name: '地磅单.pdf', mimeType: 'application/pdf', buffer: PDF });
    await rec.getByTestId('documents-trade').getByTestId('document-upload').click();
    await rec.getByTestId('documents-trade').getByTestId('document-item').waitFor();
    await rec.screenshot({ path: path.join(SCREENSHOTS, 'dispute-open.png'), fullPage: true });

    // The admin resolves the trip from the trade page.
    const adm = await page();
    await signInThroughUi(adm, base, { email: ADMIN.email }, ADMIN.password, `/trades/${d.trade.id}`);
    await adm.getByTestId('resolve-form').waitFor();
    expect(await adm.getByTestId('evidence-note').count()).to.equal(2);
    await adm.getByTestId('resolve-kg').fill('9.5');
    await adm.getByTestId('resolve-note').fill('双方地磅单差 1 吨，按中间值 9.5 吨结算。');
    await adm.getByTestId('resolve-submit').click();
    const resolution = adm.getByTestId('dispute-resolution');
    await resolution.waitFor();
    expect(await resolution.getAttribute('data-accepted-kg')).to.equal('9500');
    expect(await resolution.textContent())
      .to.contain('按中间值 9.5 吨结算')
      .and.contain('平台管理员裁定于');

    // The trade settles on the sum over its trips; the receiver's trade page and the manifest page agree.
    await t.ctx.jobs.drain();
    await rec.reload();
    await rec.locator('[data-testid="trade-detail"][data-status="settled"]').waitFor();
    expect(await rec.getByTestId('trade-accepted').getAttribute('data-kg')).to.equal('9500');
    expect(await rec.getByTestId('dispute-resolution').getAttribute('data-accepted-kg')).to.equal('9500');
    expect(await rec.getByTestId('dispute-total').getAttribute('data-accepted-kg')).to.equal('9500');
    await rec.screenshot({ path: path.join(SCREENSHOTS, 'dispute-resolved.png'), fullPage: true });

    await rec.goto(`${base}/manifests/${m.id}`);
    const onManifest = rec.getByTestId('manifest-dispute').getByTestId('dispute-resolution');
    await onManifest.waitFor();
    expect(await onManifest.getAttribute('data-accepted-kg')).to.equal('9500');
    expect(await onManifest.textContent()).to.contain('按中间值 9.5 吨结算');
    await rec.getByTestId('timeline-resolve').waitFor();
    expect(await textOf(rec, 'manifest-audit')).to.contain('哈希链完整');
    const audit = await t.request.get(`/api/v1/manifests/${m.id}/audit`).set(auth(d.recycler.token)).expect(200);
    expect([audit.body.valid, audit.body.projectionValid]).to.deep.equal([true, true]);
    const manifest = await t.request.get(`/api/v1/manifests/${m.id}`).set(auth(d.recycler.token)).expect(200);
    const trade = await t.request.get(`/api/v1/trades/${d.trade.id}`).set(auth(d.recycler.token)).expect(200);
    expect(trade.body.acceptedKg).to.equal(manifest.body.acceptedKg);

    const phone = await page(390, 844);
    await signInThroughUi(phone, base, d.recycler, PASSWORD, `/trades/${d.trade.id}`);
    await phone.getByTestId('dispute-resolution').waitFor();
    expect(await phone.evaluate<number>('document.documentElement.scrollWidth')).to.be.at.most(390);
    await phone.screenshot({ path: path.join(SCREENSHOTS, 'dispute-resolved-phone.png'), fullPage: true });
  });
});
