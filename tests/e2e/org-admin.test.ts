/**
 * Issue 13 item 8 in Chromium: an owner removes a member from the organisation page and the member's
 * session ends at once; an owner edits an open listing's description, pickup window and hazard
 * declaration; the admin creates a
 * regulator organisation from the admin page.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';
import { PASSWORD, addMember, auth, makeUscc, registerOrg, uniqueEmail } from '../helpers/actors.js';
import { launchChromium, signInThroughUi, textOf } from '../helpers/browser.js';
import { DAY, createGenerator, createListing, flyAshListing, steelListing } from '../helpers/trading.js';

describe('web client: organisation administration in Chromium', function () {
  this.timeout(180_000);
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

  async function newPage(): Promise<Page> {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('dialog', (d) => void d.accept());
    return page;
  }

  it('an owner removes a member from the organisation page; the member’s token is refused at once', async () => {
    const owner = await registerOrg(t.request);
    const member = await addMember(t.request, owner);
    const page = await newPage();
    await signInThroughUi(page, base, owner, PASSWORD, '/org');
    const row = page.getByTestId('member-row').filter({ hasText: member.email });
    await row.waitFor();
    await row.getByTestId('member-remove').click();
    expect(await textOf(page, 'members-notice')).to.contain('Member');
    await page.getByTestId('member-row').filter({ hasText: member.email }).waitFor({ state: 'detached' });
    expect((await t.request.get('/api/v1/trades').set(auth(member.token))).status).to.equal(401);
    await page.context().close();
  });

  it('an owner edits an open listing’s description', async () => {
    const gen = await createGenerator(t.request);
    const listing = await createListing(t.request, gen, steelListing());
    const page = await newPage();
    await signInThroughUi(page, base, gen, PASSWORD, `/listings/${listing.id}`);
    await page.getByTestId('edit-listing').click();
    await page.getByTestId('edit-description').fill('每周二、四可提货，请提前一天联系。');
    await page.getByTestId('edit-listing-save').click();
    await page.getByTestId('edit-listing-form').waitFor({ state: 'detached' });
    const stored = await t.request.get(`/api/v1/listings/${listing.id}`);
    expect(stored.body.description).to.equal('每周二、四可提货，请提前一天联系。');
    await page.context().close();
  });

  it('an owner edits a hazardous listing’s pickup window and hazard declaration, which cannot be emptied', async () => {
    const gen = await createGenerator(t.request);
    const listing = await createListing(t.request, gen, flyAshListing());
    const context = await browser.newContext({ timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    await signInThroughUi(page, base, gen, PASSWORD, `/listings/${listing.id}`);
    await page.getByTestId('edit-listing').click();
    // The form starts from the stored declaration (T, solid, ton bag).
    expect(await page.getByTestId('edit-hazard-T').isChecked()).to.equal(true);
    expect(await page.getByTestId('edit-hazard-packaging').inputValue()).to.equal('ton_bag');
    // The disposal fee keeps its sign, so saving other changes leaves the price alone.
    expect(await page.getByTestId('edit-price').inputValue()).to.equal('-1893');
    // A hazardous lot keeps at least one characteristic: unticking the only one is refused in the form.
    await page.getByTestId('edit-hazard-T').uncheck();
    await page.getByTestId('edit-listing-save').click();
    await page.getByTestId('edit-hazard-characteristics-error').waitFor();
    await page.getByTestId('edit-hazard-T').check();
    await page.getByTestId('edit-hazard-characteristics-error').waitFor({ state: 'detached' });
    await page.getByTestId('edit-hazard-C').check();
    await page.getByTestId('edit-hazard-packaging').selectOption('drum');
    // Wall-clock time in Shanghai, twelve days on, as a datetime-local input takes it.
    const to = new Date(Date.now() + 12 * DAY * 1000 + 8 * 3_600_000).toISOString().slice(0, 16);
    await page.getByTestId('edit-pickup-to').fill(to);
    await page.getByTestId('edit-listing-save').click();
    await page.getByTestId('edit-listing-form').waitFor({ state: 'detached' });
    const stored = (await t.request.get(`/api/v1/listings/${listing.id}`)).body;
    expect(stored.hazard).to.deep.equal({ characteristics: ['T', 'C'], form: 'solid', packaging: 'drum' });
    expect(Date.parse(stored.pickupTo)).to.equal(Date.parse(`${to}:00+08:00`));
    expect(stored.pickupFrom).to.equal(listing.pickupFrom);
    expect(stored.pricePerTonneFen).to.equal(-189_300);
    await context.close();
  });

  it('the admin creates a regulator organisation, whose owner can then sign in', async () => {
    const page = await newPage();
    await signInThroughUi(page, base, { email: ADMIN.email }, ADMIN.password, '/admin/orgs');
    const email = uniqueEmail('officer');
    await page.getByTestId('ao-name').fill('绍兴市越城区生态环境分局');
    await page.getByTestId('ao-uscc').fill(makeUscc());
    await page.getByTestId('ao-owner').fill('李监管');
    await page.getByTestId('ao-email').fill(email);
    await page.getByTestId('ao-password').fill(PASSWORD);
    await page.getByTestId('ao-submit').click();
    expect(await textOf(page, 'authority-org-created')).to.contain('绍兴市越城区生态环境分局');
    const login = await t.request.post('/api/v1/auth/login').send({ email, password: PASSWORD });
    expect(login.status, login.text).to.equal(200);
    await page.context().close();
  });
});
