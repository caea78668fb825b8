import net from 'node:net';
import { existsSync } from 'node:fs';

/**
 * Outside CI a test that needs a missing service is skipped with a printed reason; with CI set it
 * fails instead (DESIGN §9). Call from a before() hook: `requireService(this, 'redis')`.
 */
export const inCI = !!process.env.CI && process.env.CI !== 'false';
/** Services a CI matrix leg leaves out on purpose (the embedded leg: postgres,redis); their tests skip there too. */
const omitted = new Set(
  (process.env.ZWX_SERVICES_OMITTED ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

export function skipOrFail(ctx: Mocha.Context, reason: string, service?: string): void {
  if (inCI && !(service && omitted.has(service))) throw new Error(`required service missing in CI: ${reason}`);
  console.log(`    skipped: ${reason}`);
  ctx.skip();
}

export const redisUrl = process.env.REDIS_URL || undefined;
export const databaseUrl = process.env.DATABASE_URL || undefined;
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function requireRedis(ctx: Mocha.Context): string {
  if (!redisUrl) skipOrFail(ctx, 'REDIS_URL is not set (BullMQ tests need a Redis server)', 'redis');
  return redisUrl!;
}

export function requirePostgres(ctx: Mocha.Context): string {
  if (!databaseUrl) skipOrFail(ctx, 'DATABASE_URL is not set (this test needs a PostgreSQL server)', 'postgres');
  return databaseUrl!;
}

export function requireChromium(ctx: Mocha.Context): string {
  if (!existsSync(CHROMIUM)) skipOrFail(ctx, `Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`);
  return CHROMIUM;
}

export async function portOpen(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}
