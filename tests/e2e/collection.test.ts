/**
 * Issue 18 in Chromium on a phone-sized screen (390×844): a small producer signs in, chooses a
 * collection point, declares a small lot, and sees it waiting for the collector; the collector
 * accepts it and the producer's list then links to the trade to pay and follow. Saves
 * docs/screenshots/collection-phone.png.
 */
import path from 'node:path';
import { expect } from 'chai';
import { type Browser } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { PASSWORD, adminToken, approvedLicence, auth, registerOrg } from '../helpers/actors.js';
import { launchChromium, SCREENSHOTS, signInThroughUi } from '../helpers/browser.js';
import { rows } from '../../server/src/db/tx.js';
import { sql } from 'drizzle-orm';

const PHONE = { width: 390, height: 844 };

describe('web client: a small producer declares a lot at a collection point (phone, Chromium)', function () {
  this.timeout(120_000);
  let t: TestApp;
  let browser: Browser;
  let base: string;

  before(async function () {
    this.timeout(300_000);
    browser = await launchChromium(this);
    t = await createTestApp({ listen: true });
    base = t.server!.url;
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('chooses a point, declares 300 kg of fly ash and sees it in its intakes', async () => {
    const admin = await adminToken(t.request);
    const collector = await registerOrg(t.request, {
      roles: ['collector', 'carrier'],
      district: '330603',
      name: '柯桥危废收集有限公司',
    });
    await approvedLicence(t.request, collector, { kind: 'collection', wasteCodes: ['HW18'], annualCapacityKg: 50_000 }, admin);
    const point = await t.request
      .post('/api/v1/collection/points')
      .set(auth(collector.token))
      .send({ name: '齐贤收集点', address: '柯桥区齐贤街道工业园 8 号', district: '330603', feePerTonneFen: 150_000 });
    expect(point.status, point.text).to.equal(201);
    const producer = await registerOrg(t.request, { roles: ['generator'], district: '330603', name: '柯桥小型印染厂' });

    const context = await browser.newContext({
      viewport: PHONE,
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    const page = await context.newPage();
    await signInThroughUi(page, base, producer, PASSWORD, '/collection');
    await page.getByTestId('collection-page').waitFor();
    await page.getByTestId('col-point').selectOption(point.body.id as string);
    expect(await page.getByTestId('col-point-details').textContent()).to.contain('齐贤街道');
    await page.getByTestId('col-material').fill('772-002-18');
    await page.getByTestId('col-kg').fill('300');
    await page.getByTestId('col-declare').click();
    await page.getByTestId('col-declared').waitFor();
    await page.getByTestId('col-intakes').getByText('772-002-18').waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow, 'the collection page scrolls sideways at 390 px').to.be.at.most(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'collection-phone.png'), fullPage: true });

    const [intake] = await rows<{ id: string; quantity_kg: string; status: string }>(
      t.ctx.db,
      sql`select id, quantity_kg, status from intakes where producer_org_id = ${producer.orgId}`,
    );
    expect(intake).to.include({ status: 'declared' });
    expect(Number(intake!.quantity_kg)).to.equal(300);

    // The collector accepts; the producer's list now links to the trade where it pays the fee.
    const acc = await t.request.post(`/api/v1/collection/intakes/${intake!.id}/accept`).set(auth(collector.token)).send({});
    expect(acc.status, acc.text).to.equal(200);
    await page.reload();
    await page.getByTestId(`col-trade-${intake!.id}`).click();
    await page.waitForURL(/\/trades\//);
    await context.close();
  });
});
