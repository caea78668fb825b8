import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { io as ioClient, type Socket as ClientSocket } from 'socket.io-client';
import { inTransaction } from '../../server/src/db/tx.js';
import { publishEvent } from '../../server/src/realtime/publish.js';
import type { ClientToServerEvents, RealtimeEvent, ServerToClientEvents, SubscribeAck } from '../../shared/src/realtime.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { registerOrg } from '../helpers/actors.js';
import { waitFor } from '../helpers/wait.js';

type Client = ClientSocket<ServerToClientEvents, ClientToServerEvents>;
type Frame = { name: string; payload: unknown };

/**
 * An official socket.io client subscribed to a listing's room, recording every frame it receives.
 * `batch`: it asks for several events of a room in one frame (auth.batch).
 */
async function subscribedClient(url: string, token: string, listingId: string, batch: boolean, into: Client[]): Promise<Frame[]> {
  const c: Client = ioClient(url, {
    path: '/socket.io',
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: batch ? { token, batch: true } : { token },
  });
  into.push(c);
  const frames: Frame[] = [];
  c.onAny((name: string, payload: unknown) => frames.push({ name, payload }));
  await new Promise<void>((resolve, reject) => {
    c.once('connect', () => resolve());
    c.once('connect_error', reject);
  });
  const ack = await (c.timeout(10_000) as unknown as { emitWithAck(ev: string, r: unknown): Promise<SubscribeAck> }).emitWithAck(
    'subscribe',
    { listingId },
  );
  expect(ack).to.deep.equal({ ok: true, room: `listing:${listingId}` });
  return frames;
}

/** The events of `room` in the frames, batch frames unpacked, in arrival order. */
function eventsOf(frames: Frame[], room: string): RealtimeEvent[] {
  return frames
    .flatMap((f) => (f.name === 'events' ? (f.payload as { events: RealtimeEvent[] }).events : [f.payload as RealtimeEvent]))
    .filter((e) => e?.room === room);
}

/**
 * Issue 15 item 3: live events leave the API from its own relay, woken on commit. A burst of
 * concurrent commits to one room reaches every one of 200 official socket.io clients, each event
 * once, in seq order, with no gap. Delay is measured by scripts/bench/fanout.ts, not asserted here.
 */
describe('live fan-out to 200 clients (issue 15)', function () {
  this.timeout(120_000);
  const CLIENTS = 200;
  const BURST = 50;
  let t: TestApp;
  const clients: Client[] = [];

  before(async () => {
    t = await createTestApp({ listen: true });
  });

  after(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    await t?.close();
  });

  it('delivers every event of a burst of concurrent commits to every client, in seq order, without a gap', async () => {
    const { token } = await registerOrg(t.request, { roles: ['recycler'] });
    const listingId = randomUUID();
    const room = `listing:${listingId}`;
    const received: Frame[][] = [];
    for (let i = 0; i < CLIENTS; i += 20) {
      // Twenty at a time, so the handshakes do not queue behind each other past socket.io's timeout.
      await Promise.all(
        Array.from({ length: Math.min(20, CLIENTS - i) }, async (_, k) => {
          // Half of them take batch frames (several events of the room in one frame under load).
          received.push(await subscribedClient(t.server!.url, token, listingId, k % 2 === 1, clients));
        }),
      );
    }

    await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        inTransaction(t.ctx.db, (tx) => publishEvent(tx, [room], 'bid.placed', { listingId, bidCount: i + 1 })),
      ),
    );

    const expected = Array.from({ length: BURST }, (_, i) => i + 1);
    const events = () => received.map((frames) => eventsOf(frames, room));
    await waitFor(() => events().every((got) => got.length >= BURST), {
      what: `${BURST} events at each of ${CLIENTS} clients`,
      timeoutMs: 60_000,
    });
    const wrong = events()
      .map((got, i) => ({ client: i, seqs: got.map((e) => e.seq) }))
      .filter((r) => r.seqs.join() !== expected.join());
    expect(wrong, 'clients that missed, repeated or reordered an event').to.deep.equal([]);
    expect(events().every((got) => got.every((e) => e.type === 'bid.placed'))).to.equal(true);
  });
});

/**
 * Coalescing per room (issue 15 item 3): the events of one room that one relay pass carries reach a
 * socket that asked for batches (`auth.batch`) as one frame, in seq order, and every other socket
 * one frame per event, as DESIGN §8 describes. The relay is not started, so one tick is one pass.
 */
for (const useRedis of process.env.REDIS_URL ? [false, true] : [false])
  describe(`batch frames: a room’s events of one relay pass in one frame, for sockets that ask (${useRedis ? 'Redis adapter' : 'one process'})`, function () {
    this.timeout(60_000);
    let t: TestApp;
    const clients: Client[] = [];

    before(async () => {
      t = await createTestApp({ listen: true, startJobs: false, useRedis });
    });

    after(async () => {
      for (const c of clients.splice(0)) c.disconnect();
      await t?.close();
    });

    const connect = (token: string, listingId: string, batch: boolean) =>
      subscribedClient(t.server!.url, token, listingId, batch, clients);

    it('sends five events of a pass as one batch frame to batch sockets and as five frames to the others', async () => {
      const { token } = await registerOrg(t.request, { roles: ['recycler'] });
      const listingId = randomUUID();
      const room = `listing:${listingId}`;
      const batched = [await connect(token, listingId, true), await connect(token, listingId, true)];
      const single = [await connect(token, listingId, false), await connect(token, listingId, false)];
      for (let i = 1; i <= 5; i++)
        await inTransaction(t.ctx.db, (tx) => publishEvent(tx, [room], 'bid.placed', { listingId, bidCount: i }));
      // Another room's single event in the same pass stays a plain frame for everybody in it.
      const lone = randomUUID();
      await inTransaction(t.ctx.db, (tx) =>
        publishEvent(tx, [`listing:${lone}`], 'bid.placed', { listingId: lone, bidCount: 1 }),
      );

      await t.ctx.jobs.relay.tick();
      const inRoom = (frames: { name: string; payload: unknown }[]) =>
        frames.filter((f) => (f.payload as { room?: string } | null)?.room === room);
      await waitFor(() => batched.every((f) => inRoom(f).length >= 1) && single.every((f) => inRoom(f).length >= 5), {
        what: 'the pass at every client',
        timeoutMs: 10_000,
      });
      for (const frames of batched) {
        expect(inRoom(frames).map((f) => f.name)).to.deep.equal(['events']);
        const events = (inRoom(frames)[0]!.payload as { events: RealtimeEvent[] }).events;
        expect(events.map((e) => [e.room, e.seq, e.type, e.bidCount])).to.deep.equal(
          [1, 2, 3, 4, 5].map((n) => [room, n, 'bid.placed', n]),
        );
      }
      for (const frames of single) {
        expect(inRoom(frames).map((f) => f.name)).to.deep.equal(Array(5).fill('bid.placed'));
        expect(inRoom(frames).map((f) => (f.payload as RealtimeEvent).seq)).to.deep.equal([1, 2, 3, 4, 5]);
      }
      // The relay marked every row done: nothing is sent twice.
      expect(await t.ctx.jobs.relay.pendingCount()).to.equal(0);
    });
  });
