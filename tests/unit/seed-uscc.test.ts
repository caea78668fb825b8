/**
 * The demo seed (scripts/seed/demo.ts) writes organisations straight through the services, past the
 * API's USCC check, so a bad code there reaches the org page, the manifest and its PDF unchecked
 * (issue 12 item 7: the cement kiln printed as `91330681MA2D0Z007null`). Every code it writes must
 * pass the same check the API applies (DESIGN §6.4, shared/src/uscc.ts).
 */
import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { DEMO_ORGS, demoUscc, seedDemo } from '../../scripts/seed/demo.js';
import { auditLog, orgs } from '../../server/src/db/schema.js';
import { usccProblem } from '../../shared/src/uscc.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

/** Every organisation in the database with what is wrong with its USCC (null when valid). */
async function usccProblems(t: TestApp): Promise<{ name: string; uscc: string; problem: string | null }[]> {
  const all = await t.ctx.db.select({ name: orgs.name, uscc: orgs.uscc }).from(orgs);
  return all.map((o) => ({ ...o, problem: usccProblem(o.uscc) }));
}

describe('demo seed: every USCC it writes passes the GB 32100 check', () => {
  let t: TestApp;
  before(async function () {
    this.timeout(120_000);
    t = await createTestApp();
    await seedDemo(t.ctx);
  });
  after(async () => {
    await t?.close();
  });

  it('every seeded organisation has a valid 18-character USCC with its check character', async () => {
    const found = await usccProblems(t);
    expect(found.length, 'the seed created its organisations').to.be.at.least(15);
    expect(found.filter((o) => o.problem !== null)).to.deep.equal([]);
    for (const o of found) expect(o.uscc).to.not.contain('null');
  });

  it('the cement kiln in Zhuji is seeded under a valid code in its district (330681)', async () => {
    const [kiln] = await t.ctx.db.select().from(orgs).where(eq(orgs.name, '诸暨市水泥窑协同处置有限公司'));
    expect(kiln, 'the cement kiln is seeded').to.not.equal(undefined);
    expect(kiln!.uscc).to.match(/^91330681[0-9A-HJ-NPQRTUWXY]{10}$/);
    expect(usccProblem(kiln!.uscc)).to.equal(null);
  });

  it('on a database seeded before the fix, the broken demo code is corrected in place and audited', async function () {
    this.timeout(60_000);
    const [kiln] = await t.ctx.db.select().from(orgs).where(eq(orgs.name, '诸暨市水泥窑协同处置有限公司'));
    const valid = kiln!.uscc;
    // What the old seed stored: the first 17 characters and the string "null" for the check character.
    await t.ctx.db.update(orgs).set({ uscc: '91330681MA2D0Z007null' }).where(eq(orgs.id, kiln!.id));

    await seedDemo(t.ctx);

    const [after] = await t.ctx.db.select().from(orgs).where(eq(orgs.id, kiln!.id));
    expect(after!.uscc).to.equal(valid);
    expect((await usccProblems(t)).filter((o) => o.problem !== null)).to.deep.equal([]);
    const audit = await t.ctx.db.select().from(auditLog).where(eq(auditLog.subjectId, kiln!.id));
    const fix = audit.find((a) => a.action === 'org.uscc_correct');
    expect(fix, 'an audit row records the correction').to.not.equal(undefined);
    expect(fix!.details).to.deep.include({ from: '91330681MA2D0Z007null', to: valid });
    const kilns = await t.ctx.db.select({ id: orgs.id }).from(orgs).where(eq(orgs.name, kiln!.name));
    expect(kilns, 'no second kiln was created').to.deep.equal([{ id: kiln!.id }]);
  });

  it('an org code with a letter outside the charset (I, O, S, V, Z) stops the seed instead of printing "null"', () => {
    expect(() => demoUscc('330681', 'MA2D0Z007')).to.throw(/MA2D0Z007/);
    expect(() => demoUscc('330683', 'MA2D0S003')).to.throw(/MA2D0S003/);
    for (const o of DEMO_ORGS) expect(usccProblem(demoUscc(o.district, o.orgCode)), o.name).to.equal(null);
  });
});
