/**
 * The notification centre in Chromium (issue 13 acceptance): a deadline reminder appears in the
 * receiver's notification centre before the deadline — the header badge goes up live, the page
 * names the manifest and its deadline, marking it read clears the badge.
 */
import path from 'node:path';
import { expect } from 'chai';
import { type Browser, type Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { PASSWORD } from '../helpers/actors.js';
import { launchChromium, SCREENSHOTS, signInThroughUi, textOf } from '../helpers/browser.js';
import { flyAshDeal, openTrip, step, walkTrip } from '../helpers/manifests.js';

const HOUR = 3_600_000;

describe('web client: notification centre, in Chromium', function () {
  this.timeout(180_000);

  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;

  before(async function () {
    this.timeout(300_000);
    browser = await launchChromium(this);
    t = await createTestApp({ listen: true, env: { DEADLINE_REMINDER_HOURS: '24' } });
    base = t.server!.url;
  });

  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it("a receipt deadline reminder appears in the receiver's notification centre a day before the deadline, live", async () => {
    const d = await flyAshDeal(t, { quantityKg: 10_000 });
    const arrived = await step(t, d.carrier, (await walkTrip(t, d, await openTrip(t, d, 10_000), { until: 'depart' })).id, {
      type: 'arrive',
    });
    const due = Date.parse(arrived.receiptDueAt!);
    await t.ctx.jobs.drain();

    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 1,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    page = await context.newPage();
    await signInThroughUi(page, base, d.recycler, PASSWORD, '/notifications');
    await page.getByTestId('notification-list').waitFor();
    const before = Number(await page.getByTestId('notification-bell').getAttribute('data-unread'));
    expect(await page.locator('[data-testid="notification"][data-kind="deadline_reminder"]').count()).to.equal(0);

    // The sweep one lead time (24 h) before the deadline, on the injected time: the reminder is written from the outbox.
    expect(await t.ctx.notifications.sweepReminders(new Date(due - 24 * HOUR + 60_000))).to.equal(1);
    await t.ctx.jobs.drain();

    const reminder = page.locator('[data-testid="notification"][data-kind="deadline_reminder"]');
    await reminder.waitFor();
    await page.locator(`[data-testid="notification-bell"][data-unread="${before + 1}"]`).waitFor();
    const text = (await reminder.textContent()) ?? '';
    expect(text).to.contain('期限提醒');
    expect(text).to.contain(`联单 ${arrived.number} 须在`);
    expect(text).to.contain('前确认接收');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).to.be.at.most(390);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'notifications-phone.png'), fullPage: true });

    await reminder.getByTestId('notification-mark-read').click();
    await page.locator('[data-testid="notification"][data-kind="deadline_reminder"][data-unread="false"]').waitFor();
    await page.locator(`[data-testid="notification-bell"][data-unread="${before}"]`).waitFor();
    await reminder.getByTestId('notification-open').click();
    await page.waitForURL(`${base}/manifests/${arrived.id}`);
    expect(await textOf(page, 'manifest-detail')).to.contain(arrived.number);
    await context.close();
  });

  it('a user turns a kind of notification off on the preferences page, and it stays off', async () => {
    const d = await flyAshDeal(t, { quantityKg: 10_000, fund: false });
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      deviceScaleFactor: 1,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    page = await context.newPage();
    await signInThroughUi(page, base, d.generator, PASSWORD, '/notifications');
    await page.getByTestId('notification-preferences-link').click();
    const outbid = page.getByTestId('pref-outbid');
    await outbid.waitFor();
    expect(await outbid.isChecked()).to.equal(true);
    await outbid.uncheck();
    await page.getByTestId('prefs-save').click();
    await page.getByTestId('prefs-saved').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'notification-preferences-desktop.png') });
    await page.reload();
    await page.getByTestId('pref-outbid').waitFor();
    expect(await page.getByTestId('pref-outbid').isChecked()).to.equal(false);
    expect(await page.getByTestId('pref-bid_received').isChecked()).to.equal(true);
    await context.close();
  });
});
