import { expect } from 'chai';
import { ManualClock } from '../../server/src/clock.js';
import { SUBJECT_CACHE_TTL_MS, createSubjectVersions } from '../../server/src/modules/auth/subjects.js';

/** The per-process token-version cache behind every authenticated request (issue 10 item 1). */
describe('subject token versions (cache)', () => {
  function fixture() {
    const versions = new Map<string, number | null>([['u1', 3]]);
    const loads: string[] = [];
    let release: (() => void) | null = null;
    let hold = false;
    const clock = new ManualClock();
    const subjects = createSubjectVersions(async (id) => {
      loads.push(id);
      const v = versions.get(id) ?? null;
      if (hold) await new Promise<void>((r) => (release = r));
      return v;
    }, clock);
    return { versions, loads, clock, subjects, holdNext: () => (hold = true), release: () => ((hold = false), release?.()) };
  }

  it('reads a cached subject without touching the database until the TTL passes', async () => {
    const f = fixture();
    expect(await f.subjects.current('u1')).to.equal(3);
    for (let i = 0; i < 50; i++) expect(await f.subjects.current('u1')).to.equal(3);
    expect(f.loads).to.deep.equal(['u1']);
    f.versions.set('u1', 4);
    f.clock.advance(SUBJECT_CACHE_TTL_MS);
    expect(await f.subjects.current('u1'), 'after the TTL, another process’s change is seen').to.equal(4);
    expect(f.loads).to.deep.equal(['u1', 'u1']);
  });

  it('sees a change at once after invalidate', async () => {
    const f = fixture();
    await f.subjects.current('u1');
    f.versions.set('u1', null);
    f.subjects.invalidate('u1');
    expect(await f.subjects.current('u1')).to.equal(null);
  });

  it('does not store a value read before an invalidation that happened during the read', async () => {
    const f = fixture();
    f.holdNext();
    const stale = f.subjects.current('u1');
    await Promise.resolve();
    f.versions.set('u1', 9);
    f.subjects.invalidate('u1');
    f.release();
    expect(await stale).to.equal(3);
    expect(await f.subjects.current('u1'), 'the stale read was not cached').to.equal(9);
  });
});
