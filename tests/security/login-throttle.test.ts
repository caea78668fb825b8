import { expect } from 'chai';
import { createTestApp, ManualClock, type TestApp } from '../helpers/app.js';
import { registerOrg, uniqueEmail, type OrgActor } from '../helpers/actors.js';

/**
 * Issue 10 item 6: 620 wrong passwords for one account in 38 s got no 429, and rotating
 * X-Forwarded-For from loopback bypassed the per-IP limit. Sign-ins are throttled per account AND
 * client address: 5 attempts without a success, then a lock of 1 min doubling to 15 min; a success
 * resets; the 429 is the same for known and unknown emails; X-Forwarded-For counts only from
 * TRUST_PROXY. Time is a ManualClock, so the doubling and the cap are checked without waiting.
 */
const LOGIN = '/api/v1/auth/login';
const WRONG = 'not-the-password-at-all';

describe('security: sign-ins are throttled per account and client address', function () {
  this.timeout(120_000);
  /** TRUST_PROXY unset: the client is the TCP peer, X-Forwarded-For is ignored. */
  let direct: TestApp;
  let directClock: ManualClock;
  /** TRUST_PROXY=loopback: the test's X-Forwarded-For names the client. */
  let proxied: TestApp;

  before(async () => {
    directClock = new ManualClock(new Date('2026-03-02T02:00:00Z'));
    direct = await createTestApp({ clock: directClock, startJobs: false });
    proxied = await createTestApp({ env: { TRUST_PROXY: 'loopback' }, startJobs: false });
  });
  after(async () => {
    await direct?.close();
    await proxied?.close();
  });

  const login = (t: TestApp, email: string, password: string, forwardedFor?: string) => {
    const req = t.request.post(LOGIN);
    if (forwardedFor) req.set('X-Forwarded-For', forwardedFor);
    return req.send({ email, password });
  };

  /** `n` wrong passwords, each expected to be an ordinary 401. */
  async function fail(t: TestApp, email: string, n: number, forwardedFor?: (i: number) => string) {
    for (let i = 0; i < n; i++) {
      const res = await login(t, email, WRONG, forwardedFor?.(i));
      expect(res.status, `wrong password #${i + 1}: ${res.text}`).to.equal(401);
    }
  }

  function expectLocked(
    res: { status: number; headers: Record<string, string>; body: { error: { code: string } }; text: string },
    retryAfter: number,
  ) {
    expect(res.status, res.text).to.equal(429);
    expect(res.body.error.code).to.equal('RATE_LIMITED');
    expect(res.headers['retry-after']).to.equal(String(retryAfter));
  }

  it('after 5 wrong passwords the 6th attempt is 429 with Retry-After 60, even with the right password', async () => {
    const owner = await registerOrg(direct.request);
    await fail(direct, owner.email, 5);
    expectLocked(await login(direct, owner.email, owner.password), 60);
  });

  it('an unknown email gets the same 429 body as a known one', async () => {
    const owner = await registerOrg(direct.request);
    const unknown = uniqueEmail('nobody');
    await fail(direct, owner.email, 5);
    await fail(direct, unknown, 5);
    const known = await login(direct, owner.email, owner.password);
    const stranger = await login(direct, unknown, WRONG);
    expectLocked(known, 60);
    expectLocked(stranger, 60);
    expect(stranger.body.error).to.deep.equal(known.body.error);
  });

  it('with TRUST_PROXY unset, rotating X-Forwarded-For does not get past the lock', async () => {
    const owner = await registerOrg(direct.request);
    await fail(direct, owner.email, 5, (i) => `198.51.100.${i + 10}`);
    expectLocked(await login(direct, owner.email, owner.password, '203.0.113.99'), 60);
    expectLocked(await login(direct, owner.email, WRONG, '2001:db8::1'), 60);
  });

  it('a guesser at another client address does not lock the owner out (TRUST_PROXY=loopback)', async () => {
    const owner: OrgActor = await registerOrg(proxied.request);
    await fail(proxied, owner.email, 5, () => '203.0.113.7');
    expectLocked(await login(proxied, owner.email, owner.password, '203.0.113.7'), 60);
    const fromHome = await login(proxied, owner.email, owner.password, '198.51.100.9');
    expect(fromHome.status, fromHome.text).to.equal(200);
    // The owner's success resets only its own pair: the guesser stays locked.
    expectLocked(await login(proxied, owner.email, WRONG, '203.0.113.7'), 60);
  });

  it('a success resets the count', async () => {
    const owner = await registerOrg(direct.request);
    await fail(direct, owner.email, 4);
    expect((await login(direct, owner.email, owner.password)).status).to.equal(200);
    await fail(direct, owner.email, 5);
    expectLocked(await login(direct, owner.email, WRONG), 60);
  });

  it('each further failure doubles the lock (1, 2, 4, 8 min) up to 15 min; a success after the lock resets it', async () => {
    const owner = await registerOrg(direct.request);
    await fail(direct, owner.email, 5);
    expectLocked(await login(direct, owner.email, WRONG), 60);
    directClock.advance(30_000);
    expectLocked(await login(direct, owner.email, WRONG), 30);
    directClock.advance(30_000);
    for (const lock of [120, 240, 480, 900, 900]) {
      await fail(direct, owner.email, 1);
      expectLocked(await login(direct, owner.email, owner.password), lock);
      directClock.advance(lock * 1000);
    }
    expect((await login(direct, owner.email, owner.password)).status).to.equal(200);
    await fail(direct, owner.email, 4);
  });

  it('a burst of parallel wrong guesses gets exactly 5 past the check', async () => {
    const owner = await registerOrg(direct.request);
    const answers = await Promise.all(Array.from({ length: 12 }, () => login(direct, owner.email, WRONG)));
    const statuses = answers.map((r) => r.status).sort();
    expect(
      statuses.filter((s) => s === 401),
      statuses.join(','),
    ).to.have.length(5);
    expect(
      statuses.filter((s) => s === 429),
      statuses.join(','),
    ).to.have.length(7);
  });
});
