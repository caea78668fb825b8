import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '../../server/src/config.js';

/** A key as the README says to make one (openssl rand -base64 32). */
const GOOD_SECRET = randomBytes(32).toString('base64');

function problemsOf(env: Record<string, string>): { key: string; message: string }[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  expect.fail('loadConfig accepted a bad environment');
}

/** What a production start needs beyond JWT_SECRET and DATABASE_URL: real payments and a real admin password. */
const PRODUCTION_DEMO_FREE = {
  PAYMENT_PROVIDER: 'bank_transfer',
  ADMIN_PASSWORD: 'a-long-operator-chosen-password',
  BANK_ACCOUNT_NAME: '绍兴无废交易服务有限公司',
  BANK_ACCOUNT_NUMBER: '3301 0400 1234 5678 901',
  BANK_NAME: '中国工商银行绍兴柯桥支行',
};

describe('configuration (read once at boot, fail fast)', () => {
  it('names every bad key at once, including the production-only refusal', () => {
    const env = {
      NODE_ENV: 'production',
      PORT: 'abc',
      DATABASE_URL: 'mysql://x',
      JWT_SECRET: 'short',
      WEBHOOK_ALLOW_LOOPBACK: 'true',
    };
    const keys = problemsOf(env).map((p) => p.key);
    expect(keys).to.include.members(['PORT', 'DATABASE_URL', 'JWT_SECRET', 'WEBHOOK_ALLOW_LOOPBACK']);
  });

  it('puts every bad key in the error message', () => {
    try {
      loadConfig({ PORT: '70000', REDIS_URL: 'http://cache', BODY_LIMIT: 'lots' });
      expect.fail('accepted');
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      for (const key of ['PORT', 'REDIS_URL', 'BODY_LIMIT']) expect((err as Error).message).to.contain(key);
    }
  });

  it('refuses WEBHOOK_ALLOW_LOOPBACK=true in production even when everything else is valid', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      WEBHOOK_ALLOW_LOOPBACK: 'true',
      JWT_SECRET: GOOD_SECRET,
      DATABASE_URL: 'postgres://db/zwx',
      ...PRODUCTION_DEMO_FREE,
    });
    expect(problems.map((p) => p.key)).to.deep.equal(['WEBHOOK_ALLOW_LOOPBACK']);
  });

  it('allows WEBHOOK_ALLOW_LOOPBACK=true outside production (tests use a local consumer)', () => {
    expect(loadConfig({ NODE_ENV: 'test', WEBHOOK_ALLOW_LOOPBACK: 'true' }).WEBHOOK_ALLOW_LOOPBACK).to.equal(true);
  });

  it('requires a JWT secret and a PostgreSQL URL in production', () => {
    const keys = problemsOf({ NODE_ENV: 'production' }).map((p) => p.key);
    expect(keys).to.include.members(['JWT_SECRET', 'DATABASE_URL']);
  });

  it('runs embedded with documented defaults when the environment is empty', () => {
    const c = loadConfig({});
    expect(c.PORT).to.equal(3000);
    expect(c.DATABASE_URL).to.equal(undefined);
    expect(c.embedded).to.equal(true);
    expect(c.DATA_DIR).to.equal('./data');
    expect(c.RUN_WORKERS_IN_PROCESS).to.equal(true);
    expect(c.PAYMENT_PROVIDER).to.equal('simulated');
    expect(c.AUCTION_MIN_LEAD_SECONDS).to.equal(5);
    expect(c.WEIGHT_TOLERANCE_BP).to.equal(200);
    expect(c.WEBHOOK_ALLOW_LOOPBACK).to.equal(false);
    // No built-in key: embedded mode generates one in DATA_DIR at boot (tests/security/tokens-secret.test.ts).
    expect(c.JWT_SECRET).to.equal(undefined);
    expect(c.SEED_DEMO).to.equal(true);
  });

  it('treats empty strings as unset for the optional URLs', () => {
    const c = loadConfig({ DATABASE_URL: '', REDIS_URL: '' });
    expect(c.DATABASE_URL).to.equal(undefined);
    expect(c.REDIS_URL).to.equal(undefined);
    expect(c.embedded).to.equal(true);
  });

  it('switches to scale-out when DATABASE_URL and REDIS_URL are set', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://db/zwx', REDIS_URL: 'redis://cache:6379', JWT_SECRET: GOOD_SECRET });
    expect(c.embedded).to.equal(false);
    expect(c.RUN_WORKERS_IN_PROCESS).to.equal(false);
    expect(c.SEED_DEMO).to.equal(false);
  });

  it('ignores unrelated environment variables', () => {
    expect(() => loadConfig({ PATH: '/usr/bin', HOME: '/root', SOMETHING_ELSE: '1' })).to.not.throw();
  });

  it('refuses the retired ECO_FEE_FEN_PER_TONNE, naming it and where the rates live now (issue 12 item 6)', () => {
    const problems = problemsOf({ ECO_FEE_FEN_PER_TONNE: '5000', PORT: 'abc' });
    expect(problems.map((p) => p.key)).to.include.members(['ECO_FEE_FEN_PER_TONNE', 'PORT']);
    expect(problems.find((p) => p.key === 'ECO_FEE_FEN_PER_TONNE')!.message).to.contain('/api/v1/eco-rates');
    expect(() => loadConfig({ ECO_FEE_FEN_PER_TONNE: '' })).to.not.throw();
  });

  describe('the access-token key (issue 10 item 1)', () => {
    it('refuses in production a JWT_SECRET of 32 identical characters, naming JWT_SECRET', () => {
      const problems = problemsOf({
        NODE_ENV: 'production',
        JWT_SECRET: 'a'.repeat(32),
        DATABASE_URL: 'postgres://db/zwx',
        ...PRODUCTION_DEMO_FREE,
      });
      expect(problems.map((p) => p.key)).to.deep.equal(['JWT_SECRET']);
      expect(problems[0]!.message).to.match(/entropy/);
    });

    it('refuses in production a long secret made of a few repeated characters (under 128 bits)', () => {
      const problems = problemsOf({
        NODE_ENV: 'production',
        JWT_SECRET: 'abab'.repeat(20),
        DATABASE_URL: 'postgres://db/zwx',
        ...PRODUCTION_DEMO_FREE,
      });
      expect(problems.map((p) => p.key)).to.deep.equal(['JWT_SECRET']);
    });

    it('accepts in production a key made as documented (openssl rand -base64 32)', () => {
      const c = loadConfig({
        NODE_ENV: 'production',
        JWT_SECRET: GOOD_SECRET,
        DATABASE_URL: 'postgres://db/zwx',
        ...PRODUCTION_DEMO_FREE,
      });
      expect(c.JWT_SECRET).to.equal(GOOD_SECRET);
    });

    it('requires JWT_SECRET when DATABASE_URL is set, outside production too (processes share one key)', () => {
      const problems = problemsOf({ NODE_ENV: 'development', DATABASE_URL: 'postgres://db/zwx' });
      expect(problems.map((p) => p.key)).to.deep.equal(['JWT_SECRET']);
    });

    it('refuses the former built-in secret and the published examples in every mode', () => {
      for (const published of [
        'zwx-development-secret-not-for-production-use',
        'change-me-to-32-or-more-random-characters',
        'replace-with-at-least-32-random-characters',
      ]) {
        const problems = problemsOf({ NODE_ENV: 'development', JWT_SECRET: published });
        expect(
          problems.map((p) => p.key),
          published,
        ).to.deep.equal(['JWT_SECRET']);
      }
    });
  });
});
