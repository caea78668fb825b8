/**
 * Issue 13 items 1 and 2 in Chromium: a newly registered recycler applies for a disposal licence, the
 * city regulator approves it in the licence review, and the recycler's next hazardous bid succeeds; a
 * regulator records a serious sanction from an alert, the organisation turns black and its next
 * hazardous bid is refused (CREDIT_BARRED). Saves docs/screenshots/licences-*.png and sanctions-*.png
 * (desktop 1280 px and phone 390 px).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { expect } from 'chai';
import { type Browser, type Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { PASSWORD, adminToken, auth, createRegulator, registerOrg, type OrgActor } from '../helpers/actors.js';
import { launchChromium, SCREENSHOTS, signInThroughUi } from '../helpers/browser.js';
import {
  alertsOf,
  bid,
  createGenerator,
  createListing,
  createRecycler,
  flyAshListing,
  placeBid,
  steelListing,
} from '../helpers/trading.js';

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

describe('web client: licences and sanctions in Chromium', function () {
  this.timeout(120_000);
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let admin: string;
  let city: OrgActor;
  const run = randomBytes(3).toString('hex');

  before(async function () {
    this.timeout(300_000);
    browser = await launchChromium(this);
    t = await createTestApp({ listen: true });
    base = t.server!.url;
    admin = await adminToken(t.request);
    city = await createRegulator(t.request, 'city', admin);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({
      viewport: DESKTOP,
      deviceScaleFactor: 1,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    return context.newPage();
  }

  /** A full-page screenshot at desktop width, then at 390 px (the page must not scroll sideways there). */
  async function shoot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
    await page.setViewportSize(PHONE);
    await page.evaluate('window.scrollTo(0, 0)');
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow, `${name} scrolls sideways at 390 px`).to.be.at.most(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-phone.png`), fullPage: true });
    await page.setViewportSize(DESKTOP);
  }

  it('a newly registered recycler applies for a licence, the city regulator approves it, and its next hazardous bid succeeds', async () => {
    const generator = await createGenerator(t.request, { name: `柯桥垃圾焚烧发电有限公司 ${run}` });
    const listing = await createListing(t.request, generator, flyAshListing());
    const recycler = await registerOrg(t.request, {
      roles: ['recycler'],
      district: '330604',
      name: `上虞飞灰资源化利用有限公司 ${run}`,
    });
    const hazardousBid = { pricePerTonneFen: -189_300, quantityKg: 5_000 };

    // Without a licence the hazardous bid is refused.
    const before = await bid(t.request, recycler, listing.id, hazardousBid);
    expect(before.status).to.equal(403);
    expect(before.body.error.code).to.equal('LICENCE_REQUIRED');

    // The recycler applies in the browser, picking HW18 from the searchable picker.
    const rec = await newPage();
    await signInThroughUi(rec, base, recycler, PASSWORD, '/org/licences');
    await rec.getByRole('heading', { level: 1, name: '经营许可证' }).waitFor();
    // The list loads after the heading renders: wait for its answer, not the loading line.
    await rec.locator('[data-testid="lic-empty"]', { hasText: '尚无许可证。' }).waitFor();
    expect(await rec.getByTestId('lic-empty').textContent()).to.equal('尚无许可证。');
    const number = `浙危废经第${run}号`;
    await rec.getByTestId('lic-number').fill(number);
    await rec.getByTestId('lic-kind').selectOption('disposal');
    await rec.getByTestId('lic-code-search').fill('HW18');
    await rec.getByTestId('lic-code-option-HW18').click();
    expect(await rec.getByTestId('lic-codes').textContent()).to.contain('HW18');
    await rec.getByTestId('lic-capacity').fill('5000');
    await rec.getByTestId('lic-submit').click();
    await rec.getByTestId('lic-submitted').waitFor();
    const mine = rec.locator(`[data-testid="lic-row"][data-number="${number}"]`);
    await mine.waitFor();
    expect(await mine.getAttribute('data-status')).to.equal('pending');
    expect(await mine.getByTestId('lic-status').textContent()).to.equal('待审批');
    expect(await mine.getByTestId('lic-remaining').textContent()).to.equal('今年剩余 5,000 吨');
    await shoot(rec, 'licences-apply');

    // Still pending: still refused.
    expect((await bid(t.request, recycler, listing.id, hazardousBid)).body.error.code).to.equal('LICENCE_REQUIRED');

    // The city regulator approves it from the review queue.
    const reg = await newPage();
    await signInThroughUi(reg, base, city, PASSWORD, '/regulator/licences');
    await reg.getByRole('heading', { level: 1, name: '许可证审查' }).waitFor();
    const row = reg.locator(`[data-testid="lic-row"][data-number="${number}"]`);
    await row.waitFor();
    expect(await row.getByTestId('org-link').textContent()).to.equal(`上虞飞灰资源化利用有限公司 ${run}`);
    await shoot(reg, 'licences-review');
    await row.getByTestId('lic-approve').click();
    await row.getByTestId('lic-decide-confirm').click();
    await row.waitFor({ state: 'detached' });
    await reg.getByTestId('lic-filter').selectOption('approved');
    const approved = reg.locator(`[data-testid="lic-row"][data-number="${number}"]`);
    await approved.waitFor();
    expect(await approved.getAttribute('data-status')).to.equal('approved');

    // The recycler sees it approved, and its next hazardous bid succeeds.
    await rec.reload();
    await rec.locator(`[data-testid="lic-row"][data-number="${number}"][data-status="approved"]`).waitFor();
    expect(
      await rec.locator(`[data-testid="lic-row"][data-number="${number}"]`).getByTestId('lic-status').textContent(),
    ).to.equal('有效');
    const after = await bid(t.request, recycler, listing.id, hazardousBid);
    expect(after.status, JSON.stringify(after.body)).to.equal(201);
  });

  it('a regulator records a serious sanction from an alert; the organisation turns black and its next hazardous bid is refused', async () => {
    const generator = await createGenerator(t.request, { name: `柯桥印染有限公司 ${run}` });
    const recycler = await createRecycler(t.request, { name: `绍兴再生金属回收有限公司 ${run}`, admin });
    // A justified price above the steel band raises a price_flagged alert naming the bidder.
    const steel = await createListing(t.request, generator, steelListing());
    await placeBid(t.request, recycler, steel.id, { pricePerTonneFen: 268_000, quantityKg: 10_000, justification: '含铜量高' });
    const alert = (await alertsOf(t, 'price_flagged')).find((a) => a.details.orgId === recycler.orgId);
    expect(alert, 'a price_flagged alert naming the recycler').to.not.equal(undefined);
    const flyAsh = await createListing(t.request, generator, flyAshListing());
    const credit = await t.request.get(`/api/v1/credit/orgs/${recycler.orgId}`).set(auth(city.token));
    expect(credit.body.level).to.not.equal('black');

    const reg = await newPage();
    await signInThroughUi(reg, base, city, PASSWORD, '/regulator');
    const fromAlert = reg.locator(`[data-testid="alert-sanction"][href*="${recycler.orgId}"]`).first();
    await fromAlert.waitFor();
    await fromAlert.click();
    await reg.waitForURL(`${base}/regulator/orgs/${recycler.orgId}?alert=${alert!.id}`);
    await reg
      .getByTestId('oversight-org-name')
      .filter({ hasText: `绍兴再生金属回收有限公司 ${run}` })
      .waitFor();
    expect(await reg.getByTestId('sanc-evidence').inputValue()).to.equal(`预警 ${alert!.id.slice(0, 8)}`);
    await reg.getByTestId('sanc-kind').selectOption('suspension');
    await reg.getByTestId('sanc-severity').selectOption('serious');
    await reg.getByTestId('sanc-reason').fill('超许可范围收集危险废物，拒不整改');
    await reg.getByTestId('sanc-submit').click();
    await reg.getByTestId('sanc-recorded').waitFor();
    await reg.locator('[data-testid="oversight-credit"] [data-testid="credit-chip"][data-level="black"]').waitFor();
    const sanctionRow = reg.locator('[data-testid="sanc-row"][data-severity="serious"]');
    await sanctionRow.waitFor();
    expect(await sanctionRow.textContent()).to.contain('超许可范围收集危险废物，拒不整改');
    await shoot(reg, 'sanctions-org');

    // The regulator's sanctions list shows it with the organisation's name.
    await reg.goto(`${base}/regulator/sanctions`);
    const listed = reg.locator('[data-testid="sanc-row"]').filter({ hasText: `绍兴再生金属回收有限公司 ${run}` });
    await listed.first().waitFor();
    await shoot(reg, 'sanctions-list');

    // The organisation is black: its next hazardous bid is refused.
    const refused = await bid(t.request, recycler, flyAsh.id, { pricePerTonneFen: -189_300, quantityKg: 5_000 });
    expect(refused.status, JSON.stringify(refused.body)).to.equal(403);
    expect(refused.body.error.code).to.equal('CREDIT_BARRED');
  });

  it('a regulator finds an organisation by part of its name and opens its licences and sanctions', async () => {
    const recycler = await createRecycler(t.request, { name: `诸暨危废处置中心 ${run}`, admin });
    const reg = await newPage();
    await signInThroughUi(reg, base, city, PASSWORD, '/regulator/orgs');
    await reg.getByTestId('org-q').fill(`危废处置中心 ${run}`);
    await reg.getByTestId('org-search').click();
    const result = reg.getByTestId('org-result').filter({ hasText: `诸暨危废处置中心 ${run}` });
    await result.waitFor();
    await shoot(reg, 'sanctions-lookup');
    await result.getByRole('link').click();
    await reg.waitForURL(`${base}/regulator/orgs/${recycler.orgId}`);
    await reg.locator('[data-testid="oversight-licences"] [data-testid="lic-row"][data-status="approved"]').waitFor();
    expect(await reg.getByTestId('sanc-empty').textContent()).to.equal('暂无处罚记录。');
  });

  it('a city regulator pins a reference band and sees who pinned it and when', async () => {
    const reg = await newPage();
    await signInThroughUi(reg, base, city, PASSWORD, '/regulator/bands');
    await reg.getByTestId('band-material').selectOption('SW17-01');
    await reg.getByTestId('band-facts').waitFor();
    await reg.getByTestId('band-low').fill('2500');
    await reg.getByTestId('band-median').fill('2580');
    await reg.getByTestId('band-high').fill('2650');
    await reg.getByTestId('band-submit').click();
    await reg.getByTestId('band-pinned').waitFor();
    await reg.locator('[data-testid="band-source"]', { hasText: '监管部门固定' }).waitFor();
    const pin = reg.getByTestId('band-pin-row').first();
    await pin.waitFor();
    expect(await pin.textContent()).to.contain('Officer');
    expect(await pin.textContent()).to.match(/¥2,500(\.00)? – ¥2,580(\.00)? – ¥2,650(\.00)?/);
    await shoot(reg, 'sanctions-bands');
    // Unpinning brings the seeded band back, and the history names it.
    await reg.getByTestId('band-unpin').click();
    await reg.getByTestId('band-unpinned').waitFor();
    await reg.locator('[data-testid="band-source"]', { hasText: '初始数据' }).waitFor();
    await reg.locator('[data-testid="band-pin-action"]', { hasText: '取消固定' }).first().waitFor();
    expect(await reg.getByTestId('band-pin-row').count()).to.equal(2);
    expect(await reg.getByTestId('band-unpin').count()).to.equal(0);
  });
});
