import { expect } from 'chai';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { sql } from 'drizzle-orm';
import { io as ioClient, type Socket as ClientSocket } from 'socket.io-client';
import type { AppContext } from '../../server/src/context.js';
import { signAccessToken } from '../../server/src/modules/auth/tokens.js';
import type { UserActor } from '../../server/src/http/actor.js';
import { publishEvent, regulatorRooms } from '../../server/src/realtime/publish.js';
import { attachRealtime, type RealtimeServer } from '../../server/src/realtime/server.js';
import { createRedisBroadcaster } from '../../server/src/realtime/redis-broadcaster.js';
import { inTransaction } from '../../server/src/db/tx.js';
import type {
  ClientToServerEvents,
  RealtimeEvent,
  RealtimeEventData,
  RealtimeEventName,
  ServerToClientEvents,
  SubscribeAck,
} from '../../shared/src/realtime.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { requireRedis } from '../helpers/services.js';
import { sleep, waitFor } from '../helpers/wait.js';

type Client = ClientSocket<ServerToClientEvents, ClientToServerEvents>;

const clients: Client[] = [];

function open(url: string, token?: string): Client {
  const c: Client = ioClient(url, {
    path: '/socket.io',
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(token !== undefined ? { auth: { token } } : {}),
  });
  clients.push(c);
  return c;
}

/** Connects, or rejects with the server's connect_error. */
async function connect(url: string, tokenOrPending?: string | Promise<string>): Promise<Client> {
  const c = open(url, await tokenOrPending);
  return new Promise((resolve, reject) => {
    c.once('connect', () => resolve(c));
    c.once('connect_error', (err) => reject(err));
  });
}

function connectError(
  url: string,
  token?: string | Promise<string>,
): Promise<Error & { data?: { code: string; message: string } }> {
  return connect(url, token).then(
    () => {
      throw new Error('connected, but the server should have refused');
    },
    (err) => err,
  );
}

/** Everything a client receives, in order. */
function record(c: Client): RealtimeEvent[] {
  const got: RealtimeEvent[] = [];
  c.onAny((_event, payload) => got.push(payload as RealtimeEvent));
  return got;
}

function subscribe(c: Client, request: unknown): Promise<SubscribeAck> {
  return (c.timeout(3000) as unknown as { emitWithAck(ev: string, r: unknown): Promise<SubscribeAck> }).emitWithAck(
    'subscribe',
    request,
  );
}

/**
 * A token for an actor of the test's choosing (any org, roles and scope): the server checks that
 * the subject exists (issue 10), so the user row is made first, in the database of the app whose
 * key signs the token.
 */
async function tokenFor(app: TestApp, a: UserActor, ttl?: number): Promise<string> {
  await app.ctx.db.execute(
    sql`insert into users (id, email, password_hash, name, org_role) values (${a.userId}, ${`${a.userId}@realtime.test`}, 'not-a-hash', 'Realtime', 'owner') on conflict do nothing`,
  );
  return signAccessToken(app.ctx.config.JWT_SECRET, a, ttl);
}

function actor(overrides: Partial<UserActor> = {}): UserActor {
  return { userId: randomUUID(), orgId: randomUUID(), roles: ['generator'], orgRole: 'owner', scope: null, ...overrides };
}

async function publish<E extends RealtimeEventName>(ctx: AppContext, rooms: string[], type: E, data: RealtimeEventData[E]) {
  await inTransaction(ctx.db, (tx) => publishEvent(tx, rooms, type, data));
}

