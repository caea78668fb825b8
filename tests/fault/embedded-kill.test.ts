import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import supertest from 'supertest';
import { registrationBody } from '../helpers/actors.js';
import { killProcess, startEmbeddedServer } from '../helpers/embedded.js';

/**
 * DESIGN §4: the embedded database (PGlite, fsync off) loses nothing acknowledged when the process
 * is killed. The real entry point (server/src/main.ts) runs on a data directory; after each 201 the
 * process is SIGKILLed and started again, and every acknowledged registration can sign in.
 */
describe('fault: the embedded exchange killed with SIGKILL keeps every acknowledged write', function () {
  this.timeout(180_000);
  let dataDir: string;
  let child: ChildProcess | null = null;
  const port = 3900 + (process.pid % 90);

  function start(): Promise<ChildProcess> {
    const env = { JWT_SECRET: 'fault-test-secret-fault-test-secret-01' };
    return startEmbeddedServer({ port, dataDir, env, timeoutMs: 90_000 }).then((c) => (child = c));
  }

  const kill = killProcess;

  before(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'zwx-embedded-'));
  });
  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) await kill(child);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('three rounds of register → 201 → SIGKILL → restart: every acknowledged org and user is still there', async () => {
    const acknowledged: { email: string; password: string }[] = [];
    for (let round = 0; round < 3; round++) {
      const c = await start();
      const request = supertest(`http://127.0.0.1:${port}`);
      for (const prior of acknowledged) {
        const login = await request.post('/api/v1/auth/login').send(prior);
        expect(login.status, `login of ${prior.email} after restart ${round}`).to.equal(200);
      }
      const body = registrationBody();
      const res = await request.post('/api/v1/auth/register').send(body);
      expect(res.status).to.equal(201);
      acknowledged.push({ email: body.user.email, password: body.user.password });
      // Killed right after the acknowledgement: no graceful shutdown, no checkpoint.
      await kill(c);
    }
    const c = await start();
    const request = supertest(`http://127.0.0.1:${port}`);
    for (const prior of acknowledged) expect((await request.post('/api/v1/auth/login').send(prior)).status).to.equal(200);
    await kill(c);
  });
});
