/**
 * The regulator dashboard in Chromium (issue 7 §7): the Sankey of flows between districts with its
 * table, the stream filter, drill-down to trades and manifests, indicator cards with trend lines and
 * the plan's targets, capacity bars, and the alerts list updating live and resolved with a note.
 * Saves docs/screenshots/regulator-dashboard.png.
 */
import path from 'node:path';
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { PASSWORD, adminToken, approvedLicence, createRegulator, registerOrg, type OrgActor } from '../helpers/actors.js';
import { launchChromium, SCREENSHOTS, signInThroughUi } from '../helpers/browser.js';
import { createGenerator, createListing, createRecycler, flyAshListing, placeBid, steelListing } from '../helpers/trading.js';
import { flyAshDeal, openTrip, walkTrip } from '../helpers/manifests.js';
import { insertListing, insertManifest, insertTrade, mulberry32 } from '../helpers/regulator.js';
import { one } from '../../server/src/db/tx.js';
import { waitFor } from '../helpers/wait.js';
import { DISTRICT_CODES } from '../../shared/src/districts.js';

function signIn(page: Page, base: string, who: OrgActor, next: string): Promise<void> {
  return signInThroughUi(page, base, who, PASSWORD, next);
}

describe('web client: the regulator dashboard in Chromium', function () {
  this.timeout(120_000);
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  let regulator: OrgActor;

  before(async function () {
    this.timeout(300_000);
    browser = await launchChromium(this);
    t = await createTestApp({ listen: true });
    base = t.server!.url;
    const admin = await adminToken(t.request);
    regulator = await createRegulator(t.request, 'city', admin);

    // A year of trading across the districts, written as fixtures (chosen months, trips and methods)…
    const year = Number(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 4));
    const lastMonth = Number(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(5, 7)) - 1;
    const gens = await Promise.all(
      DISTRICT_CODES.map((d, i) => registerOrg(t.request, { roles: ['generator'], district: d, name: `绍兴产废企业${i + 1}` })),
    );
    const names = [
      '绍兴市循环生态产业园（二期）',
      '诸暨市水泥窑协同处置中心',
      '柯桥区飞乐环保科技有限公司',
      '绍兴华鑫环保科技有限公司',
      '嵊州市污泥焚烧项目',
    ];
    const districts = ['330604', '330681', '330603', '3306BH', '330683'] as const;
    const rcvs: OrgActor[] = [];
    for (const [i, name] of names.entries()) {
      const r = await registerOrg(t.request, { roles: ['recycler'], district: districts[i], name });
      await approvedLicence(
        t.request,
        r,
        { annualCapacityKg: [1_000_000, 750_000, 500_000, 625_000, 375_000][i]!, wasteCodes: ['HW18', 'HW17', 'HW49'] },
        admin,
      );
      rcvs.push(r);
    }
    const mats = [
      { materialCode: '772-002-18', category: 'HW18', hazardous: true, price: -189_000 },
      { materialCode: 'SW17-01', category: 'SW17', hazardous: false, price: 258_000 },
      { materialCode: 'SW07', category: 'SW07', hazardous: false, price: -60_000 },
      { materialCode: 'AG-01', category: 'agricultural', hazardous: false, price: 12_000 },
      { materialCode: 'HH-01', category: 'household', hazardous: false, price: 25_000 },
    ];
    const rnd = mulberry32(2026);
    for (let i = 0; i < 120; i++) {
      const g = gens[Math.floor(rnd() * gens.length)]!;
      const r = rcvs[Math.floor(rnd() * rcvs.length)]!;
      const m = mats[Math.floor(rnd() * rnd() * mats.length)]!;
      const month = Math.floor(rnd() * Math.max(1, lastMonth));
      const at = new Date(Date.UTC(year, month, 1 + Math.floor(rnd() * 27), 2));
      const listingId =
        rnd() < 0.7
          ? await insertListing(t.ctx.db, {
              orgId: g.orgId,
              createdAt: new Date(at.getTime() - rnd() * 9 * 86_400_000),
              materialCode: m.materialCode,
              hazardous: m.hazardous,
            })
          : null;
      const quantityKg = 5_000 + Math.floor(rnd() * 40_000);
      const id = await insertTrade(t.ctx.db, {
        generatorOrgId: g.orgId,
        receiverOrgId: r.orgId,
        materialCode: m.materialCode,
        category: m.category,
        hazardous: m.hazardous,
        quantityKg,
        pricePerTonneFen: m.price + Math.round((rnd() - 0.5) * 20) * 1000,
        originDistrict: rnd() < 0.4 ? r.org.district : g.org.district,
        destinationDistrict: r.org.district,
        createdAt: at,
        listingId,
        status: 'settled',
      });
      const accepted = quantityKg - Math.floor(rnd() * 200);
      const received = new Date(at.getTime() + 3 * 86_400_000);
      await insertManifest(t.ctx.db, {
        tradeId: id,
        status: rnd() < 0.05 ? 'rejected' : 'closed',
        declaredKg: quantityKg,
        loadedKg: quantityKg,
        receivedKg: accepted,
        acceptedKg: accepted,
        disposalMethod: m.hazardous ? (rnd() < 0.6 ? 'D10 焚烧' : 'R4 再生利用') : rnd() < 0.85 ? 'R5 综合利用' : 'D1 填埋',
        receiptDueAt: new Date(at.getTime() + 7 * 86_400_000),
        receivedAt: rnd() < 0.9 ? received : new Date(at.getTime() + 9 * 86_400_000),
        disposalDueAt: new Date(received.getTime() + 30 * 86_400_000),
        closedAt: new Date(received.getTime() + 10 * 86_400_000),
      });
    }
    // …and today's trades through the API: a fly-ash trade on the road, a justified steel price outside the band.
    const d = await flyAshDeal(t, { quantityKg: 20_000 });
    await walkTrip(t, d, await openTrip(t, d, 12_000), { loadedKg: 12_000, receivedKg: 11_950, decision: 'accept' });
    await walkTrip(t, d, await openTrip(t, d, 8_000, { vehiclePlate: '浙DD12345' }), { until: 'depart' });
    const g = await createGenerator(t.request, { name: '柯桥印染有限公司' });
    const r = await createRecycler(t.request, { licence: null, name: '上虞再生资源利用有限公司' });
    const listing = await createListing(t.request, g, steelListing());
    await placeBid(t.request, r, listing.id, { pricePerTonneFen: 268_000, quantityKg: 10_000, justification: '含铜量高' });

    context = await browser.newContext({
      viewport: { width: 1360, height: 1000 },
      deviceScaleFactor: 1,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    page = await context.newPage();
  });

  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('a city regulator opens the dashboard from the navigation and sees the Sankey, its table, indicators, capacity and alerts', async () => {
    await signIn(page, base, regulator, '/regulator');
    expect(await page.getByTestId('nav-regulator').textContent()).to.equal('监管驾驶舱');
    expect(await page.getByTestId('regulator-scope').textContent()).to.equal('全市');
    await page.locator('[data-testid="flow-sankey"] canvas').waitFor();
    expect(await page.getByTestId('flow-row').count()).to.be.greaterThan(5);
    expect(await page.getByTestId('flow-table').textContent())
      .to.contain('柯桥区')
      .and.contain('上虞区');
    await page.locator('[data-testid="indicator-tonnes_traded"] [data-testid="indicator-value"]').waitFor();
    expect(await page.locator('[data-testid="indicator-tonnes_traded"] [data-testid="indicator-value"]').textContent()).to.match(
      /吨$/,
    );
    expect(
      await page.locator('[data-testid="indicator-manifest_on_time_rate"] [data-testid="indicator-value"]').textContent(),
    ).to.match(/%$/);
    expect(await page.locator('[data-testid="indicator-median_price_by_month"] canvas').count()).to.equal(1);
    expect(await page.getByTestId('plan-targets').textContent()).to.contain('秸秆综合利用率');
    expect(await page.getByTestId('platform-only').textContent()).to.contain('平台');
    await page.locator('[data-testid="capacity-chart"] canvas').waitFor();
    await page.locator('[data-testid="alert-item"][data-kind="price_flagged"]').waitFor();
  });

  it('the stream filter narrows the flows; a row drills down to its trades and their manifests', async () => {
    const total = async () => (await page.getByTestId('flow-total-contracted').textContent()) ?? '';
    const all = await total();
    await page.getByTestId('stream-filter').selectOption('hazardous');
    await waitFor(async () => (await total()) !== all, { what: 'the hazardous total' });
    const row = page.getByTestId('flow-row').filter({ hasText: '柯桥区' }).filter({ hasText: '上虞区' }).first();
    await row.getByTestId('flow-drill').click();
    await page.getByTestId('drill-down').waitFor();
    await page.getByTestId('drill-trade').first().waitFor();
    expect(await page.getByTestId('drill-down').textContent()).to.contain('柯桥区 → 上虞区');
    await page.getByTestId('drill-manifests').first().waitFor();
    expect(await page.getByTestId('drill-manifests').first().textContent()).to.match(/2026|20\d{2}3306/);
  });

  it('a new alert appears live without a reload, and is resolved with a note that records who', async () => {
    const before = await page.getByTestId('alert-item').count();
    // A real cause: a Shangyu disposer's hazardous intake passes 90 % of its licence.
    const g = await createGenerator(t.request);
    const r = await createRecycler(t.request, { licence: { annualCapacityKg: 10_000 }, name: '上虞众联环保有限公司' });
    const listing = await createListing(t.request, g, flyAshListing({ quantityKg: 9_500, minLotKg: 9_500 }));
    await placeBid(t.request, r, listing.id, { pricePerTonneFen: -189_300, quantityKg: 9_500 });
    const item = page.locator('[data-testid="alert-item"][data-kind="capacity_high"]').first();
    await item.waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('alert-item').count()).to.equal(before + 1);
    expect(await item.textContent())
      .to.contain('新')
      .and.contain('许可能力超九成');

    await page.screenshot({ path: path.join(SCREENSHOTS, 'regulator-dashboard.png'), fullPage: true });

    await item.getByTestId('alert-resolve').click();
    await item.getByTestId('alert-note').fill('已电话核实，该单位已申请扩大许可能力');
    await item.getByTestId('alert-confirm').click();
    await waitFor(async () => (await page.getByTestId('alert-item').count()) === before, {
      what: 'the resolved alert to leave the open list',
    });
    const row = await one<{ status: string; resolved_by: string; resolution_note: string }>(
      t.ctx.db,
      sql`select status, resolved_by, resolution_note from alerts where kind = 'capacity_high' and subject_id = ${r.orgId}`,
    );
    expect(row).to.deep.include({
      status: 'resolved',
      resolved_by: regulator.user.id,
      resolution_note: '已电话核实，该单位已申请扩大许可能力',
    });
  });

  it('when the flows for a new filter cannot be read, the figures already shown stay beside the error', async () => {
    const total = await page.getByTestId('flow-total-contracted').textContent();
    const flows = (url: URL) => url.pathname === '/api/v1/regulator/flows';
    await page.route(flows, (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'flows unavailable' }, requestId: 'e2e' }),
      }),
    );
    try {
      await page.getByTestId('stream-filter').selectOption('general_industrial');
      await page.getByTestId('flows-error').waitFor();
      // The user's words for the code, never the server's English message (issue 13 item 9).
      const shown = await page.getByTestId('flows-error').textContent();
      expect(shown).to.contain('服务暂不可用');
      expect(shown).to.not.contain('flows unavailable');
      expect(await page.locator('[data-testid="flow-sankey"] canvas').count()).to.equal(1);
      expect(await page.getByTestId('flow-total-contracted').textContent()).to.equal(total);
    } finally {
      await page.unroute(flows);
    }
  });
});
