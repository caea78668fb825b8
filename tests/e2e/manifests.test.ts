/**
 * Manifests in Chromium: the shipper opens and issues a trip from the trade page, the carrier loads,
 * departs and arrives from its manifests page, the receiver weighs, accepts and reports disposal; the
 * shipper's trade page follows live; the timeline and the tamper check show on the manifest page.
 */
import path from 'node:path';
import { expect } from 'chai';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { PASSWORD, type OrgActor } from '../helpers/actors.js';
import { launchChromium, SCREENSHOTS, signInThroughUi, textOf } from '../helpers/browser.js';
import { flyAshDeal, type Deal } from '../helpers/manifests.js';

function signIn(page: Page, base: string, who: OrgActor, next: string): Promise<void> {
  return signInThroughUi(page, base, who, PASSWORD, next);
}

describe('web client: a manifest from the trade page to closed, in Chromium', function () {
  this.timeout(120_000);

  let t: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let gen: Page;
  let car: Page;
  let rec: Page;
  let base: string;
  let d: Deal;
  let manifestId: string;

  before(async function () {
    this.timeout(300_000);
    browser = await launchChromium(this);
    t = await createTestApp({ listen: true });
    base = t.server!.url;
    d = await flyAshDeal(t, { quantityKg: 20_000 });
    const options = {
      viewport: { width: 1280, height: 1000 },
      deviceScaleFactor: 1,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    };
    for (let i = 0; i < 3; i++) contexts.push(await browser.newContext(options));
    [gen, car, rec] = (await Promise.all(contexts.map((c) => c.newPage()))) as [Page, Page, Page];
  });

  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the shipper opens a trip on the funded trade, with the plate checked and the carrier picked from the directory', async () => {
    await signIn(gen, base, d.generator, `/trades/${d.trade.id}`);
    await gen.getByTestId('trade-trips').waitFor();
    expect(await textOf(gen, 'trips-declared')).to.contain('已申报 0 吨');
    await gen.getByTestId('open-trip').click();
    await gen.getByTestId('trip-carrier').fill(d.carrier.org.name);
    await gen.locator(`[data-testid="carrier-option"][data-id="${d.carrier.orgId}"]`).click();
    await gen.locator(`[data-testid="carrier-chosen"][data-id="${d.carrier.orgId}"]`).waitFor();
    await gen.getByTestId('trip-plate').fill('ABC123');
    await gen.getByTestId('trip-driver').fill('王师傅');
    await gen.getByTestId('trip-declared').fill('12');
    await gen.getByTestId('open-trip-submit').click();
    expect(await textOf(gen, 'trip-plate-error')).to.contain('不是有效的中国车牌号');
    await gen.getByTestId('trip-plate').fill('浙d·12345');
    await gen.getByText('浙D·12345', { exact: true }).waitFor();
    await gen.getByTestId('open-trip-submit').click();
    const row = gen.getByTestId('manifest-row').first();
    await row.waitFor();
    expect(await row.getAttribute('data-status')).to.equal('draft');
    expect(await textOf(gen, 'trips-declared')).to.contain('已申报 12 吨');
    manifestId = (await row.getAttribute('data-id'))!;
  });

  it('the shipper issues it from the manifest page; the carrier sees it with its next step', async () => {
    await gen.getByTestId('manifest-link').first().click();
    await gen.waitForURL(`${base}/manifests/${manifestId}`);
    expect(await gen.getByTestId('manifest-step-form').getAttribute('data-step')).to.equal('issue');
    expect(await textOf(gen, 'manifest-waste-name')).to.contain('生活垃圾焚烧飞灰');
    await gen.getByTestId('step-submit').click();
    await gen.locator('[data-testid="manifest-detail"][data-status="issued"]').waitFor();

    await signIn(car, base, d.carrier, '/manifests');
    await car.locator(`[data-testid="manifest-row"][data-id="${manifestId}"]`).waitFor();
    expect(await textOf(car, 'manifest-next-ours')).to.equal('装车');
  });

  it('the carrier loads with the weight, departs and arrives; the shipper’s page follows live', async () => {
    await car.goto(`${base}/manifests/${manifestId}`);
    await car.getByTestId('step-weight').fill('40');
    await car.getByTestId('step-submit').click();
    expect(await car.locator('[data-testid$="-weightKg-error"]').textContent()).to.contain('3 倍');
    await car.getByTestId('step-weight').fill('12.04');
    await car.getByTestId('step-submit').click();
    await car.locator('[data-testid="manifest-detail"][data-status="loaded"]').waitFor();
    // The shipper's open manifest page refreshes on manifest.updated.
    await gen.locator('[data-testid="manifest-detail"][data-status="loaded"]').waitFor();
    expect(await textOf(gen, 'manifest-loaded')).to.contain('12,040 kg');
    for (const status of ['in_transit', 'arrived']) {
      await car.getByTestId('step-submit').click();
      await car.locator(`[data-testid="manifest-detail"][data-status="${status}"]`).waitFor();
    }
  });

  it('the receiver weighs with a gap above the tolerance warned, accepts, and reports disposal; the timeline and the tamper check show', async () => {
    await signIn(rec, base, d.recycler, `/manifests/${manifestId}`);
    expect(await rec.getByTestId('manifest-step-form').getAttribute('data-step')).to.equal('receive');
    await rec.getByTestId('step-weight').fill('11.5');
    await rec.getByTestId('step-gap-warning').waitFor();
    await rec.getByTestId('step-weight').fill('12');
    expect(await rec.getByTestId('step-gap-warning').count()).to.equal(0);
    await rec.getByTestId('step-submit').click();
    await rec.locator('[data-testid="manifest-detail"][data-status="received"]').waitFor();
    expect(await textOf(rec, 'manifest-accepted')).to.contain('12,000 kg');
    await rec.getByTestId('step-method-code').selectOption('C1');
    await rec.getByTestId('step-method').fill('水泥窑协同焚烧');
    await rec.getByTestId('step-submit').click();
    await rec.locator('[data-testid="manifest-detail"][data-status="closed"]').waitFor();
    expect(await rec.getByTestId('manifest-timeline').locator('li').count()).to.equal(7);
    expect(await textOf(rec, 'manifest-audit')).to.contain('哈希链完整');
    expect(await textOf(rec, 'manifest-disposal')).to.contain('C1 水泥窑协同处置');
    await rec.evaluate('window.scrollTo(0, 0)');
    await rec.screenshot({ path: path.join(SCREENSHOTS, 'manifest.png'), fullPage: true });

    await gen.goto(`${base}/trades/${d.trade.id}`);
    const row = gen.locator(`[data-testid="manifest-row"][data-id="${manifestId}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).to.equal('closed');
    // 12 of 20 t declared: the shipper may still open a trip or end shipments.
    await gen.getByTestId('close-shipments').click();
    await gen.getByTestId('close-shipments-confirm').click();
    await gen.getByText('已结束发运。').waitFor();
    await gen.locator('[data-testid="trade-status"]').filter({ hasText: '已结算' }).waitFor();
    await gen.evaluate('window.scrollTo(0, 0)');
    await gen.screenshot({ path: path.join(SCREENSHOTS, 'trade-trips.png'), fullPage: true });
  });
});
