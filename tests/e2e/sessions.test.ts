import { expect } from 'chai';
import { type Browser, type BrowserContext } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { PASSWORD, registerOrg } from '../helpers/actors.js';
import { launchChromium, signInThroughUi, textOf } from '../helpers/browser.js';

/**
 * Issue 10 item 10 in the browser: tabs opened at once share one refresh (Web Locks), so none of
 * them trips the server's refresh-token reuse detection; a password change on the organisation
 * page keeps this tab signed in.
 */
describe('web client: sessions across tabs and password change in Chromium', function () {
  this.timeout(120_000);
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
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

  it('three tabs opened at once, five times over, all stay signed in', async () => {
    const a = await registerOrg(t.request);
    context = await browser.newContext();
    const first = await context.newPage();
    await signInThroughUi(first, base, a, PASSWORD, '/org');
    await first.close();
    for (let round = 0; round < 5; round++) {
      // Each new tab has no access token in memory: it refreshes through the shared cookie on load.
      const tabs = await Promise.all([0, 1, 2].map(() => context.newPage()));
      await Promise.all(tabs.map((p) => p.goto(`${base}/org`)));
      // A tab that lost the session is sent to the sign-in page instead.
      const landed = await Promise.all(
        tabs.map(async (p) => {
          await p.locator('[data-testid="org-page"], [data-testid="signin-page"]').first().waitFor();
          return new URL(p.url()).pathname;
        }),
      );
      expect(landed, `round ${round}`).to.deep.equal(['/org', '/org', '/org']);
      await Promise.all(tabs.map((p) => p.close()));
    }
    await context.close();
  });

  it('changes the password on the organisation page; this tab stays signed in and the new password signs in', async () => {
    const a = await registerOrg(t.request);
    context = await browser.newContext();
    const page = await context.newPage();
    await signInThroughUi(page, base, a, PASSWORD, '/org');
    await page.getByTestId('password-current').fill('not-the-password');
    await page.getByTestId('password-new').fill('a-brand-new-passphrase-42');
    await page.getByTestId('password-submit').click();
    // The server names the field; the form shows it there.
    await page.getByTestId('account-current-password-error').waitFor();
    await page.getByTestId('password-current').fill(PASSWORD);
    await page.getByTestId('password-submit').click();
    await page.getByTestId('password-done').waitFor();
    await page.reload();
    expect(await textOf(page, 'org-name')).to.equal(a.org.name);
    const login = await t.request.post('/api/v1/auth/login').send({ email: a.email, password: 'a-brand-new-passphrase-42' });
    expect(login.status).to.equal(200);
    await context.close();
  });
});
