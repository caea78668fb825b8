/**
 * Issue 17: the scale-out deployment proved with real processes. Two API processes on different
 * ports (RUN_WORKERS_IN_PROCESS=false) and two workers, as docker-compose.yml runs them, on this
 * file's PostgreSQL database and Redis (tests/helpers/cluster.ts). Requests go to A or B as a load
 * balancer would spread them; the checks read the database they share.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { io as ioClient, type Socket as ClientSocket } from 'socket.io-client';
import { rows } from '../../server/src/db/tx.js';
import type { ClientToServerEvents, RealtimeEvent, ServerToClientEvents } from '../../shared/src/realtime.js';
import type { TBid } from '../../shared/src/schemas/bids.js';
import { auth, PASSWORD, registrationBody, type OrgActor, type RegisterOptions, type Session } from '../helpers/actors.js';
import { startCluster, stopProcess, type Cluster, type ClusterProcess } from '../helpers/cluster.js';
import { requirePostgres, requireRedis } from '../helpers/services.js';
import { sleep, waitFor } from '../helpers/wait.js';
import { createListing, inSeconds, steelListing } from '../helpers/trading.js';

type Client = ClientSocket<ServerToClientEvents, ClientToServerEvents>;
type Request = ClusterProcess['request'];

/** Requests per minute per user (the shared limiter); registrations: a thirtieth per 10 min, at least 5. */
const RATE_LIMIT = 150;

const sockets: Client[] = [];

/** A fresh client address per registration (TRUST_PROXY=loopback), so only the rate-limit test meets that limit. */
function someAddress(): string {
  const b = randomBytes(3);
  return `10.${b[0]}.${b[1]}.${b[2]! | 1}`;
}

async function register(request: Request, o: RegisterOptions, address = someAddress()): Promise<OrgActor> {
  const res = await request.post('/api/v1/auth/register').set('X-Forwarded-For', address).send(registrationBody(o));
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  const s = res.body as Session;
  return { ...s, org: s.org!, orgId: s.org!.id, token: s.accessToken, email: s.user.email, password: PASSWORD };
}
const generator = (r: Request) => register(r, { district: '330603', roles: ['generator'] });
const recycler = (r: Request) => register(r, { district: '330604', roles: ['recycler'] });

function connect(url: string, token: string): Promise<Client> {
  const c: Client = ioClient(url, {
    path: '/socket.io',
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { token },
  });
  sockets.push(c);
  return new Promise((resolve, reject) => {
    c.once('connect', () => resolve(c));
    c.once('connect_error', reject);
  });
}

/** Every event a socket receives, in arrival order. */
function record(c: Client): RealtimeEvent[] {
  const got: RealtimeEvent[] = [];
  c.onAny((_name: string, e: RealtimeEvent) => got.push(e));
  return got;
}

async function subscribeListing(c: Client, listingId: string): Promise<void> {
  const ack = await c.timeout(10_000).emitWithAck('subscribe', { listingId });
  expect(ack).to.include({ ok: true });
}

function bid(request: Request, who: OrgActor, listingId: string, body: Record<string, unknown>) {
  return request.post(`/api/v1/listings/${listingId}/bids`).set(auth(who.token)).send(body);
}

async function roomSeq(cluster: Cluster, room: string): Promise<number> {
  const [r] = await rows<{ seq: string | number }>(
    cluster.testDb.database.db,
    sql`select seq from room_seq where room = ${room}`,
  );
  return Number(r?.seq ?? 0);
}

/** Runs `run` over `items` with at most `n` calls in flight; results in the items' order. */
async function inFlight<T, R>(n: number, items: T[], run: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await run(items[i]!, i);
      }
    }),
  );
  return out;
}

/** Outbox rows that are due and not done: a lost job stays here. */
async function jobsOutstanding(cluster: Cluster): Promise<{ id: number; topic: string }[]> {
  return rows(
    cluster.testDb.database.db,
    sql`select id::int as id, topic from outbox where done_at is null and available_at <= now() - interval '1 second' order by id`,
  );
}

