import { expect } from 'chai';
import { LOGIN_THROTTLE, lockMs, throttleKey } from '../../server/src/modules/auth/throttle.js';

describe('sign-in throttle: lock lengths and keys', () => {
  it('locks nothing for the first 4 attempts, then 1, 2, 4, 8 min and 15 min from then on', () => {
    expect([1, 2, 3, 4].map((n) => lockMs(n))).to.deep.equal([0, 0, 0, 0]);
    expect([5, 6, 7, 8, 9, 10, 50, 10_000].map((n) => lockMs(n) / 60_000)).to.deep.equal([1, 2, 4, 8, 15, 15, 15, 15]);
    expect(lockMs(LOGIN_THROTTLE.freeFailures)).to.equal(LOGIN_THROTTLE.firstLockMs);
  });

  it('keys the account case- and space-insensitively, per client address', () => {
    expect(throttleKey(' Ann@Example.cn ', '192.0.2.1')).to.equal(throttleKey('ann@example.cn', '192.0.2.1'));
    expect(throttleKey('ann@example.cn', '192.0.2.1')).to.not.equal(throttleKey('ann@example.cn', '192.0.2.2'));
    expect(throttleKey('ann@example.cn', '192.0.2.1')).to.not.equal(throttleKey('bob@example.cn', '192.0.2.1'));
  });

  it('keys IPv6 clients by their /56, so rotating addresses within it does not help', () => {
    expect(throttleKey('ann@example.cn', '2001:db8:0:1::1')).to.equal(throttleKey('ann@example.cn', '2001:db8:0:ff:abcd::9'));
    expect(throttleKey('ann@example.cn', '2001:db8:0:1::1')).to.not.equal(throttleKey('ann@example.cn', '2001:db8:0:100::1'));
  });

  it('holds neither the email nor the address in the key', () => {
    const key = throttleKey('ann@example.cn', '192.0.2.1');
    expect(key).to.match(/^[0-9a-f]{64}$/);
  });
});
