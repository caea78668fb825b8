import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { adminToken, auth, createRegulator } from '../helpers/actors.js';
import { clientToken, registerClient, tokenRequest } from '../helpers/clients.js';
import { bid, createGenerator, createListing, createRecycler, flyAshListing } from '../helpers/trading.js';
import { flyAshDeal, openTrip } from '../helpers/manifests.js';
import { rows } from '../../server/src/db/tx.js';
import { ManualClock } from '../../server/src/clock.js';

describe('machine clients, topic feeds and inbound changes (issue 14)', () => {
  let t: TestApp;
  let admin: string;
  const clock = new ManualClock();
  before(async () => {
    t = await createTestApp({ clock });
    admin = await adminToken(t.request);
  });
  after(async () => {
    await t?.close();
  });

  describe('client credentials (RFC 6749 §4.4)', () => {
    it('the secret is shown once: registering answers it, the list never does', async () => {
      const c = await registerClient(t.request, ['feeds:read:trades'], admin);
      expect(c.secret).to.match(/^zwxs_[A-Za-z0-9_-]{43}$/);
      const list = await t.request.get('/api/v1/admin/clients').set(auth(admin)).expect(200);
      const listed = list.body.items.find((x: { id: string }) => x.id === c.id);
      expect(listed).to.include({ name: 'system feeds:read:trades' });
      expect(JSON.stringify(list.body)).not.to.include(c.secret);
      const [stored] = await rows<{ secret_hash: string }>(t.ctx.db, sql`select secret_hash from api_clients where id = ${c.id}`);
      expect(stored!.secret_hash)
        .to.match(/^[0-9a-f]{64}$/)
        .and.not.include(c.secret);
    });

    it('a token by HTTP Basic with a form body, and by JSON body credentials', async () => {
      const c = await registerClient(t.request, ['feeds:read:trades', 'feeds:read:alerts'], admin);
      const basic = await tokenRequest(t.request, c.id, c.secret, { scope: 'feeds:read:alerts' });
      expect(basic.status, basic.text).to.equal(200);
      expect(basic.headers['cache-control']).to.equal('no-store');
      expect(basic.body).to.include({ token_type: 'Bearer', expires_in: 300, scope: 'feeds:read:alerts' });
      const json = await t.request
        .post('/api/v1/oauth/token')
        .send({ grant_type: 'client_credentials', client_id: c.id, client_secret: c.secret });
      expect(json.status, json.text).to.equal(200);
      expect(json.body.scope).to.equal('feeds:read:trades feeds:read:alerts');
    });

    it('an unknown client or a wrong secret is 401 invalid_client', async () => {
      const c = await registerClient(t.request, ['feeds:read:trades'], admin);
      const wrong = await tokenRequest(t.request, c.id, `${c.secret}x`);
      expect(wrong.status).to.equal(401);
      expect(wrong.body).to.include({ error: 'invalid_client' });
      expect(wrong.headers['www-authenticate']).to.match(/^Basic /);
      const unknown = await tokenRequest(t.request, '6f1c1c1e-0000-4000-8000-000000000000', c.secret);
      expect(unknown.status).to.equal(401);
      expect(unknown.body).to.include({ error: 'invalid_client' });
      const notUuid = await t.request
        .post('/api/v1/oauth/token')
        .type('form')
        .send({ grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x' });
      expect(notUuid.status).to.equal(401);
      expect(notUuid.body.error).to.equal('invalid_client');
    });

    it('another grant type is 400 unsupported_grant_type; a scope not granted is 400 invalid_scope', async () => {
      const c = await registerClient(t.request, ['feeds:read:trades'], admin);
      const grant = await tokenRequest(t.request, c.id, c.secret, { grant_type: 'password' });
      expect(grant.status).to.equal(400);
      expect(grant.body.error).to.equal('unsupported_grant_type');
      const scope = await tokenRequest(t.request, c.id, c.secret, { scope: 'feeds:read:credit' });
      expect(scope.status).to.equal(400);
      expect(scope.body.error).to.equal('invalid_scope');
    });

    it('a revoked client gets no token, and the token it holds stops working', async () => {
      const c = await registerClient(t.request, ['feeds:read:trades'], admin);
      const token = await clientToken(t.request, c);
      await t.request.get('/api/v1/feeds/trades').set(auth(token)).expect(200);
      const revoked = await t.request.post(`/api/v1/admin/clients/${c.id}/revoke`).set(auth(admin)).send({});
      expect(revoked.status, revoked.text).to.equal(200);
      expect(revoked.body.revokedAt).to.be.a('string');
      const again = await tokenRequest(t.request, c.id, c.secret);
      expect(again.status).to.equal(401);
      expect(again.body.error).to.equal('invalid_client');
      const read = await t.request.get('/api/v1/feeds/trades').set(auth(token));
      expect(read.status).to.equal(401);
      expect(read.body.error.code).to.equal('UNAUTHENTICATED');
      const audit = await rows(t.ctx.db, sql`select 1 from audit_log where action = 'client.revoke' and subject_id = ${c.id}`);
      expect(audit).to.have.length(1);
    });

    it('a rotated secret works at once; the old one works until the overlap ends, then not', async () => {
      const c = await registerClient(t.request, ['feeds:read:trades'], admin);
      const rotated = await t.request.post(`/api/v1/admin/clients/${c.id}/rotate`).set(auth(admin)).send({ overlapSeconds: 600 });
      expect(rotated.status, rotated.text).to.equal(200);
      const fresh = rotated.body.clientSecret as string;
      expect(fresh).to.not.equal(c.secret);
      expect((await tokenRequest(t.request, c.id, fresh)).status).to.equal(200);
      expect((await tokenRequest(t.request, c.id, c.secret)).status, 'old secret within the overlap').to.equal(200);
      clock.advance(601_000);
      const old = await tokenRequest(t.request, c.id, c.secret);
      expect(old.status, 'old secret after the overlap').to.equal(401);
      expect(old.body.error).to.equal('invalid_client');
      expect((await tokenRequest(t.request, c.id, fresh)).status).to.equal(200);
    });

    it('a user token on a client route is 403 FORBIDDEN_ROLE; a client token on a user route is 403', async () => {
      const c = await registerClient(t.request, ['feeds:read:trades'], admin);
      const token = await clientToken(t.request, c);
      const asUser = await t.request.get('/api/v1/feeds/trades').set(auth(admin));
      expect(asUser.status).to.equal(403);
      expect(asUser.body.error.code).to.equal('FORBIDDEN_ROLE');
      const onUserRoute = await t.request.get('/api/v1/admin/clients').set(auth(token));
      expect(onUserRoute.status).to.equal(403);
      expect(onUserRoute.body.error.code).to.equal('FORBIDDEN_ROLE');
    });
  });

  describe('topic feeds', () => {
    it('a token with feeds:read:manifests reads manifests but not credit (403); no token is 401', async () => {
      const c = await registerClient(t.request, ['feeds:read:manifests'], admin);
      const token = await clientToken(t.request, c);
      const deal = await flyAshDeal(t);
      const manifest = await openTrip(t, deal, 20_000);
      const page = await t.request.get('/api/v1/feeds/manifests?limit=500').set(auth(token));
      expect(page.status, page.text).to.equal(200);
      const mine = page.body.items.filter((e: { subjectId: string }) => e.subjectId === manifest.id);
      expect(mine.length).to.be.greaterThan(0);
      expect(mine[0]).to.include({
        topic: 'manifests',
        type: 'manifest.updated',
        schemaVersion: 1,
        seq: 1,
        subjectType: 'manifest',
      });
      expect(mine[0].data).to.include({ manifestId: manifest.id, tradeId: deal.trade.id });
      const credit = await t.request.get('/api/v1/feeds/credit').set(auth(token));
      expect(credit.status).to.equal(403);
      expect(credit.body.error.code).to.equal('INSUFFICIENT_SCOPE');
      const anonymous = await t.request.get('/api/v1/feeds/manifests');
      expect(anonymous.status).to.equal(401);
    });

    it('the cursor pages through a topic in order, each event once, with a gap-free seq per subject', async () => {
      const c = await registerClient(t.request, ['feeds:read:trades'], admin);
      const token = await clientToken(t.request, c);
      await flyAshDeal(t);
      const seen: { eventId: string; position: string; subjectId: string; seq: number }[] = [];
      let after = '0';
      for (;;) {
        const res = await t.request.get(`/api/v1/feeds/trades?after=${after}&limit=2`).set(auth(token));
        expect(res.status, res.text).to.equal(200);
        seen.push(...res.body.items);
        after = res.body.after;
        if (!res.body.hasMore) break;
      }
      expect(seen.length).to.be.greaterThan(1);
      expect(new Set(seen.map((e) => e.eventId)).size).to.equal(seen.length);
      const positions = seen.map((e) => Number(e.position));
      expect(positions).to.deep.equal([...positions].sort((a, b) => a - b));
      const bySubject = new Map<string, number[]>();
      for (const e of seen) bySubject.set(e.subjectId, [...(bySubject.get(e.subjectId) ?? []), e.seq]);
      for (const seqs of bySubject.values()) expect(seqs).to.deep.equal(seqs.map((_, i) => i + 1));
      const empty = await t.request.get(`/api/v1/feeds/trades?after=${after}`).set(auth(token));
      expect(empty.body).to.deep.equal({ items: [], after, hasMore: false });
    });

    it('the credit topic is the credit feed under the same envelope', async () => {
      const c = await registerClient(t.request, ['feeds:read:credit'], admin);
      const token = await clientToken(t.request, c);
      const res = await t.request.get('/api/v1/feeds/credit').set(auth(token));
      expect(res.status, res.text).to.equal(200);
      const legacy = await rows<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from credit_feed`);
      expect(res.body.items.length).to.equal(Math.min(legacy[0]!.n, 100));
      for (const e of res.body.items) expect(e).to.include({ topic: 'credit', type: 'credit.changed', subjectType: 'org' });
    });
  });

  describe('inbound changes (the government system)', () => {
    const licenceChange = (uscc: string, status: string, sourceId: string) => ({
      sourceId,
      uscc,
      kind: 'disposal',
      wasteCodes: ['HW18', '772-002-18'],
      annualCapacityKg: 10_000_000,
      validFrom: '2020-01-01',
      validTo: '2099-12-31',
      status,
    });

    it('a licence suspended through the inbound API: the holder’s next hazardous bid fails LICENCE_SUSPENDED', async () => {
      const c = await registerClient(t.request, ['licences:write', 'feeds:read:licences'], admin);
      const token = await clientToken(t.request, c);
      const g = await createGenerator(t.request);
      const r = await createRecycler(t.request, { admin, licence: { number: 'ZJ-INBOUND-1' } });
      const res = await t.request
        .put('/api/v1/inbound/licences/ZJ-INBOUND-1')
        .set(auth(token))
        .send(licenceChange(r.org.uscc, 'suspended', 'gov-licence-1'));
      expect(res.status, res.text).to.equal(200);
      expect(res.body).to.deep.include({ sourceId: 'gov-licence-1', replayed: false });
      expect(res.body.result.licence).to.include({ id: r.licenceId, status: 'suspended' });
      const l = await createListing(t.request, g, flyAshListing());
      const refused = await bid(t.request, r, l.id, { pricePerTonneFen: -185_000, quantityKg: 5_000 });
      expect(refused.status).to.equal(403);
      expect(refused.body.error.code).to.equal('LICENCE_SUSPENDED');
      const audit = await rows<{ actor_client_id: string; actor_user_id: string | null }>(
        t.ctx.db,
        sql`select actor_client_id, actor_user_id from audit_log where action = 'licence.inbound_update' and subject_id = ${r.licenceId}`,
      );
      expect(audit).to.deep.equal([{ actor_client_id: c.id, actor_user_id: null }]);
      const feed = await t.request.get('/api/v1/feeds/licences?limit=500').set(auth(token));
      const events = feed.body.items.filter((e: { subjectId: string }) => e.subjectId === r.licenceId);
      expect(events.at(-1).data).to.include({ status: 'suspended', decision: 'suspend', source: 'inbound' });
    });

    it('the same inbound change sent twice applies once; its source id with another change is 409', async () => {
      const c = await registerClient(t.request, ['licences:write'], admin);
      const token = await clientToken(t.request, c);
      const r = await createRecycler(t.request, { licence: null });
      const body = licenceChange(r.org.uscc, 'approved', 'gov-licence-2');
      const first = await t.request.put('/api/v1/inbound/licences/ZJ-NEW-2').set(auth(token)).send(body);
      expect(first.status, first.text).to.equal(200);
      expect(first.body.result.created).to.equal(true);
      const second = await t.request.put('/api/v1/inbound/licences/ZJ-NEW-2').set(auth(token)).send(body);
      expect(second.status).to.equal(200);
      expect(second.body.replayed).to.equal(true);
      expect(second.body.result).to.deep.equal(first.body.result);
      const licences = await rows(t.ctx.db, sql`select 1 from licences where org_id = ${r.orgId}`);
      expect(licences).to.have.length(1);
      const audit = await rows(
        t.ctx.db,
        sql`select 1 from audit_log where action like 'licence.inbound%' and details->>'sourceId' = 'gov-licence-2'`,
      );
      expect(audit).to.have.length(1);
      const other = await t.request
        .put('/api/v1/inbound/licences/ZJ-NEW-2')
        .set(auth(token))
        .send({ ...body, status: 'revoked' });
      expect(other.status).to.equal(409);
      expect(other.body.error.code).to.equal('IDEMPOTENCY_MISMATCH');
    });

    it('without licences:write the inbound licence route is 403 INSUFFICIENT_SCOPE and changes nothing', async () => {
      const c = await registerClient(t.request, ['feeds:read:trades'], admin);
      const token = await clientToken(t.request, c);
      const r = await createRecycler(t.request, { admin, licence: { number: 'ZJ-NOSCOPE' } });
      const res = await t.request
        .put('/api/v1/inbound/licences/ZJ-NOSCOPE')
        .set(auth(token))
        .send(licenceChange(r.org.uscc, 'revoked', 'gov-x'));
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal('INSUFFICIENT_SCOPE');
      const [l] = await rows<{ status: string }>(t.ctx.db, sql`select status from licences where id = ${r.licenceId}`);
      expect(l!.status).to.equal('approved');
    });

    it('a sanction recorded through the inbound API counts as the regulator’s, once per source id', async () => {
      const regulator = await createRegulator(t.request, 'city', admin);
      const noOrg = await t.request
        .post('/api/v1/admin/clients')
        .set(auth(admin))
        .send({ name: 'gov', scopes: ['sanctions:write'] });
      expect(noOrg.status).to.equal(400);
      expect(noOrg.body.error.details.fields[0].path).to.equal('orgId');
      const c = await registerClient(t.request, ['sanctions:write'], admin, regulator.orgId);
      const token = await clientToken(t.request, c);
      const g = await createGenerator(t.request);
      const body = {
        sourceId: 'gov-sanction-1',
        uscc: g.org.uscc,
        severity: 'major',
        kind: 'fine',
        reason: '非法转移危险废物',
        decidedAt: new Date(Date.now() - 60_000).toISOString(),
      };
      const first = await t.request.post('/api/v1/inbound/sanctions').set(auth(token)).send(body);
      expect(first.status, first.text).to.equal(200);
      expect(first.body.result.sanction).to.include({ orgId: g.orgId, severity: 'major', decidedByOrgId: regulator.orgId });
      expect((await t.request.post('/api/v1/inbound/sanctions').set(auth(token)).send(body)).body.replayed).to.equal(true);
      const stored = await rows<{ decided_by_client: string; decided_by_user: string | null }>(
        t.ctx.db,
        sql`select decided_by_client, decided_by_user from sanctions where org_id = ${g.orgId}`,
      );
      expect(stored).to.deep.equal([{ decided_by_client: c.id, decided_by_user: null }]);
      const credit = await rows(t.ctx.db, sql`select 1 from credit_events where org_id = ${g.orgId} and kind = 'sanction_major'`);
      expect(credit).to.have.length(1);
      const listed = await t.request.get(`/api/v1/regulator/sanctions?orgId=${g.orgId}`).set(auth(regulator.token)).expect(200);
      expect(listed.body.items).to.have.length(1);
    });

    it('the national number set through the inbound API is an event on the trip’s chain, which still verifies', async () => {
      const c = await registerClient(t.request, ['manifests:write-official', 'feeds:read:manifests'], admin);
      const token = await clientToken(t.request, c);
      const deal = await flyAshDeal(t);
      const manifest = await openTrip(t, deal, 20_000);
      const body = { sourceId: `official-${manifest.id}`, officialNumber: '3306002026120600042' };
      const res = await t.request.put(`/api/v1/inbound/manifests/${manifest.id}/official-number`).set(auth(token)).send(body);
      expect(res.status, res.text).to.equal(200);
      expect(res.body.result).to.include({ manifestId: manifest.id, officialNumber: body.officialNumber, changed: true });
      const again = await t.request.put(`/api/v1/inbound/manifests/${manifest.id}/official-number`).set(auth(token)).send(body);
      expect(again.body.replayed).to.equal(true);
      const read = await t.request.get(`/api/v1/manifests/${manifest.id}`).set(auth(deal.generator.token)).expect(200);
      expect(read.body.officialNumber).to.equal(body.officialNumber);
      const official = read.body.events.filter((e: { type: string }) => e.type === 'official_number');
      expect(official).to.have.length(1);
      expect(official[0].data).to.include({ officialNumber: body.officialNumber, clientId: c.id });
      const audit = await t.request.get(`/api/v1/manifests/${manifest.id}/audit`).set(auth(deal.generator.token));
      expect(audit.status, audit.text).to.equal(200);
      expect(audit.body).to.include({ valid: true, projectionValid: true });
      const feed = await t.request.get('/api/v1/feeds/manifests?limit=500').set(auth(token));
      const mine = feed.body.items.filter((e: { subjectId: string }) => e.subjectId === manifest.id);
      expect(mine.at(-1).data).to.include({ event: 'official_number' });
      const noScope = await t.request
        .put(`/api/v1/inbound/manifests/${manifest.id}/official-number`)
        .set(auth(await clientToken(t.request, await registerClient(t.request, ['feeds:read:manifests'], admin))))
        .send({ ...body, sourceId: 'x' });
      expect(noScope.status).to.equal(403);
    });

    it('the enterprise registry marks an org’s USCC verified, once, audited with the client', async () => {
      const c = await registerClient(t.request, ['orgs:verify'], admin);
      const token = await clientToken(t.request, c);
      const g = await createGenerator(t.request);
      const send = () =>
        t.request
          .post(`/api/v1/inbound/orgs/${g.orgId}/uscc-verification`)
          .set(auth(token))
          .send({ sourceId: `registry-${g.orgId}`, uscc: g.org.uscc });
      const first = await send();
      expect(first.status, first.text).to.equal(200);
      expect((await send()).body.replayed).to.equal(true);
      const [org] = await rows<{ uscc_verified_by: string }>(
        t.ctx.db,
        sql`select uscc_verified_by from orgs where id = ${g.orgId}`,
      );
      expect(org!.uscc_verified_by).to.equal(c.id);
      const audit = await rows(
        t.ctx.db,
        sql`select 1 from audit_log where action = 'org.uscc_verified' and subject_id = ${g.orgId}`,
      );
      expect(audit).to.have.length(1);
      const wrong = await t.request
        .post(`/api/v1/inbound/orgs/${g.orgId}/uscc-verification`)
        .set(auth(token))
        .send({ sourceId: 'registry-wrong', uscc: '91330000000000000X' });
      expect(wrong.status).to.equal(400);
    });
  });
});
