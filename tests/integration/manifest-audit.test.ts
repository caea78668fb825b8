/**
 * The manifest's hash chain through the API (DESIGN §6.8, RELIABILITY R2, M4): the audit recomputes
 * every hash from the stored events, so a change made in SQL behind the API's back is found at the
 * event that was changed; the events table refuses UPDATE and DELETE.
 */
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import canonicalize from 'canonicalize';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { auth, createRegulator, registerOrg } from '../helpers/actors.js';
import { flyAshDeal, openTrip, walkTrip, type Deal } from '../helpers/manifests.js';
import { verifyChain } from '../../server/src/modules/manifests/chain.js';
import type { TManifest, TManifestAudit } from '../../shared/src/schemas/manifests.js';

/** Runs SQL with the append-only trigger off, as someone with database access could. */
async function behindTheApi(t: TestApp, change: ReturnType<typeof sql>): Promise<void> {
  await t.ctx.db.execute(sql`alter table manifest_events disable trigger manifest_events_append_only`);
  try {
    await t.ctx.db.execute(change);
  } finally {
    await t.ctx.db.execute(sql`alter table manifest_events enable trigger manifest_events_append_only`);
  }
}

describe('manifests: the audit trail', () => {
  let t: TestApp;
  let d: Deal;
  before(async () => {
    t = await createTestApp();
    d = await flyAshDeal(t, { quantityKg: 20_000 });
  });
  after(async () => {
    await t?.close();
  });

  const audit = async (id: string, token = d.generator.token): Promise<TManifestAudit> => {
    const res = await t.request.get(`/api/v1/manifests/${id}/audit`).set(auth(token));
    expect(res.status, res.text).to.equal(200);
    return res.body as TManifestAudit;
  };

  it('every event is chained: the first prevHash is 64 zeros, each hash is sha256(prevHash + JCS(event)), recomputable outside the server', async () => {
    const m = await walkTrip(t, d, await openTrip(t, d, 5_000), { until: 'report_disposal' });
    const a = await audit(m.id);
    expect(a).to.include({ manifestId: m.id, number: m.number, valid: true, projectionValid: true });
    expect(a.brokenAt).to.equal(undefined);
    expect(a.events.map((e) => e.seq)).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
    let prev = '0'.repeat(64);
    for (const e of a.events) {
      expect(e.prevHash).to.equal(prev);
      const canonical = canonicalize({
        v: 1,
        manifestId: m.id,
        seq: e.seq,
        type: e.type,
        at: e.at,
        actorOrgId: e.actorOrgId,
        actorUserId: e.actorUserId,
        data: e.data,
      })!;
      expect(e.hash).to.equal(
        createHash('sha256')
          .update(prev + canonical, 'utf8')
          .digest('hex'),
      );
      prev = e.hash;
    }
    // The same check with the published verifier, on the JSON a regulator downloaded (R2: a copy verifies).
    const copy = JSON.parse(JSON.stringify(a.events)) as TManifestAudit['events'];
    expect(verifyChain(copy.map((e) => ({ ...e, v: 1, manifestId: m.id }))).valid).to.equal(true);
    // Parties, the carrier and regulators in scope read it; a stranger does not.
    await audit(m.id, d.carrier.token);
    await audit(m.id, (await createRegulator(t.request, ['330604'])).token);
    expect(
      (await t.request.get(`/api/v1/manifests/${m.id}/audit`).set(auth((await registerOrg(t.request)).token))).status,
    ).to.equal(404);
  });

  it('the events table refuses UPDATE and DELETE', async () => {
    const m = await openTrip(t, d, 1_000);
    for (const q of [
      sql`update manifest_events set data = '{}'::jsonb where manifest_id = ${m.id}`,
      sql`delete from manifest_events where manifest_id = ${m.id}`,
    ]) {
      let failed: unknown = null;
      try {
        await t.ctx.db.execute(q);
      } catch (err) {
        failed = err;
      }
      expect(String((failed as { cause?: Error })?.cause?.message ?? (failed as Error)?.message), 'refused').to.match(
        /append-only/,
      );
    }
    expect((await audit(m.id)).valid).to.equal(true);
  });

  it('a loaded weight changed in SQL behind the API makes the audit report valid: false at that event', async () => {
    const m = await walkTrip(t, d, await openTrip(t, d, 5_000), { loadedKg: 5_020, until: 'arrive' });
    const loadSeq = m.events.find((e) => e.type === 'load')!.seq;
    expect(loadSeq).to.equal(3);
    await behindTheApi(
      t,
      sql`update manifest_events set data = jsonb_set(data, '{weightKg}', '4200'::jsonb) where manifest_id = ${m.id} and seq = ${loadSeq}`,
    );
    const a = await audit(m.id);
    expect(a).to.include({ valid: false, brokenAt: loadSeq, reason: 'hash' });
    // The stored row still says 5 020 kg; its replay from the tampered events says 4 200.
    expect(a.projectionValid).to.equal(false);
    expect(a.projectionMismatches).to.include('loadedKg');
    const view = (await t.request.get(`/api/v1/manifests/${m.id}`).set(auth(d.generator.token)).expect(200)).body as TManifest;
    expect(view.loadedKg).to.equal(5_020);
  });

  it('an event removed or its time moved is found too; a rehashed event still breaks the next link', async () => {
    const m1 = await walkTrip(t, d, await openTrip(t, d, 1_000), { until: 'depart' });
    await behindTheApi(t, sql`delete from manifest_events where manifest_id = ${m1.id} and seq = 2`);
    expect(await audit(m1.id)).to.include({ valid: false, brokenAt: 3, reason: 'sequence' });

    const m2 = await walkTrip(t, d, await openTrip(t, d, 1_000), { until: 'depart' });
    await behindTheApi(t, sql`update manifest_events set at = at - interval '1 day' where manifest_id = ${m2.id} and seq = 2`);
    expect(await audit(m2.id)).to.include({ valid: false, brokenAt: 2, reason: 'hash' });

    // Someone who also recomputes the edited event's hash: the next event's prevHash no longer matches.
    const m3 = await walkTrip(t, d, await openTrip(t, d, 1_000), { until: 'depart' });
    const before = (await audit(m3.id)).events;
    const edited = { ...before[2]!, data: { ...before[2]!.data, weightKg: 1 } };
    const canonical = canonicalize({
      v: 1,
      manifestId: m3.id,
      seq: edited.seq,
      type: edited.type,
      at: edited.at,
      actorOrgId: edited.actorOrgId,
      actorUserId: edited.actorUserId,
      data: edited.data,
    })!;
    const rehash = createHash('sha256')
      .update(edited.prevHash + canonical, 'utf8')
      .digest('hex');
    await behindTheApi(
      t,
      sql`update manifest_events set data = ${JSON.stringify(edited.data)}::jsonb, hash = ${rehash} where manifest_id = ${m3.id} and seq = 3`,
    );
    expect(await audit(m3.id)).to.include({ valid: false, brokenAt: 4, reason: 'link' });
  });

  it('the manifest row changed in SQL: the chain is intact but the projection no longer matches its events', async () => {
    const m = await walkTrip(t, d, await openTrip(t, d, 2_000));
    await t.ctx.db.execute(sql`update manifests set accepted_kg = 1 where id = ${m.id}`);
    const a = await audit(m.id);
    expect(a.valid).to.equal(true);
    expect(a.projectionValid).to.equal(false);
    expect(a.projectionMismatches).to.deep.equal(['acceptedKg']);
  });
});
