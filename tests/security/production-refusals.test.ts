import { expect } from 'chai';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestApp, type TestApp } from '../helpers/app.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Issue 10 item 2: the real entry point started with NODE_ENV=production refuses demo behaviour
 * (simulated payments, the documented admin password, demo data) before it opens any connection,
 * exiting non-zero with the key named. Every other key is valid, so only the key under test can be
 * the reason; DATABASE_URL points at a closed port, so a start that got past the config check would
 * fail differently (a connection error, not a `config: KEY:` line).
 */
const PRODUCTION: Record<string, string> = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://zwx:pw@127.0.0.1:9/zwx',
  JWT_SECRET: 'Vd3kQ9wX2mZr7Lp4Tn8Ys1Hb6Jc0Fg5Ra',
  PAYMENT_PROVIDER: 'bank_transfer',
  BANK_ACCOUNT_NAME: '绍兴无废交易服务有限公司',
  BANK_ACCOUNT_NUMBER: '3301 0400 1234 5678 901',
  BANK_NAME: '中国工商银行绍兴柯桥支行',
  ADMIN_PASSWORD: 'an-operator-chosen-password',
  SEED_DEMO: 'false',
  LOG_LEVEL: 'warn',
  PORT: '0',
  HOST: '127.0.0.1',
};

interface Exit {
  code: number | null;
  output: string;
}

/** Runs server/src/main.ts with exactly this environment (plus PATH/HOME); killed after 60 s if it does not exit. */
function startMain(env: Record<string, string | undefined>): Promise<Exit> {
  const clean = Object.fromEntries(
    Object.entries({ PATH: process.env.PATH, HOME: process.env.HOME, ...env }).filter(([, v]) => v !== undefined),
  ) as Record<string, string>;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      cwd: ROOT,
      env: clean,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(kill);
      resolve({ code, output });
    });
  });
}

/** The keys main.ts named as bad configuration (`config: KEY: message` lines). */
const namedKeys = (output: string) => [...output.matchAll(/^config: ([A-Z_]+): /gm)].map((m) => m[1]);

describe('security: a production start refuses demo behaviour, naming the key', function () {
  this.timeout(120_000);

  const cases: { what: string; env: Record<string, string | undefined>; key: string }[] = [
    { what: 'PAYMENT_PROVIDER=simulated', env: { PAYMENT_PROVIDER: 'simulated' }, key: 'PAYMENT_PROVIDER' },
    { what: 'PAYMENT_PROVIDER unset', env: { PAYMENT_PROVIDER: undefined }, key: 'PAYMENT_PROVIDER' },
    { what: 'the documented default ADMIN_PASSWORD', env: { ADMIN_PASSWORD: 'admin-demo-2026' }, key: 'ADMIN_PASSWORD' },
    { what: 'ADMIN_PASSWORD unset (the default applies)', env: { ADMIN_PASSWORD: undefined }, key: 'ADMIN_PASSWORD' },
    { what: 'an ADMIN_PASSWORD of 11 characters', env: { ADMIN_PASSWORD: 'elevenchars' }, key: 'ADMIN_PASSWORD' },
    { what: 'SEED_DEMO=true', env: { SEED_DEMO: 'true' }, key: 'SEED_DEMO' },
  ];

  it('exits non-zero before connecting anywhere, naming only the demo key', async () => {
    // In parallel: each start only loads the config (a few hundred ms of module loading).
    const exits = await Promise.all(cases.map((c) => startMain({ ...PRODUCTION, ...c.env })));
    cases.forEach((c, i) => {
      const exit = exits[i]!;
      expect(exit.code, `${c.what}: exit code\n${exit.output}`).to.not.equal(0);
      expect(exit.code, `${c.what}: exit code`).to.not.equal(null);
      expect(namedKeys(exit.output), `${c.what}\n${exit.output}`).to.deep.equal([c.key]);
    });
  });
});

describe('security: the client learns from GET /meta that payments are simulated (banner on every page)', function () {
  this.timeout(60_000);
  let simulated: TestApp;
  let real: TestApp;
  before(async () => {
    simulated = await createTestApp({ env: { PAYMENT_PROVIDER: 'simulated' }, startJobs: false });
    real = await createTestApp({ env: { PAYMENT_PROVIDER: 'bank_transfer' }, startJobs: false });
  });
  after(async () => {
    await simulated?.close();
    await real?.close();
  });

  it('answers anonymously that payments are simulated when they are', async () => {
    const res = await simulated.request.get('/api/v1/meta');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ payments: { provider: 'simulated', simulated: true } });
  });

  it('answers that they are real with bank transfers', async () => {
    const res = await real.request.get('/api/v1/meta');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ payments: { provider: 'bank_transfer', simulated: false } });
  });
});
