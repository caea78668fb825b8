/**
 * Issue 14 item 6: the public disclosure page in Chromium, signed out — reached from the landing page
 * (the catalogue), in Chinese and English; a suppressed flow cell says so and gives no figure; a
 * suspended licence is listed. Saves docs/screenshots/public-phone.png (390 px).
 */
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { adminToken, approvedLicence, auth, registerOrg } from '../helpers/actors.js';
import { insertTrade } from '../helpers/regulator.js';
import { launchChromium, SCREENSHOTS, textOf } from '../helpers/browser.js';

describe('web client: public disclosure (公示) without signing in', function () {
  this.timeout(120_000);
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;
  let licenceNumber: string;

  before(async function () {
    this.timeout(300_000);
    browser = await launchChromium(this);
    t = await createTestApp({ listen: true });
    base = t.server!.url;
    const admin = await adminToken(t.request);
    // One pair trading last month: a suppressed cell.
    const g = await registerOrg(t.request, { roles: ['generator'], district: '330602' });
    const r = await registerOrg(t.request, { roles: ['recycler'], district: '330602' });
    const now = new Date(Date.now() + 8 * 3_600_000);
    await insertTrade(t.ctx.db, {
      generatorOrgId: g.orgId,
      receiverOrgId: r.orgId,
      materialCode: 'SW17-01',
      category: 'SW17',
      hazardous: false,
      quantityKg: 4_321,
      pricePerTonneFen: 250_000,
      originDistrict: '330602',
      destinationDistrict: '330602',
      createdAt: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15, 4)),
      status: 'settled',
    });
    const holder = await registerOrg(t.request, { roles: ['recycler'], district: '330683' });
    const licence = await approvedLicence(t.request, holder, { kind: 'disposal', wasteCodes: ['HW18'] }, admin);
    licenceNumber = licence.number;
    const suspend = await t.request
      .post(`/api/v1/licences/${licence.id}/suspend`)
      .set(auth(admin))
      .send({ note: '贮存设施不合规' });
    expect(suspend.status, suspend.text).to.equal(200);
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    page = await context.newPage();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('is linked from the landing page and shows every section in Chinese and English', async () => {
    await page.goto(base);
    await page.waitForURL(`${base}/catalog`);
    await page.getByTestId('link-public').click();
    await page.waitForURL(`${base}/public`);
    await page.getByRole('heading', { level: 1, name: '信息公示' }).waitFor();
    await page.getByTestId('public-flows').waitFor();
    const flows = await textOf(page, 'public-flows');
    expect(flows).to.contain('参与单位不足，不公布');
    expect(flows).to.not.contain('4,321');
    await page.getByTestId('public-licences').waitFor();
    expect(await textOf(page, 'public-licences')).to.contain(licenceNumber);
    expect(await textOf(page, 'public-licences')).to.contain('贮存设施不合规');
    await page.getByTestId('public-plan').waitFor();
    // One pair all year: the indicators are withheld too (a city total would be that pair's trade).
    expect(await textOf(page, 'public-indicators-withheld')).to.contain('不公布');
    expect(await textOf(page, 'public-indicators')).to.not.contain('4.321');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'public-phone.png'), fullPage: true });

    await page.getByTestId('lang-switch').click();
    await page.getByRole('heading', { level: 1, name: 'Public disclosure' }).waitFor();
    expect(await textOf(page, 'public-flows')).to.contain('Too few parties: withheld');
    const width = await page.evaluate('document.documentElement.scrollWidth');
    expect(width).to.be.at.most(390);
  });
});
