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
    const received: RealtimeEvent[][] = [];
    for (let i = 0; i < CLIENTS; i += 20) {
      // Twenty at a time, so the handshakes do not queue behind each other past socket.io's timeout.
      await Promise.all(
        Array.from({ length: Math.min(20, CLIENTS - i) }, async () => {
          const c: Client = ioClient(t.server!.url, {
            path: '/socket.io',
            transports: ['websocket'],
            reconnection: false,
            forceNew: true,
            auth: { token },
          });
          clients.push(c);
          const got: RealtimeEvent[] = [];
          received.push(got);
          c.onAny((_event, payload) => {
            if ((payload as RealtimeEvent).room === room) got.push(payload as RealtimeEvent);
          });
          await new Promise<void>((resolve, reject) => {
            c.once('connect', () => resolve());
            c.once('connect_error', reject);
          });
          const ack = await (
            c.timeout(10_000) as unknown as { emitWithAck(ev: string, r: unknown): Promise<SubscribeAck> }
          ).emitWithAck('subscribe', { listingId });
          expect(ack).to.deep.equal({ ok: true, room });
        }),
      );
    }

    await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        inTransaction(t.ctx.db, (tx) => publishEvent(tx, [room], 'bid.placed', { listingId, bidCount: i + 1 })),
      ),
    );

    const expected = Array.from({ length: BURST }, (_, i) => i + 1);
    await waitFor(() => received.every((got) => got.length >= BURST), {
      what: `${BURST} events at each of ${CLIENTS} clients`,
      timeoutMs: 60_000,
    });
    const wrong = received
      .map((got, i) => ({ client: i, seqs: got.map((e) => e.seq) }))
      .filter((r) => r.seqs.join() !== expected.join());
    expect(wrong, 'clients that missed, repeated or reordered an event').to.deep.equal([]);
    expect(received.every((got) => got.every((e) => e.type === 'bid.placed'))).to.equal(true);
  });
});
