import { expect } from 'chai';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import type { Options } from 'express-rate-limit';
import { RedisWithMemoryFallbackStore } from '../../server/src/http/rate-limit-store.js';
import { skipOrFail } from '../helpers/services.js';
import { redisServerBinary, startPrivateRedis, testQueuePrefix, type PrivateRedis } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Issue 10 item 3: the API's rate-limit store never waits on a Redis that is gone. It counts in this
 * process's memory while the connection is not ready (a local limit of the same size), warns once per
 * outage, and goes back to the shared count in Redis when it returns.
 */
describe('fault: the shared rate-limit store while Redis is down (issue 10 item 3)', function () {
  this.timeout(60_000);
  let redis: PrivateRedis;
  let client: Redis | null = null;

  before(async function () {
    if (!redisServerBinary()) return skipOrFail(this, 'redis-server is not installed (apt-get install -y redis-server)');
    redis = await startPrivateRedis();
  });

  after(async () => {
    client?.disconnect();
    await redis?.stop();
  });

  it('counts in memory while Redis is down, logging once, and goes back to Redis when it returns', async () => {
    const logs: { level: number; msg: string }[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
    client = new Redis(redis.url, { maxRetriesPerRequest: 3 });
    client.on('error', () => {});
    const prefix = `${testQueuePrefix('rl')}:rl:`;
    const store = new RedisWithMemoryFallbackStore(client, prefix, logger);
    store.init({ windowMs: 60_000 } as Options);
    await waitFor(() => client!.status === 'ready', { what: 'the connection' });

    expect((await store.increment('u:1')).totalHits).to.equal(1);
    expect((await store.increment('u:1')).totalHits).to.equal(2);
    expect(await client.get(`${prefix}u:1`), 'counted in Redis, shared with other processes').to.equal('2');

    await redis.kill();
    await waitFor(() => client!.status !== 'ready', { what: 'the connection to notice' });
    // The local count starts afresh and still limits: 1, 2, 3 in this process.
    const local = [];
    for (let i = 0; i < 3; i++) local.push((await store.increment('u:1')).totalHits);
    expect(local).to.deep.equal([1, 2, 3]);
    expect(
      logs.filter((l) => /rate limiter: redis unavailable/.test(l.msg)),
      'one warning per outage',
    ).to.have.length(1);

    await redis.restart();
    await waitFor(() => client!.status === 'ready', { what: 'the connection to come back', timeoutMs: 20_000 });
    // A restarted Redis has neither the counters nor the scripts; the store loads them again.
    expect((await store.increment('u:1')).totalHits).to.equal(1);
    expect(await client.get(`${prefix}u:1`)).to.equal('1');
    expect(logs.filter((l) => /rate limiter: redis is back/.test(l.msg))).to.have.length(1);
  });
});
