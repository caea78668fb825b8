import { expect } from 'chai';
import { ConfigError, DEFAULT_ADMIN_PASSWORD, loadConfig } from '../../server/src/config.js';

/** A production environment that passes every check; each test spoils one key. */
const GOOD_PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://db/zwx',
  JWT_SECRET: 'Vd3kQ9wX2mZr7Lp4Tn8Ys1Hb6Jc0Fg5Ra',
  PAYMENT_PROVIDER: 'bank_transfer',
  BANK_ACCOUNT_NAME: '绍兴无废交易服务有限公司',
  BANK_ACCOUNT_NUMBER: '3301 0400 1234 5678 901',
  BANK_NAME: '中国工商银行绍兴柯桥支行',
  ADMIN_PASSWORD: 'an-operator-chosen-password',
};

function problemKeys(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => p.key);
  }
  return [];
}

describe('configuration: production refuses demo behaviour', () => {
  it('starts with real payments, a chosen admin password and no demo data', () => {
    expect(problemKeys(GOOD_PRODUCTION)).to.deep.equal([]);
    expect(problemKeys({ ...GOOD_PRODUCTION, PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_KEY: 'sk_live_x' })).to.deep.equal([]);
  });

  it('refuses simulated payments, named or by default, naming PAYMENT_PROVIDER', () => {
    expect(problemKeys({ ...GOOD_PRODUCTION, PAYMENT_PROVIDER: 'simulated' })).to.deep.equal(['PAYMENT_PROVIDER']);
    const { PAYMENT_PROVIDER: _unset, ...withoutProvider } = GOOD_PRODUCTION;
    expect(problemKeys(withoutProvider)).to.deep.equal(['PAYMENT_PROVIDER']);
  });

  it('runs simulated payments in production only with ALLOW_SIMULATED_PAYMENTS=true, and says so in the config', () => {
    const c = loadConfig({ ...GOOD_PRODUCTION, PAYMENT_PROVIDER: 'simulated', ALLOW_SIMULATED_PAYMENTS: 'true' });
    expect(c.PAYMENT_PROVIDER).to.equal('simulated');
    expect(c.ALLOW_SIMULATED_PAYMENTS).to.equal(true);
  });

  it('refuses the documented admin password, unset or spelled out, naming ADMIN_PASSWORD', () => {
    expect(problemKeys({ ...GOOD_PRODUCTION, ADMIN_PASSWORD: DEFAULT_ADMIN_PASSWORD })).to.deep.equal(['ADMIN_PASSWORD']);
    const { ADMIN_PASSWORD: _unset, ...withoutPassword } = GOOD_PRODUCTION;
    expect(problemKeys(withoutPassword)).to.deep.equal(['ADMIN_PASSWORD']);
  });

  it('refuses an admin password shorter than 12 characters in production (10 is enough elsewhere)', () => {
    expect(problemKeys({ ...GOOD_PRODUCTION, ADMIN_PASSWORD: 'elevenchars' })).to.deep.equal(['ADMIN_PASSWORD']);
    expect(problemKeys({ ...GOOD_PRODUCTION, ADMIN_PASSWORD: 'twelve-chars' })).to.deep.equal([]);
    expect(problemKeys({ NODE_ENV: 'test', ADMIN_PASSWORD: 'elevenchars' })).to.deep.equal([]);
  });

  it('refuses SEED_DEMO=true in production', () => {
    expect(problemKeys({ ...GOOD_PRODUCTION, SEED_DEMO: 'true' })).to.deep.equal(['SEED_DEMO']);
    expect(problemKeys({ ...GOOD_PRODUCTION, SEED_DEMO: 'false' })).to.deep.equal([]);
  });

  it('names every demo key at once', () => {
    const keys = problemKeys({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/zwx',
      JWT_SECRET: GOOD_PRODUCTION.JWT_SECRET,
      SEED_DEMO: '1',
    });
    expect(keys).to.have.members(['PAYMENT_PROVIDER', 'ADMIN_PASSWORD', 'SEED_DEMO']);
  });

  it('refuses bank transfers in production without the receiving account, naming each missing BANK_ key', () => {
    const { BANK_ACCOUNT_NAME: _n, BANK_ACCOUNT_NUMBER: _a, BANK_NAME: _b, ...withoutAccount } = GOOD_PRODUCTION;
    expect(problemKeys(withoutAccount)).to.have.members(['BANK_ACCOUNT_NAME', 'BANK_ACCOUNT_NUMBER', 'BANK_NAME']);
    expect(problemKeys({ ...GOOD_PRODUCTION, BANK_ACCOUNT_NUMBER: '   ' })).to.deep.equal(['BANK_ACCOUNT_NUMBER']);
    // Stripe deployments and development may run without one (bank transfers then say to ask the operator).
    expect(problemKeys({ ...withoutAccount, PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_KEY: 'sk_live_x' })).to.deep.equal([]);
    expect(problemKeys({ NODE_ENV: 'development', PAYMENT_PROVIDER: 'bank_transfer' })).to.deep.equal([]);
  });

  it('refuses half a receiving account anywhere, and trims the one it takes', () => {
    expect(problemKeys({ NODE_ENV: 'development', BANK_NAME: '中国工商银行' })).to.have.members([
      'BANK_ACCOUNT_NAME',
      'BANK_ACCOUNT_NUMBER',
    ]);
    const c = loadConfig({ ...GOOD_PRODUCTION, BANK_ACCOUNT_NAME: '  绍兴无废交易服务有限公司 ' });
    expect([c.BANK_ACCOUNT_NAME, c.BANK_ACCOUNT_NUMBER, c.BANK_NAME]).to.deep.equal([
      '绍兴无废交易服务有限公司',
      '3301 0400 1234 5678 901',
      '中国工商银行绍兴柯桥支行',
    ]);
  });

  it('keeps the demo defaults outside production', () => {
    const c = loadConfig({ NODE_ENV: 'development' });
    expect(c.PAYMENT_PROVIDER).to.equal('simulated');
    expect(c.ADMIN_PASSWORD).to.equal(DEFAULT_ADMIN_PASSWORD);
    expect(c.SEED_DEMO).to.equal(true);
  });
});

describe('configuration: TRUST_PROXY', () => {
  it('trusts no proxy when unset or empty', () => {
    expect(loadConfig({}).TRUST_PROXY).to.equal(false);
    expect(loadConfig({ TRUST_PROXY: '' }).TRUST_PROXY).to.equal(false);
  });

  it('takes a hop count, addresses, CIDRs and the named ranges', () => {
    expect(loadConfig({ TRUST_PROXY: '1' }).TRUST_PROXY).to.equal(1);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.5,::1,fd00::/8' }).TRUST_PROXY).to.equal(
      '10.0.0.0/8, 192.168.1.5,::1,fd00::/8',
    );
    expect(loadConfig({ TRUST_PROXY: 'loopback,uniquelocal' }).TRUST_PROXY).to.equal('loopback,uniquelocal');
  });

  it('refuses "true" (any client could pick its address) and malformed entries, naming TRUST_PROXY', () => {
    for (const bad of ['true', '10.0.0.0/33', 'proxy.internal', '10.0.0.1/8/2'])
      expect(problemKeys({ TRUST_PROXY: bad }), bad).to.deep.equal(['TRUST_PROXY']);
  });
});
