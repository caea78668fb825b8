import { expect } from 'chai';
import { createSharedRefresh, type LockManagerLike } from '../../client/src/lib/refreshLock.js';

/**
 * Issue 10 item 10: several tabs refreshing at once must not sign the user out. Three "tabs" share
 * one cookie jar and one lock manager (as tabs of one origin do) and talk to a fake of the server's
 * refresh rule: a current token rotates, a used one revokes the family.
 */
function fakeServer() {
  let current = 'rt-0';
  const used = new Set<string>();
  let revoked = false;
  let n = 0;
  const jar = { cookie: current };
  return {
    jar,
    get revoked() {
      return revoked;
    },
    /** One refresh request as a tab's fetch does it: the cookie is read when the request leaves. */
    async refresh(): Promise<boolean> {
      const presented = jar.cookie;
      await new Promise((r) => setTimeout(r, 5)); // the network
      if (revoked || used.has(presented)) {
        revoked = true;
        return false;
      }
      if (presented !== current) return false;
      used.add(presented);
      current = `rt-${++n}`;
      jar.cookie = current; // Set-Cookie, applied before the response body is read
      return true;
    },
  };
}

/** A FIFO exclusive lock per name, as navigator.locks.request gives. */
function fakeLocks(): LockManagerLike {
  const tails = new Map<string, Promise<unknown>>();
  return {
    request<T>(name: string, callback: () => Promise<T>): Promise<T> {
      const prev = tails.get(name) ?? Promise.resolve();
      const run = prev.then(callback, callback);
      tails.set(
        name,
        run.catch(() => {}),
      );
      return run;
    },
  };
}

describe('client: one refresh at a time across tabs', () => {
  it('three tabs refreshing at once all stay signed in, and the server sees no reuse', async () => {
    const server = fakeServer();
    const locks = fakeLocks();
    const tabs = [0, 1, 2].map(() => createSharedRefresh(() => server.refresh(), locks));
    const results = await Promise.all(tabs.flatMap((refresh) => [refresh(), refresh()]));
    expect(results).to.deep.equal([true, true, true, true, true, true]);
    expect(server.revoked).to.equal(false);
  });

  it('within one tab, concurrent callers share one refresh request', async () => {
    const server = fakeServer();
    let requests = 0;
    const refresh = createSharedRefresh(() => (requests++, server.refresh()), fakeLocks());
    expect(await Promise.all([refresh(), refresh(), refresh()])).to.deep.equal([true, true, true]);
    expect(requests).to.equal(1);
  });

  it('without a cross-tab lock the same burst trips reuse detection (what the lock prevents)', async () => {
    const server = fakeServer();
    const tabs = [0, 1, 2].map(() => createSharedRefresh(() => server.refresh(), null));
    const results = await Promise.all(tabs.map((refresh) => refresh()));
    expect(results.filter(Boolean)).to.have.length.below(3);
    expect(server.revoked).to.equal(true);
  });
});
