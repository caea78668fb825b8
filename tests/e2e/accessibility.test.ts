/**
 * Issue 13 acceptance: axe-core (pinned in package.json, its source injected with addScriptTag) on
 * every main page in both languages reports no serious or critical violation.
 */
import { createRequire } from 'node:module';
import { expect } from 'chai';
import type { Browser, BrowserContext } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { launchChromium } from '../helpers/browser.js';
import {
  mainPagesFixture,
  openMainPage,
  roleContexts,
  type Lang,
  type MainPagesFixture,
  type Who,
} from '../helpers/main-pages.js';

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

describe('web client: accessibility of the main pages (axe-core, both languages)', function () {
  this.timeout(300_000);
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let f: MainPagesFixture;
  let contexts: Record<Who, BrowserContext>;

  before(async function () {
    this.timeout(300_000);
    browser = await launchChromium(this);
    t = await createTestApp({ listen: true });
    base = t.server!.url;
    f = await mainPagesFixture(t);
    contexts = await roleContexts(browser, base, f);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  for (const lang of ['zh-CN', 'en'] as Lang[]) {
    it(`no main page has a serious or critical axe violation in ${lang}`, async () => {
      const problems: string[] = [];
      for (const p of f.pages) {
        const page = await openMainPage(contexts[p.who], base, p, lang);
        await page.addScriptTag({ path: AXE_PATH });
        const violations = (await page.evaluate(
          `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))`,
        )) as AxeViolation[];
        for (const v of violations.filter((x) => x.impact === 'serious' || x.impact === 'critical'))
          problems.push(
            `${p.name} (${p.path}): ${v.impact} ${v.id} — ${v.help} at ${v.nodes
              .slice(0, 3)
              .map((n) => n.target.join(' '))
              .join(', ')}`,
          );
        await page.close();
      }
      expect(problems, problems.join('\n')).to.deep.equal([]);
    });
  }
});
