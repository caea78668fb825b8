import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { expect } from 'chai';
import { type Browser, type Page } from 'playwright-core';
import { USCC_CHARSET, usccCheckCharacter } from '../../shared/src/uscc.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { launchChromium, SCREENSHOTS, textOf } from '../helpers/browser.js';

/** A valid USCC for a Keqiao company, unique per run, and the same code with a wrong check character. */
function usccPair(): { valid: string; invalid: string } {
  const tail = Array.from(randomBytes(9), (b) => USCC_CHARSET[b % USCC_CHARSET.length]).join('');
  const first17 = `91330603${tail}`;
  const check = usccCheckCharacter(first17)!;
  const wrong = USCC_CHARSET[(USCC_CHARSET.indexOf(check) + 1) % USCC_CHARSET.length]!;
  return { valid: first17 + check, invalid: first17 + wrong };
}

/** Waits until the catalogue shows the list loaded for exactly this filter (not a stale one). */
async function catalogueLoaded(page: Page, filter: Record<string, string>): Promise<void> {
  const key = new URLSearchParams(filter).toString();
  await page.locator(`[data-testid="catalogue-results"][aria-busy="false"][data-loaded-for="${key}"]`).waitFor();
}

describe('web client: sign-up, language, catalogue and sign-in in Chromium', function () {
  this.timeout(60_000);

  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;
  const run = randomBytes(3).toString('hex');
  const orgName = `绍兴柯桥织造印染有限公司 ${run}`;
  const email = `e2e-${run}@keqiao.test`;
  const password = 'correct horse battery';
  const uscc = usccPair();

  before(async function () {
    this.timeout(300_000);
    browser = await launchChromium(this);
    t = await createTestApp({ listen: true });
    base = t.server!.url;
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, deviceScaleFactor: 1 });
    page = await context.newPage();
  });

  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('opens on the catalogue in Chinese, with the list edition noted', async () => {
    await page.goto(base);
    await page.waitForURL(`${base}/catalog`);
    await catalogueLoaded(page, {});
    expect(await textOf(page, 'brand')).to.contain('无废交易所');
    // The test app runs simulated payments: every page says so (issue 10 item 2).
    expect(await textOf(page, 'simulated-payments-banner')).to.contain('支付为模拟');
    await page.getByRole('heading', { level: 1, name: '固体废物目录' }).waitFor();
    expect(await page.locator('h1').textContent()).to.equal('固体废物目录');
    expect(await textOf(page, 'edition-note'))
      .to.contain('2021')
      .and.contain('2025 年 1 月 1 日');
    expect(await page.locator('html').getAttribute('lang')).to.equal('zh-CN');
    expect(await page.getByTestId('material-row').count()).to.be.greaterThan(0);
  });

  it('checks the USCC as it is typed and registers a generator in 柯桥区', async () => {
    await page.getByTestId('nav-signup').click();
    await page.getByTestId('signup-page').waitFor();
    await page.getByLabel('机构名称').fill(orgName);

    const usccInput = page.getByLabel('统一社会信用代码');
    await usccInput.fill(uscc.invalid.toLowerCase());
    expect(await usccInput.inputValue()).to.equal(uscc.invalid); // upper-cased as typed
    const problem = page.getByTestId('uscc-problem');
    expect(await problem.getAttribute('data-problem')).to.equal('check');
    expect(await problem.textContent()).to.contain('校验位');
    expect(await page.getByTestId('uscc-ok').count()).to.equal(0);

    await usccInput.fill(uscc.valid);
    expect(await textOf(page, 'uscc-ok')).to.contain('校验通过');
    expect(await problem.count()).to.equal(0);

    await page.getByLabel('所在区县').selectOption({ label: '柯桥区' });
    await page.getByLabel(/产废单位/).check();
    await page.getByLabel('联系人姓名').fill('王建国');
    await page.getByLabel('电子邮箱').fill(email);
    await page.getByLabel('密码').fill(password);
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'signup.png'), fullPage: true });

    await page.getByTestId('signup-submit').click();
    await page.waitForURL(`${base}/org`);
    expect(await textOf(page, 'org-name')).to.equal(orgName);
    expect(await textOf(page, 'account-org')).to.equal(orgName);
    expect(await textOf(page, 'org-uscc')).to.equal(uscc.valid);
    expect(await textOf(page, 'org-district')).to.equal('柯桥区');
    expect(await textOf(page, 'org-roles')).to.equal('产废单位');
    expect(await page.getByTestId('credit-chip').getAttribute('data-level')).to.be.oneOf([
      'green',
      'blue',
      'yellow',
      'red',
      'black',
    ]);
  });

  it('switches to English, keeps the choice and the session across a reload', async () => {
    await page.getByTestId('lang-switch').click();
    expect(await textOf(page, 'nav-org')).to.equal('My organisation');
    expect(await textOf(page, 'brand')).to.contain('Zero-Waste Exchange');
    expect(await textOf(page, 'simulated-payments-banner')).to.contain('payments are simulated');
    expect(await textOf(page, 'org-district')).to.equal('Keqiao District');
    expect(await page.locator('html').getAttribute('lang')).to.equal('en');

    // The access token lives in memory only: the reload signs in again through the refresh cookie.
    await page.reload();
    expect(await textOf(page, 'org-name')).to.equal(orgName);
    expect(await textOf(page, 'sign-out')).to.equal('Sign out');

    await page.getByTestId('lang-switch').click();
    expect(await textOf(page, 'nav-org')).to.equal('我的机构');
  });

  it('filters the catalogue to hazardous waste, finds 飞灰 and opens 772-002-18 with its band', async () => {
    await page.getByTestId('nav-catalogue').click();
    await catalogueLoaded(page, {});
    await page.getByLabel('危险特性').selectOption('true');
    await catalogueLoaded(page, { hazardous: 'true' });
    expect(page.url()).to.contain('hazardous=true');
    const rows = page.getByTestId('material-row');
    const count = await rows.count();
    expect(count).to.be.greaterThan(0);
    expect(await page.getByTestId('badge-hazardous').count()).to.equal(count);

    await page.getByLabel('搜索').fill('飞灰');
    await page.getByLabel('搜索').press('Enter');
    await catalogueLoaded(page, { hazardous: 'true', q: '飞灰' });
    expect(await page.locator('[data-testid="material-row"][data-code="772-002-18"]').count()).to.equal(1);
    for (const code of await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-code')))) {
      expect(code).to.match(/^\d{3}-\d{3}-\d{2}$/);
    }
    await page.screenshot({ path: path.join(SCREENSHOTS, 'catalogue.png'), fullPage: true });

    await page.getByTestId('material-link-772-002-18').click();
    await page.waitForURL(`${base}/catalog/772-002-18`);
    await page.getByTestId('material-detail').waitFor();
    await page.getByRole('heading', { level: 1, name: '生活垃圾焚烧飞灰' }).waitFor();
    expect(await page.locator('h1').textContent()).to.equal('生活垃圾焚烧飞灰');
    expect(await textOf(page, 'badge-edition')).to.equal('名录版本 2021');
    expect(await textOf(page, 'badge-hazardous')).to.equal('危险废物');
    expect(await textOf(page, 'material-verification')).to.contain('2021');
    await page.getByTestId('band-bar').waitFor();
    expect(await textOf(page, 'band-low')).to.contain('处置费 ¥2,195/吨');
    expect(await textOf(page, 'band-median')).to.contain('处置费 ¥1,893/吨');
    expect(await textOf(page, 'band-high')).to.contain('处置费 ¥1,591/吨');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'material.png'), fullPage: true });
  });

  it('signs out and signs in again', async () => {
    await page.getByTestId('sign-out').click();
    await page.waitForURL(`${base}/signin`);
    expect(await page.getByTestId('nav-org').count()).to.equal(0);

    await page.getByLabel('电子邮箱').fill(email);
    await page.getByLabel('密码').fill('not the password');
    await page.getByTestId('signin-submit').click();
    expect(await textOf(page, 'form-error')).to.contain('邮箱或密码不正确');

    await page.getByLabel('密码').fill(password);
    await page.getByTestId('signin-submit').click();
    // Signed in, each role lands on its to-do list (issue 13 item 6).
    await page.waitForURL(`${base}/`);
    await page.getByTestId('home-page').waitFor();
    expect(await textOf(page, 'account-org')).to.equal(orgName);
  });
});
