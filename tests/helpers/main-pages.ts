/**
 * The main pages of the web client (issue 13 acceptance: accessibility and 390 px checks), each
 * with real data and the role that uses it: a generator with a funded hazardous trade and an open
 * trip, the city regulator, and a signed-out visitor.
 */
import { expect } from 'chai';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { TestApp } from './app.js';
import { PASSWORD, adminToken, approvedLicence, auth, createRegulator, registerOrg, type OrgActor } from './actors.js';
import { signInThroughUi } from './browser.js';
import { flyAshDeal, openTrip } from './manifests.js';

export type Lang = 'zh-CN' | 'en';
export type Who = 'generator' | 'regulator' | 'collector' | 'visitor';

export interface MainPage {
  name: string;
  path: string;
  who: Who;
}

export interface MainPagesFixture {
  pages: MainPage[];
  actors: Record<Exclude<Who, 'visitor'>, OrgActor>;
}

export async function mainPagesFixture(t: TestApp): Promise<MainPagesFixture> {
  const admin = await adminToken(t.request);
  const regulator = await createRegulator(t.request, 'city', admin);
  const deal = await flyAshDeal(t);
  const manifest = await openTrip(t, deal, 5_000);
  const g = deal.generator;
  // Issue 18: a collector with a point where the generator has declared a small lot.
  const collector = await registerOrg(t.request, { roles: ['collector', 'carrier'], district: '330603' });
  await approvedLicence(t.request, collector, { kind: 'collection', wasteCodes: ['HW18'], annualCapacityKg: 50_000 }, admin);
  const point = await t.request
    .post('/api/v1/collection/points')
    .set(auth(collector.token))
    .send({ name: '齐贤收集点', address: '柯桥区齐贤街道工业园 8 号', district: '330603', feePerTonneFen: 150_000 });
  expect(point.status, point.text).to.equal(201);
  const intake = await t.request
    .post('/api/v1/collection/intakes')
    .set(auth(g.token))
    .send({ pointId: point.body.id, materialCode: '772-002-18', quantityKg: 300 });
  expect(intake.status, intake.text).to.equal(201);
  // A resting sell on the steel market, so its page shows a depth ladder and an open order.
  const sell = await t.request
    .post('/api/v1/markets/SW17-01/orders')
    .set(auth(g.token))
    .send({ side: 'sell', pricePerTonneFen: 258_000, quantityKg: 5_000, district: g.org.district });
  expect(sell.status, sell.text).to.equal(201);
  const pages: MainPage[] = [
    { name: 'home', path: '/', who: 'generator' },
    { name: 'catalogue', path: '/catalog', who: 'visitor' },
    { name: 'market', path: '/market', who: 'visitor' },
    { name: 'listing', path: `/listings/${deal.trade.listingId}`, who: 'generator' },
    { name: 'new listing', path: '/listings/new', who: 'generator' },
    { name: 'my trades', path: '/trades', who: 'generator' },
    { name: 'trade', path: `/trades/${deal.trade.id}`, who: 'generator' },
    { name: 'manifests', path: '/manifests', who: 'generator' },
    { name: 'manifest', path: `/manifests/${manifest.id}`, who: 'generator' },
    { name: 'org', path: '/org', who: 'generator' },
    { name: 'credit', path: `/credit/${g.orgId}`, who: 'generator' },
    { name: 'regulator dashboard', path: '/regulator', who: 'regulator' },
    { name: 'notifications', path: '/notifications', who: 'generator' },
    { name: 'notification preferences', path: '/notifications/preferences', who: 'generator' },
    { name: 'licence review', path: '/regulator/licences', who: 'regulator' },
    { name: 'sanctions', path: '/regulator/sanctions', who: 'regulator' },
    { name: 'organisation lookup', path: '/regulator/orgs', who: 'regulator' },
    { name: 'reference bands', path: '/regulator/bands', who: 'regulator' },
    { name: 'sign-in', path: '/signin', who: 'visitor' },
    { name: 'public disclosure', path: '/public', who: 'visitor' },
    { name: 'continuous market', path: '/markets/SW17-01', who: 'generator' },
    { name: 'collection (small producer)', path: '/collection', who: 'generator' },
    { name: 'collection (collector)', path: '/collection', who: 'collector' },
    { name: 'collection and fallback (regulator)', path: '/regulator/collection', who: 'regulator' },
  ];
  return { pages, actors: { generator: g, regulator, collector } };
}

/** One signed-in browser context per role (the visitor's is signed out). */
export async function roleContexts(
  browser: Browser,
  base: string,
  f: MainPagesFixture,
  options: BrowserContextOptions = {},
): Promise<Record<Who, BrowserContext>> {
  const out = {} as Record<Who, BrowserContext>;
  for (const who of ['generator', 'regulator', 'collector', 'visitor'] as const) {
    // bypassCSP: axe-core's source is injected as an inline script, which the app's CSP refuses.
    const context = await browser.newContext({ bypassCSP: true, ...options });
    if (who !== 'visitor') {
      const page = await context.newPage();
      await signInThroughUi(page, base, f.actors[who], PASSWORD, '/org');
      await page.close();
    }
    out[who] = context;
  }
  return out;
}

/** Opens a page in a language and waits until its main heading and data have arrived. */
export async function openMainPage(context: BrowserContext, base: string, p: MainPage, lang: Lang): Promise<Page> {
  const page = await context.newPage();
  await page.addInitScript(`try { localStorage.setItem('zwx.lang', ${JSON.stringify(lang)}); } catch {}`);
  await page.goto(`${base}${p.path}`);
  await page.locator('main h1').first().waitFor({ timeout: 20_000 });
  await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => {});
  // Loading placeholders gone (lists, charts).
  await page
    .waitForFunction(`!document.querySelector('main [role="status"][data-testid="page-loading"]')`, undefined, {
      timeout: 10_000,
    })
    .catch(() => {});
  expect(await page.evaluate('document.documentElement.lang'), `${p.name}: page language`).to.equal(lang);
  return page;
}