describe('realtime (socket.io)', function () {
  this.timeout(30_000);
  let t: TestApp;
  let url: string;
  let secret: string;
  const token = (a: UserActor, ttl?: number) => tokenFor(t, a, ttl);

  before(async () => {
    t = await createTestApp({ listen: true });
    url = t.server!.url;
    secret = t.ctx.config.JWT_SECRET;
  });

  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
  });

  after(async () => {
    await t?.close();
  });

  describe('handshake', () => {
    it('refuses a socket without a token', async () => {
      const err = await connectError(url);
      expect(err.message).to.equal('UNAUTHENTICATED');
      expect(err.data?.code).to.equal('UNAUTHENTICATED');
    });

    it('refuses a token signed with another secret', async () => {
      const a = actor();
      const err = await connectError(url, signAccessToken('another-secret-another-secret-another-0', a));
      expect(err.message).to.equal('UNAUTHENTICATED');
    });

    it('refuses an expired token', async () => {
      const a = actor();
      const expired = jwt.sign({ org: a.orgId, roles: a.roles, orole: a.orgRole, scope: null }, secret, {
        algorithm: 'HS256',
        issuer: 'zero-waste-exchange',
        audience: 'zwx-api',
        subject: a.userId,
        expiresIn: -60,
      });
      const err = await connectError(url, expired);
      expect(err.message).to.equal('UNAUTHENTICATED');
    });

    it('refuses an unsigned (alg: none) token', async () => {
      const a = actor();
      const unsigned = jwt.sign(
        { org: a.orgId, roles: ['regulator'], scope: 'city', iss: 'zero-waste-exchange', aud: 'zwx-api', sub: a.userId },
        '',
        {
          algorithm: 'none',
        },
      );
      const err = await connectError(url, unsigned);
      expect(err.message).to.equal('UNAUTHENTICATED');
    });
  });

  describe('rooms and events', () => {
    it('puts a socket in its org room, where it receives events published through the outbox with their seq', async () => {
      const mine = actor();
      const other = actor();
      const a = await connect(url, token(mine));
      const b = await connect(url, token(other));
      const gotA = record(a);
      const gotB = record(b);
      const tradeId = randomUUID();
      await publish(t.ctx, [`org:${mine.orgId}`], 'trade.created', { tradeId, status: 'awaiting_payment' });
      await publish(t.ctx, [`org:${mine.orgId}`], 'trade.updated', { tradeId, status: 'funded' });
      await waitFor(() => gotA.length >= 2, { what: 'two events' });
      expect(gotA.map((e) => [e.type, e.seq, e.room])).to.deep.equal([
        ['trade.created', 1, `org:${mine.orgId}`],
        ['trade.updated', 2, `org:${mine.orgId}`],
      ]);
      expect(gotA[1]).to.include({ tradeId, status: 'funded' });
      expect(new Date(gotA[1]!.at).toISOString()).to.equal(gotA[1]!.at);
      await sleep(100);
      expect(gotB).to.deep.equal([]);
    });

    it('puts a regulator in the rooms of its scope only', async () => {
      const district = await connect(url, token(actor({ roles: ['regulator'], scope: ['330602'] })));
      const city = await connect(url, token(actor({ roles: ['regulator'], scope: 'city' })));
      const gotDistrict = record(district);
      const gotCity = record(city);
      const alertA = randomUUID();
      const alertB = randomUUID();
      await publish(t.ctx, regulatorRooms('330602'), 'alert.raised', { alertId: alertA, kind: 'weight_gap', district: '330602' });
      await publish(t.ctx, regulatorRooms('330603'), 'alert.raised', { alertId: alertB, kind: 'weight_gap', district: '330603' });
      await waitFor(() => gotCity.length >= 2 && gotDistrict.length >= 1, { what: 'alerts' });
      await sleep(100);
      expect(gotDistrict.map((e) => e.alertId)).to.deep.equal([alertA]);
      expect(gotDistrict[0]!.room).to.equal('regulator:330602');
      // Delivery order across two commits is not promised (jobs may publish concurrently); the room's
      // seq is, and a client orders and gap-checks by it.
      const bySeq = [...gotCity].sort((x, y) => x.seq - y.seq);
      expect(bySeq.map((e) => e.alertId)).to.deep.equal([alertA, alertB]);
      expect(bySeq[1]!.seq).to.equal(bySeq[0]!.seq + 1);
      expect(gotCity.every((e) => e.room === 'regulator:city')).to.equal(true);
    });

    it('joins a listing room, a market room and the public listings feed on subscribe', async () => {
      const c = await connect(url, token(actor()));
      const got = record(c);
      const listingId = randomUUID();
      expect(await subscribe(c, { listingId })).to.deep.equal({ ok: true, room: `listing:${listingId}` });
      expect(await subscribe(c, { market: 'PA01' })).to.deep.equal({ ok: true, room: 'market:PA01' });
      expect(await subscribe(c, { room: 'public:listings' })).to.deep.equal({ ok: true, room: 'public:listings' });
      await publish(t.ctx, [`listing:${listingId}`], 'bid.placed', { listingId, bidCount: 1 });
      await publish(t.ctx, ['market:PA01'], 'market.trade', { market: 'PA01', pricePerTonneFen: 120000, quantityKg: 5000 });
      await publish(t.ctx, ['market:XX99'], 'market.trade', { market: 'XX99', pricePerTonneFen: 1, quantityKg: 1 });
      await waitFor(() => got.length >= 2, { what: 'the subscribed events' });
      await sleep(100);
      expect(got.map((e) => e.room)).to.have.members([`listing:${listingId}`, 'market:PA01']);
      const ack = await (
        c.timeout(3000) as unknown as { emitWithAck(ev: string, r: unknown): Promise<SubscribeAck> }
      ).emitWithAck('unsubscribe', { listingId });
      expect(ack).to.deep.equal({ ok: true, room: `listing:${listingId}` });
      await publish(t.ctx, [`listing:${listingId}`], 'bid.placed', { listingId, bidCount: 2 });
      await sleep(300);
      expect(got.filter((e) => e.room === `listing:${listingId}`)).to.have.length(1);
    });

    it('answers a malformed subscribe with an error ack and keeps the socket and the server up', async () => {
      const c = await connect(url, token(actor()));
      for (const bad of [
        { listingId: 'not-a-uuid' },
        { market: 'drop table;' },
        { room: 'org:someone-else' },
        { listingId: randomUUID(), extra: 1 },
        'x',
        null,
        42,
      ]) {
        const ack = await subscribe(c, bad);
        expect(ack.ok, JSON.stringify(bad)).to.equal(false);
        expect(ack.error?.code).to.equal('VALIDATION_FAILED');
      }
      expect(c.connected).to.equal(true);
      expect(await subscribe(c, { room: 'public:listings' })).to.deep.equal({ ok: true, room: 'public:listings' });
    });

    it('closes a socket that sends frames outside the protocol, and only that socket', async () => {
      const bystander = await connect(url, token(actor()));
      const rogue1 = await connect(url, token(actor()));
      const rogue2 = await connect(url, token(actor()));
      const rogue3 = await connect(url, token(actor()));
      const closed = (c: Client) => new Promise<string>((resolve) => c.once('disconnect', (reason) => resolve(reason)));
      const r1 = closed(rogue1);
      const r2 = closed(rogue2);
      const r3 = closed(rogue3);
      (rogue1 as unknown as { emit(ev: string, p: unknown): void }).emit('join', { room: 'regulator:city' });
      (rogue2 as unknown as { emit(ev: string, p: unknown): void }).emit('subscribe', { room: 'public:listings' }); // no ack
      // A socket.io EVENT packet whose JSON does not parse.
      (rogue3.io as unknown as { engine: { write(data: string): void } }).engine.write('2["subscribe",{');
      expect(await r1).to.equal('io server disconnect');
      expect(await r2).to.equal('io server disconnect');
      expect(await r3).to.be.a('string');
      expect(bystander.connected).to.equal(true);
      expect(await subscribe(bystander, { room: 'public:listings' })).to.include({ ok: true });
      const fresh = await connect(url, token(actor()));
      expect(fresh.connected).to.equal(true);
    });

    it('drops a socket when its access token expires, and keeps one whose token was renewed', async () => {
      const a = actor();
      const c = await connect(url, token(a, 2));
      const renewed = await connect(url, token(a, 2));
      const reauth = await (
        renewed.timeout(3000) as unknown as { emitWithAck(ev: string, r: unknown): Promise<{ ok: boolean }> }
      ).emitWithAck('reauth', { token: await token(a, 60) });
      expect(reauth.ok).to.equal(true);
      const stranger = await (
        renewed.timeout(3000) as unknown as { emitWithAck(ev: string, r: unknown): Promise<{ ok: boolean }> }
      ).emitWithAck('reauth', { token: await token(actor(), 60) });
      expect(stranger.ok, 'a token of another user is refused').to.equal(false);
      let expiredNotice = false;
      c.on('session.expired', () => (expiredNotice = true));
      const reason = await new Promise<string>((resolve) => c.once('disconnect', (r) => resolve(r)));
      expect(reason).to.equal('io server disconnect');
      expect(expiredNotice).to.equal(true);
      await sleep(300);
      expect(renewed.connected).to.equal(true);
    });
  });

  describe('with Redis: several API processes', function () {
    let r: TestApp;
    let second: { server: http.Server; realtime: RealtimeServer; url: string } | null = null;

    before(async function () {
      requireRedis(this);
      r = await createTestApp({ listen: true, useRedis: true });
      // A second API process: its own HTTP and socket.io server on the same Redis.
      const server = http.createServer();
      const realtime = await attachRealtime(server, { ...r.ctx, broadcaster: null } as AppContext);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const addr = server.address();
      second = { server, realtime, url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` };
    });

    after(async () => {
      for (const c of clients.splice(0)) c.disconnect();
      if (second) {
        await second.realtime.close();
        second.server.closeAllConnections();
        await new Promise<void>((resolve) => second!.server.close(() => resolve()));
      }
      await r?.close();
    });

    it('delivers an event published on one server (through BullMQ) to a client connected to the other', async () => {
      expect(r.ctx.jobs.runner.kind).to.equal('bullmq');
      const a = actor();
      const c = await connect(second!.url, tokenFor(r, a));
      const got = record(c);
      const listingId = randomUUID();
      expect(await subscribe(c, { listingId })).to.include({ ok: true });
      await sleep(100);
      await publish(r.ctx, [`org:${a.orgId}`, `listing:${listingId}`], 'listing.updated', { listingId, status: 'matched' });
      await waitFor(() => got.length >= 2, { what: 'events through the redis adapter' });
      expect(got.map((e) => e.room).sort()).to.deep.equal([`listing:${listingId}`, `org:${a.orgId}`].sort());
      expect(got.every((e) => e.seq === 1 && e.type === 'listing.updated')).to.equal(true);
    });

    it("delivers an event a worker emits through the Redis emitter to an API server's client", async () => {
      const a = actor();
      const c = await connect(second!.url, tokenFor(r, a));
      const got = record(c);
      await sleep(100);
      const emitter = createRedisBroadcaster({
        redisUrl: r.ctx.config.REDIS_URL!,
        logger: r.ctx.logger,
        prefix: r.ctx.config.REDIS_PREFIX,
      });
      try {
        await emitter.emit(`org:${a.orgId}`, 'credit.changed', {
          room: `org:${a.orgId}`,
          seq: 7,
          at: new Date().toISOString(),
          type: 'credit.changed',
          orgId: a.orgId,
          score: 80,
          level: 'blue',
        });
        await waitFor(() => got.length >= 1, { what: 'the emitted event' });
        expect(got[0]).to.include({ type: 'credit.changed', seq: 7, orgId: a.orgId });
      } finally {
        await emitter.close();
      }
    });
  });
});