async function expectNoJobLost(cluster: Cluster): Promise<void> {
  let left: { id: number; topic: string }[] = [];
  await waitFor(
    async () => {
      left = await jobsOutstanding(cluster);
      return left.length === 0;
    },
    { timeoutMs: 90_000, intervalMs: 500, what: `every due job done (left: ${JSON.stringify(left.slice(0, 5))})` },
  ).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}; still outstanding: ${JSON.stringify(left.slice(0, 10))}`);
  });
}

/**
 * A burst of whole-lot purchases spread over `targets`: each a fresh 1 t fixed-price lot and one bid
 * on it, so every 201 is a trade committed. Returns the bid ids the API acknowledged.
 */
async function purchaseBurst(
  targets: () => Request[],
  buyers: OrgActor[],
  lots: string[],
  onHalfway: () => Promise<void>,
): Promise<{ acknowledged: string[]; refused: number }> {
  const acknowledged: string[] = [];
  let refused = 0;
  let sent = 0;
  const halfway: Promise<void>[] = [];
  const worker = async (w: number) => {
    for (let i = w; i < lots.length; i += 4) {
      const live = targets();
      const r = live[i % live.length]!;
      sent += 1;
      if (sent === Math.floor(lots.length / 2)) halfway.push(onHalfway());
      const res = await bid(r, buyers[i % buyers.length]!, lots[i]!, { pricePerTonneFen: 258_500, quantityKg: 1_000 }).catch(
        () => null,
      );
      if (res?.status === 201) acknowledged.push((res.body as TBid).id);
      else refused += 1;
    }
  };
  await Promise.all([0, 1, 2, 3].map(worker));
  await Promise.all(halfway);
  return { acknowledged, refused };
}

async function expectCommitted(cluster: Cluster, bidIds: string[]): Promise<void> {
  const found = await rows<{ id: string; trades: string | number }>(
    cluster.testDb.database.db,
    sql`select b.id, (select count(*) from trades t where t.listing_id = b.listing_id) as trades
          from bids b where b.id = any(${`{${bidIds.join(',')}}`}::uuid[]) and b.status = 'won'`,
  );
  expect(found.length, 'acknowledged bids found won in the database').to.equal(bidIds.length);
  expect(found.every((f) => Number(f.trades) === 1)).to.equal(true);
}

describe('cluster: two API processes and two workers on PostgreSQL + Redis (issue 17)', function () {
  this.timeout(180_000);
  let cluster: Cluster;
  let A: ClusterProcess;
  let B: ClusterProcess;

  before(async function () {
    requirePostgres(this);
    requireRedis(this);
    this.timeout(240_000);
    cluster = await startCluster({
      apis: ['A', 'B'],
      workers: ['W1', 'W2'],
      env: { RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT), TRUST_PROXY: 'loopback', SWEEP_STUCK_AFTER_SECONDS: '5' },
    });
    A = cluster.api('A');
    B = cluster.api('B');
    expect(A.url).to.not.equal(B.url);
  });

  afterEach(function () {
    if (this.currentTest?.state !== 'failed' || !cluster) return;
    for (const p of cluster.processes) {
      const errors = p.output
        .join('')
        .split('\n')
        .filter((l) => /"level":(40|50|60)/.test(l));
      if (errors.length) console.log(`    ${p.name} warnings and errors:\n      ${errors.slice(-8).join('\n      ')}`);
    }
  });

  after(async () => {
    for (const s of sockets.splice(0)) s.disconnect();
    await cluster?.close();
  });

  it('a socket.io client on A receives the events caused by requests to B', async () => {
    const g = await generator(B.request);
    const r = await recycler(B.request);
    const l = await createListing(B.request, g, steelListing({ quantityKg: 10_000, minLotKg: 1_000 }));
    const onA = await connect(A.url, g.token);
    const got = record(onA);
    await subscribeListing(onA, l.id);
    const res = await bid(B.request, r, l.id, { pricePerTonneFen: 258_500, quantityKg: 2_000 });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    await waitFor(() => got.some((e) => e.type === 'bid.placed' && e.room === `listing:${l.id}`), {
      timeoutMs: 20_000,
      what: 'bid.placed on A',
    });
    await waitFor(() => got.some((e) => e.type === 'trade.created' && e.room === `org:${g.orgId}`), {
      timeoutMs: 20_000,
      what: 'trade.created in the org room on A',
    });
  });

  it('bids split across both processes on one lot never oversell', async () => {
    const g = await generator(A.request);
    const buyers = await Promise.all(Array.from({ length: 8 }, (_, i) => recycler(i % 2 ? A.request : B.request)));
    const quantityKg = 30_000;
    const l = await createListing(B.request, g, steelListing({ quantityKg, minLotKg: 1_000 }));
    const seed = Date.now();
    console.log(`    seed ${seed}`);
    const sizes = Array.from({ length: 48 }, (_, i) => 1_000 + ((seed + i * 7919) % 3) * 1_000);
    // Eight in flight at a time, alternating processes: they race on the lot's row lock across
    // processes, while every request still gets a pool connection on a loaded machine.
    const results = await inFlight(8, sizes, (kg, i) =>
      bid(i % 2 ? A.request : B.request, buyers[i % buyers.length]!, l.id, { pricePerTonneFen: 258_500, quantityKg: kg }),
    );
    for (const res of results) expect([201, 422], JSON.stringify(res.body)).to.include(res.status);
    const [s] = await rows<{ sold: string | number; n: string | number; remaining: string | number; status: string }>(
      cluster.testDb.database.db,
      sql`select coalesce((select sum(quantity_kg) from trades where listing_id = ${l.id}), 0) as sold,
                 (select count(*) from trades where listing_id = ${l.id}) as n, remaining_kg as remaining, status
            from listings where id = ${l.id}`,
    );
    const won = results.filter((r) => r.status === 201 && (r.body as TBid).status === 'won').map((r) => r.body as TBid);
    expect(Number(s!.sold)).to.equal(quantityKg);
    expect(Number(s!.remaining)).to.equal(0);
    expect(s!.status).to.equal('matched');
    expect(won.length).to.equal(Number(s!.n));
    expect(won.reduce((sum, b) => sum + b.filledKg, 0)).to.equal(quantityKg);
  });

  it('one auction with bids through both processes closes exactly once (the workers race for it)', async () => {
    const g = await generator(B.request);
    const bidders = await Promise.all([A, B, A].map((p) => recycler(p.request)));
    const l = await createListing(
      A.request,
      g,
      steelListing({ mode: 'auction', closesAt: inSeconds(4), quantityKg: 20_000, minLotKg: 10_000 }),
    );
    const placed = await Promise.all(
      bidders.map((r, j) =>
        bid(j % 2 ? A.request : B.request, r, l.id, { pricePerTonneFen: 259_000 + j * 500, quantityKg: 10_000 }),
      ),
    );
    for (const res of placed) expect(res.status, JSON.stringify(res.body)).to.equal(201);
    await waitFor(
      async () => {
        const [x] = await rows<{ status: string }>(
          cluster.testDb.database.db,
          sql`select status from listings where id = ${l.id}`,
        );
        return x?.status === 'matched';
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'the auction to close' },
    );
    // Both workers had time to take the close too.
    await sleep(1_000);
    const [c] = await rows<{ trades: string | number; sold: string | number; won: string | number; lost: string | number }>(
      cluster.testDb.database.db,
      sql`select (select count(*) from trades where listing_id = ${l.id}) as trades,
                 (select coalesce(sum(quantity_kg), 0) from trades where listing_id = ${l.id}) as sold,
                 (select count(*) from bids where listing_id = ${l.id} and status = 'won') as won,
                 (select count(*) from bids where listing_id = ${l.id} and status = 'lost') as lost`,
    );
    expect([c!.trades, c!.sold, c!.won, c!.lost].map(Number)).to.deep.equal([2, 20_000, 2, 1]);
  });

  it('rate limits are shared: a user and an address get one limit across both processes, not one each', async () => {
    const g = await generator(A.request);
    const statuses: number[] = [];
    // Twice the limit, alternating: shared, about half is refused; counted per process, none would be.
    for (let round = 0; round < (2 * RATE_LIMIT) / 10; round++)
      statuses.push(
        ...(
          await Promise.all(
            Array.from({ length: 10 }, (_, i) => ((round * 10 + i) % 2 ? A : B).request.get('/api/v1/me').set(auth(g.token))),
          )
        ).map((r) => r.status),
      );
    const refusedBy = (p: ClusterProcess) => statuses.filter((st, i) => st === 429 && (i % 2 ? A : B) === p).length;
    // Counted per process, each would have taken its 150 (its whole limit) and refused none.
    expect(refusedBy(A), 'requests A refused').to.be.greaterThan(0);
    expect(refusedBy(B), 'requests B refused').to.be.greaterThan(0);
    expect(statuses.every((st) => st === 200 || st === 429)).to.equal(true);
    // The store counts in the process's memory while Redis does not answer within 250 ms (never
    // waiting on it); on a machine that loaded a few requests may be counted there, and the log says so.
    const degraded = cluster.processes.some((p) => p.output.join('').includes('rate limiter: redis unavailable'));
    if (degraded)
      console.log('    note: a rate limiter counted locally for a moment (Redis slower than 250 ms): exact count not checked');
    else expect(statuses.filter((st) => st === 200)).to.have.length(RATE_LIMIT);

    // Registrations per address: RATE_LIMIT / 30 in 10 minutes, at least 5, across both processes.
    const address = someAddress();
    const perAddress = Math.max(5, Math.ceil(RATE_LIMIT / 30));
    const regs: number[] = [];
    for (let i = 0; i < perAddress * 2; i++)
      regs.push(
        (
          await (i % 2 ? A : B).request
            .post('/api/v1/auth/register')
            .set('X-Forwarded-For', address)
            .send(registrationBody({ roles: ['generator'] }))
        ).status,
      );
    // Per process, each would have taken 5 of its 5.
    expect(regs.slice(-2), 'the last registrations from one address').to.deep.equal([429, 429]);
    if (!cluster.processes.some((p) => p.output.join('').includes('rate limiter: redis unavailable')))
      expect(regs.filter((st) => st === 201)).to.have.length(perAddress);
  });

  it('a client that reconnects to the other process resyncs by seq with no gap', async () => {
    const g = await generator(A.request);
    const bidders = await Promise.all([1, 2, 3, 4].map(() => recycler(B.request)));
    const l = await createListing(
      A.request,
      g,
      steelListing({ mode: 'auction', closesAt: inSeconds(3600), quantityKg: 20_000, minLotKg: 1_000 }),
    );
    const room = `listing:${l.id}`;
    const placeVia = async (p: ClusterProcess, i: number) => {
      const res = await bid(p.request, bidders[i]!, l.id, { pricePerTonneFen: 259_000, quantityKg: 1_000 });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
    };
    // What the web client keeps (client/src/features/realtime/LiveFeed.tsx): the last seq per room.
    let lastSeq = 0;
    const seen: number[] = [];

    const first = await connect(A.url, g.token);
    const gotFirst = record(first);
    await subscribeListing(first, l.id);
    await placeVia(B, 0);
    await waitFor(() => gotFirst.some((e) => e.room === room && e.type === 'bid.placed'), {
      timeoutMs: 20_000,
      what: 'the first event',
    });
    for (const e of gotFirst.filter((x) => x.room === room)) {
      seen.push(e.seq);
      lastSeq = e.seq;
    }
    first.disconnect();

    // Two bids while the client is away: their events go to nobody.
    await placeVia(A, 1);
    await placeVia(B, 2);
    await waitFor(async () => (await roomSeq(cluster, room)) >= lastSeq + 2, { timeoutMs: 20_000, what: 'the missed events' });
    // Published (their outbox rows done) before the client comes back, so they are missed, not late.
    await expectNoJobLost(cluster);

    const second = await connect(B.url, g.token);
    const gotSecond = record(second);
    await subscribeListing(second, l.id);
    await placeVia(A, 3);
    await waitFor(() => gotSecond.some((e) => e.room === room && e.type === 'bid.placed'), {
      timeoutMs: 20_000,
      what: 'the next event on B',
    });
    const next = gotSecond.find((e) => e.room === room)!;
    // The room's seq comes from the database, so it runs on across processes: the gap is exactly
    // the two events missed, which the client detects and fills by refetching over REST.
    expect(next.seq).to.equal(lastSeq + 3);
    const gap = next.seq - lastSeq - 1;
    expect(gap).to.equal(2);
    const refetch = await B.request.get(`/api/v1/listings/${l.id}/bids`).set(auth(g.token));
    expect(refetch.status, JSON.stringify(refetch.body)).to.equal(200);
    // The count, not the items: on a sealed auction the owner sees how many, not whose.
    expect((refetch.body as { count: number }).count).to.equal(4);
    expect((next as RealtimeEvent<'bid.placed'>).bidCount).to.equal(4);
    // Live on A, refetched over REST for the gap, live on B: every seq of the room up to now, once.
    const covered = [...seen, ...Array.from({ length: gap }, (_, i) => lastSeq + 1 + i), next.seq];
    expect(covered).to.deep.equal(Array.from({ length: next.seq - covered[0]! + 1 }, (_, i) => covered[0]! + i));
  });

  describe('processes stopped mid-burst', () => {
    let buyers: OrgActor[];

    /** `n` fresh 1 t lots of a fresh generator (each test its own, under the per-user request limit). */
    async function lots(n: number): Promise<string[]> {
      const g = await generator(B.request);
      const out: string[] = [];
      for (let i = 0; i < n; i++)
        out.push((await createListing(B.request, g, steelListing({ quantityKg: 1_000, description: `lot ${i}` }))).id);
      return out;
    }

    before(async () => {
      buyers = await Promise.all([1, 2, 3, 4, 5, 6].map(() => recycler(B.request)));
    });

    it('SIGTERM to an API process and a worker during a burst: both exit cleanly, every acknowledged bid is committed, no job is lost', async () => {
      const ids = await lots(40);
      const W1 = cluster.processes.find((p) => p.name === 'W1')!;
      const exits: Promise<number | string>[] = [];
      let stopped = false;
      const { acknowledged, refused } = await purchaseBurst(
        () => (stopped ? [B.request] : [A.request, B.request]),
        buyers,
        ids,
        async () => {
          exits.push(stopProcess(A.child, 'SIGTERM'), stopProcess(W1.child, 'SIGTERM'));
          stopped = true;
        },
      );
      console.log(`    ${acknowledged.length} acknowledged, ${refused} not (sent to A while it stopped)`);
      // Exit 0: closed within the deadline on its own (shutdown.ts exits 1 when the deadline forces it).
      expect(await Promise.all(exits)).to.deep.equal([0, 0]);
      expect(acknowledged.length).to.be.greaterThan(0);
      await expectCommitted(cluster, acknowledged);
      await expectNoJobLost(cluster);
      // Back to two and two for the next test.
      [A] = await Promise.all([cluster.start('api', 'A2'), cluster.start('worker', 'W3')]);
    });

    it('SIGKILL of one API process and one worker mid-burst loses nothing acknowledged', async () => {
      const ids = await lots(40);
      const W = cluster.processes.find((p) => p.name === 'W3')!;
      let killed = false;
      const { acknowledged, refused } = await purchaseBurst(
        () => (killed ? [B.request] : [A.request, B.request]),
        buyers,
        ids,
        async () => {
          await Promise.all([stopProcess(A.child, 'SIGKILL'), stopProcess(W.child, 'SIGKILL')]);
          killed = true;
        },
      );
      console.log(`    ${acknowledged.length} acknowledged, ${refused} not (cut off by the kill)`);
      expect(acknowledged.length).to.be.greaterThan(0);
      await expectCommitted(cluster, acknowledged);
      // What the killed worker held is redelivered (BullMQ stalled-job check, the outbox sweeper).
      await expectNoJobLost(cluster);
    });
  });
});
