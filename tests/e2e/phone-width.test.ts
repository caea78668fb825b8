/**
 * Issue 13 acceptance: at 390 px wide no main page scrolls sideways (the document is no wider than
 * the viewport) and every table keeps its column headers. Saves the home to-do list (desktop and
 * 390 px) and the regulator dashboard at 390 px to docs/screenshots/.
 */
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { launchChromium, SCREENSHOTS } from '../helpers/browser.js';
import {
  mainPagesFixture,
  openMainPage,
  roleContexts,
  type Lang,
  type MainPagesFixture,
  type Who,
} from '../helpers/main-pages.js';

const PHONE = { width: 390, height: 844 };

describe('web client: the main pages at 390 px wide', function () {
  this.timeout(300_000);
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let f: MainPagesFixture;
  let phone: Record<Who, BrowserContext>;

  before(async function () {
    this.timeout(300_000);
    browser = await launchChromium(this);
    t = await createTestApp({ listen: true });
    base = t.server!.url;
    f = await mainPagesFixture(t);
    phone = await roleContexts(browser, base, f, { viewport: PHONE, deviceScaleFactor: 1 });
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  for (const lang of ['zh-CN', 'en'] as Lang[]) {
    it(`in ${lang}, no main page scrolls sideways and every table shows its column headers`, async () => {
      const problems: string[] = [];
      for (const p of f.pages) {
        const page = await openMainPage(phone[p.who], base, p, lang);
        const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
        if (width > PHONE.width) {
          const wide = await page.evaluate(`(() => {
            const out = [];
            for (const el of document.querySelectorAll('main *')) {
              const r = el.getBoundingClientRect();
              let clipped = false;
              for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) if (getComputedStyle(a).overflowX !== 'visible') clipped = true;
              if (!clipped && r.right > ${PHONE.width} + 1 && getComputedStyle(el).position !== 'fixed') out.push(el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') + ' right=' + Math.round(r.right));
              if (out.length >= 4) break;
            }
            return out;
          })()`);
          problems.push(`${p.name} (${p.path}): scrollWidth ${width} > ${PHONE.width}: ${(wide as string[]).join('; ')}`);
        }
        const tables = (await page.evaluate(`[...document.querySelectorAll('main table')].map((table) => {
          const ths = [...table.querySelectorAll('thead th')];
          const shown = ths.filter((th) => { const r = th.getBoundingClientRect(); const s = getComputedStyle(th); return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && !th.closest('.sr-only, .visually-hidden'); });
          return { testId: table.getAttribute('data-testid') || table.className, headers: ths.length, shown: shown.length };
        })`)) as { testId: string; headers: number; shown: number }[];
        for (const tb of tables)
          if (tb.headers === 0 || tb.shown < tb.headers)
            problems.push(`${p.name}: table ${tb.testId} shows ${tb.shown} of ${tb.headers} column headers`);
        if (lang === 'zh-CN' && p.name === 'home')
          await page.screenshot({ path: path.join(SCREENSHOTS, 'home-todos-phone.png'), fullPage: true });
        if (lang === 'zh-CN' && p.name === 'regulator dashboard')
          await page.screenshot({ path: path.join(SCREENSHOTS, 'regulator-dashboard-phone.png'), fullPage: true });
        await page.close();
      }
      expect(problems, problems.join('\n')).to.deep.equal([]);
    });
  }

  it('the home page lists the generator’s next step with a button to where it is done (desktop screenshot)', async () => {
    const context = (await roleContexts(browser, base, f, { viewport: { width: 1280, height: 800 } })).generator;
    const page = await openMainPage(context, base, f.pages.find((p) => p.name === 'home')!, 'zh-CN');
    const todo = page.getByTestId('todo').first();
    await todo.waitFor();
    expect(await todo.getAttribute('data-kind')).to.equal('issue');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'home-todos-desktop.png'), fullPage: true });
    await todo.getByTestId('todo-go').click();
    await page.waitForURL(/\/manifests\//);
    await context.close();
  });
});
