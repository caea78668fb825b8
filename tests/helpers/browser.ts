import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { requireChromium } from './services.js';

/** What every browser test shares: the client build, Debian's Chromium, screenshots. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOTS = path.join(ROOT, 'docs/screenshots');
const DIST_INDEX = path.join(ROOT, 'client/dist/index.html');

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(p).map((name) => newestMtime(path.join(p, name))));
}

/** The server serves client/dist; build it when it is missing or older than the client's sources. */
export function ensureClientBuilt(): void {
  const sources = Math.max(
    newestMtime(path.join(ROOT, 'client/src')),
    newestMtime(path.join(ROOT, 'client/index.html')),
    newestMtime(path.join(ROOT, 'client/vite.config.ts')),
    newestMtime(path.join(ROOT, 'shared/src')),
  );
  if (existsSync(DIST_INDEX) && statSync(DIST_INDEX).mtimeMs >= sources) return;
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'client/vite.config.ts'],
    {
      cwd: ROOT,
      // Mocha's global setup sets NODE_ENV=test, which would make Vite bundle React's development build.
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 240_000,
    },
  );
}

/**
 * Debian's Chromium, headless, with the flags this machine needs (no sandbox as root, no background
 * networking: the network is closed). Skips (or, in CI, fails) when Chromium is missing; builds the
 * client first.
 */
export async function launchChromium(ctx: Mocha.Context): Promise<Browser> {
  const executablePath = requireChromium(ctx);
  ensureClientBuilt();
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

export async function textOf(page: Page, testId: string): Promise<string> {
  const el = page.getByTestId(testId).first();
  await el.waitFor();
  return (await el.textContent()) ?? '';
}

/** Signs in through the UI (zh-CN labels) and waits until the page `next` has rendered. */
export async function signInThroughUi(
  page: Page,
  base: string,
  who: { email: string },
  password: string,
  next: string,
): Promise<void> {
  await page.goto(`${base}/signin?next=${encodeURIComponent(next)}`);
  await page.getByLabel('电子邮箱').fill(who.email);
  await page.getByLabel('密码').fill(password);
  await page.getByTestId('signin-submit').click();
  await page.waitForURL(`${base}${next}`);
  // react-router renders a navigation in a transition: the URL changes before the page does.
  await page.getByTestId('signin-submit').waitFor({ state: 'detached' });
}
