/**
 * The credit feed (DESIGN §7, RELIABILITY J3): GET /credit/feed?after=&limit= lists changes of score
 * or level in order, each with a stable event id and a per-org sequence without gaps, and nothing
 * when a recompute changes nothing. Credit agencies and regulators read it.
 */
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { adminToken, auth, createCreditAgency, createRegulator, registerOrg, type OrgActor } from '../helpers/actors.js';
import { drainJobs } from '../helpers/settlement.js';
import { inTransaction, rows } from '../../server/src/db/tx.js';
import { recordCreditEvent, type CreditEventInput } from '../../server/src/modules/credit/service.js';
import type { TCreditFeedEvent, TCreditFeedPage } from '../../shared/src/schemas/credit.js';

describe('credit feed', () => {
  let t: TestApp;
  let agency: OrgActor;
  let regulator: OrgActor;

  before(async () => {
    t = await createTestApp();
    const admin = await adminToken(t.request);
    agency = await createCreditAgency(t.request, admin);
    regulator = await createRegulator(t.request, ['330603'], admin);
  });
  after(async () => {
    await t?.close();
  });

  const input = (orgId: string, kind: CreditEventInput['kind'], subjectId: string) =>
    inTransaction(t.ctx.db, (tx) =>
      recordCreditEvent(tx, { orgId, kind, subjectType: 'test', subjectId, occurredAt: new Date() }),
    );

  async function page(query: string, who = agency): Promise<TCreditFeedPage> {
    const res = await t.request.get(`/api/v1/credit/feed${query}`).set(auth(who.token));
    expect(res.status, res.text).to.equal(200);
    return res.body as TCreditFeedPage;
  }
  async function all(who = agency): Promise<TCreditFeedEvent[]> {
    const out: TCreditFeedEvent[] = [];
    let after = '0';
    for (;;) {
      const p = await page(`?after=${after}&limit=3`, who);
      out.push(...p.items);
      if (!p.hasMore) {
        expect(p.after).to.equal(out.at(-1)?.position ?? after);
        return out;
      }
      after = p.after;
    }
  }

  it('lists changes in order with a stable event id, a per-org seq from 1 and the previous level', async () => {
    const g = await registerOrg(t.request, { roles: ['generator'] });
    const h = await registerOrg(t.request, { roles: ['recycler'] });
    await input(g.orgId, 'late_pickup', 'a'); // 80 → 78
    await drainJobs(t);
    await input(h.orgId, 'sanction_major', 'b'); // 80 → 55 red
    await drainJobs(t);
    await input(g.orgId, 'sanction_major', 'c'); // 78 → 53 red
    await drainJobs(t);

    const first = await all();
    const mine = first.filter((e) => e.orgId === g.orgId || e.orgId === h.orgId);
    expect(mine.map((e) => [e.orgId, e.seq, e.previousScore, e.score, e.previousLevel, e.level])).to.deep.equal([
      [g.orgId, 1, 80, 78, 'blue', 'blue'],
      [h.orgId, 1, 80, 55, 'blue', 'red'],
      [g.orgId, 2, 78, 53, 'blue', 'red'],
    ]);
    for (const e of mine) {
      expect(e).to.include({ type: 'credit.changed', scoringModel: 'v1', trigger: 'event', levelReason: 'score' });
      expect(e.eventId).to.match(/^[0-9a-f-]{36}$/);
      expect(e.uscc).to.equal(e.orgId === g.orgId ? g.org.uscc : h.org.uscc);
    }
    const positions = first.map((e) => Number(e.position));
    expect(positions).to.deep.equal([...positions].sort((a, b) => a - b));
    // Reading again gives the same events with the same ids.
    expect(await all()).to.deep.equal(first);
    // Paging from the middle continues after it.
    const rest = await page(`?after=${mine[0]!.position}&limit=500`);
    expect(rest.items[0]!.position).to.not.equal(mine[0]!.position);
    expect(rest.items.map((e) => e.eventId)).to.include.members([mine[1]!.eventId, mine[2]!.eventId]);
  });

  it('a recompute that changes neither score nor level adds nothing to the feed', async () => {
    const g = await registerOrg(t.request);
    await input(g.orgId, 'late_pickup', 'x');
    await drainJobs(t);
    const before = (await all()).length;
    await t.ctx.credit.recompute(g.orgId);
    await t.ctx.credit.runNightly();
    await drainJobs(t);
    expect((await all()).length).to.equal(before);
  });

  it('an after at the end returns no items and the same after (poll with it); limit and after are checked', async () => {
    const end = (await page('?limit=500')).after;
    let p = await page('?limit=500');
    while (p.hasMore) p = await page(`?after=${p.after}&limit=500`);
    const last = await page(`?after=${p.after}`);
    expect(last).to.deep.equal({ items: [], after: p.after, hasMore: false });
    expect(end).to.be.a('string');
    for (const q of ['?after=-1', '?after=abc', '?limit=0', '?limit=501', '?cursor=x', '?after=1e3'])
      expect((await t.request.get(`/api/v1/credit/feed${q}`).set(auth(agency.token))).status, q).to.equal(400);
  });

  it('regulators read it too; trading orgs get 403 and anonymous callers 401', async () => {
    expect((await page('?limit=1', regulator)).items.length).to.be.at.most(1);
    const g = await registerOrg(t.request);
    const res = await t.request.get('/api/v1/credit/feed').set(auth(g.token));
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('FORBIDDEN_ROLE');
    expect((await t.request.get('/api/v1/credit/feed')).status).to.equal(401);
  });

  it('concurrent recomputes of many orgs give gap-free per-org sequences and distinct positions', async function () {
    this.timeout(60_000);
    const orgs = await Promise.all(Array.from({ length: 6 }, () => registerOrg(t.request)));
    await Promise.all(
      orgs.flatMap((o, i) => [
        input(o.orgId, 'late_pickup', `p-${i}`),
        input(o.orgId, 'trade_cancelled', `c-${i}`),
        input(o.orgId, 'payment_failed', `f-${i}`),
      ]),
    );
    await Promise.all(orgs.map((o) => t.ctx.credit.recompute(o.orgId)));
    await drainJobs(t);
    const ids = orgs.map((o) => o.orgId);
    const feed = await rows<{ org_id: string; seq: number; id: string }>(
      t.ctx.db,
      sql`select org_id, seq, id from credit_feed where org_id in (${sql.join(
        ids.map((id) => sql`${id}::uuid`),
        sql`, `,
      )}) order by id`,
    );
    for (const o of orgs) {
      const seqs = feed.filter((f) => f.org_id === o.orgId).map((f) => f.seq);
      expect(seqs).to.deep.equal(seqs.map((_, i) => i + 1));
      expect(seqs.length).to.be.at.least(1);
    }
    expect(new Set(feed.map((f) => f.id)).size).to.equal(feed.length);
    // Every org ends at 80 − 2 − 3 − 3 = 72.
    const latest = await rows<{ org_id: string; score: number }>(
      t.ctx.db,
      sql`select distinct on (org_id) org_id, score from credit_scores where org_id in (${sql.join(
        ids.map((id) => sql`${id}::uuid`),
        sql`, `,
      )}) order by org_id, seq desc`,
    );
    expect(latest.map((l) => l.score)).to.deep.equal(ids.map(() => 72));
  });
});
