import { expect } from 'chai';
import { io as ioClient, type Socket as ClientSocket } from 'socket.io-client';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../server/src/config.js';

/** With DATABASE_URL set the access-token key is required (processes share it). */
const JWT_SECRET = randomBytes(32).toString('base64');
import type { ClientToServerEvents, RealtimeEvent, ServerToClientEvents, SubscribeAck } from '../../shared/src/realtime.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { createRegulator, type OrgActor } from '../helpers/actors.js';
import { createGenerator, createListing, createRecycler, placeBid, steelListing } from '../helpers/trading.js';
import { skipOrFail } from '../helpers/services.js';
import { redisServerBinary, startPrivateRedis, testQueuePrefix, type PrivateRedis } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait.js';

type Client = ClientSocket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Issue 10 item 4: two deployments on one Redis server (pub/sub ignores the database index) keep
 * apart through REDIS_PREFIX: queues, socket.io channels and rate-limit keys.
 */
describe('deployments sharing a Redis server (REDIS_PREFIX, issue 10 item 4)', function () {
  this.timeout(120_000);

  describe('the default prefix', () => {
    it("is the database's name from DATABASE_URL, so two databases on one PostgreSQL server differ", () => {
      expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/zwx_city', JWT_SECRET }).REDIS_PREFIX).to.equal('zwx_city');
      expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/zwx_county?sslmode=require', JWT_SECRET }).REDIS_PREFIX).to.equal(
        'zwx_county',
      );
    });

    it("is the embedded DATA_DIR's last segment, and 'zwx' when neither gives a usable name", () => {
      expect(loadConfig({ DATA_DIR: '/srv/exchange/keqiao' }).REDIS_PREFIX).to.equal('keqiao');
      expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432', JWT_SECRET }).REDIS_PREFIX).to.equal('zwx');
    });

    it('replaces characters that would split a Redis key or match another channel pattern', () => {
      expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/a%3Ab%23c*', JWT_SECRET }).REDIS_PREFIX).to.equal('a_b_c_');
    });

    it('takes an explicit REDIS_PREFIX and refuses one with a separator or a glob character, naming the key', () => {
      expect(loadConfig({ REDIS_PREFIX: 'city-b', DATABASE_URL: 'postgres://u:p@db/zwx', JWT_SECRET }).REDIS_PREFIX).to.equal(
        'city-b',
      );
      for (const bad of ['a:b', 'a#b', 'a*', 'a/b', '-a', 'x'.repeat(65)]) {
        expect(() => loadConfig({ REDIS_PREFIX: bad }), bad).to.throw(/REDIS_PREFIX/);
      }
    });
  });

  describe('two deployments on one redis-server', () => {
    let redis: PrivateRedis;
    const apps: TestApp[] = [];
    const sockets: Client[] = [];

    before(async function () {
      if (!redisServerBinary()) return skipOrFail(this, 'redis-server is not installed (apt-get install -y redis-server)');
      redis = await startPrivateRedis();
      for (const label of ['a', 'b']) {
        apps.push(
          await createTestApp({
            listen: true,
            env: { REDIS_URL: redis.url, RUN_WORKERS_IN_PROCESS: 'true', REDIS_PREFIX: testQueuePrefix(`deploy-${label}`) },
          }),
        );
      }
    });

    after(async () => {
      for (const s of sockets.splice(0)) s.disconnect();
      for (const t of apps.splice(0)) await t.close();
      await redis?.stop();
    });

    /** A city regulator's socket on the deployment's API, following the public listings feed. */
    async function regulatorFeed(t: TestApp): Promise<{ regulator: OrgActor; got: RealtimeEvent[] }> {
      const regulator = await createRegulator(t.request, 'city');
      const socket: Client = ioClient(t.server!.url, {
        path: '/socket.io',
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        auth: { token: regulator.token },
      });
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const got: RealtimeEvent[] = [];
      socket.onAny((_event, payload) => got.push(payload as RealtimeEvent));
      const ack = await (
        socket.timeout(3000) as unknown as { emitWithAck(ev: string, r: unknown): Promise<SubscribeAck> }
      ).emitWithAck('subscribe', { room: 'public:listings' });
      expect(ack).to.include({ ok: true });
      return { regulator, got };
    }

    /** A listing and a trade on it (a matching bid on a fixed-price lot). */
    async function trade(t: TestApp): Promise<{ listingId: string; tradeId: string }> {
      const generator = await createGenerator(t.request);
      const recycler = await createRecycler(t.request);
      const listing = await createListing(t.request, generator, steelListing());
      const placed = await placeBid(t.request, recycler, listing.id, { pricePerTonneFen: 258_500, quantityKg: 10_000 });
      expect(placed.tradeIds).to.have.length(1);
      return { listingId: listing.id, tradeId: placed.tradeIds[0]! };
    }

    const sees = (got: RealtimeEvent[], ids: { listingId: string; tradeId: string }) =>
      got.some((e) => e.type === 'listing.created' && e.listingId === ids.listingId) &&
      got.some((e) => e.type === 'trade.created' && e.tradeId === ids.tradeId);

    it("never delivers deployment B's listing.created or trade.created to a regulator of deployment A, which still gets A's own", async () => {
      const [a, b] = apps as [TestApp, TestApp];
      const feedA = await regulatorFeed(a);
      const feedB = await regulatorFeed(b);

      // B's events first, and through to B's own regulator, so they were published on the shared server.
      const inB = await trade(b);
      await waitFor(() => sees(feedB.got, inB), { what: "B's regulator to see B's listing and trade", timeoutMs: 20_000 });
      // Then A's: once they reach A's regulator, anything B published before them would have too.
      const inA = await trade(a);
      await waitFor(() => sees(feedA.got, inA), { what: "A's regulator to see A's listing and trade", timeoutMs: 20_000 });

      const leaked = feedA.got
        .filter((e) => e.listingId === inB.listingId || e.tradeId === inB.tradeId)
        .map((e) => `${e.type} ${e.room}`);
      expect(leaked, "B's events at A's regulator").to.deep.equal([]);
      expect(
        feedB.got.filter((e) => e.listingId === inA.listingId || e.tradeId === inA.tradeId),
        "A's events at B's regulator",
      ).to.deep.equal([]);
    });
  });
});
