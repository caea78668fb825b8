import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import supertest from 'supertest';
import { registrationBody } from '../helpers/actors.js';
import { waitFor } from '../helpers/wait.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

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
    const env: Record<string, string | undefined> = {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'false',
      JWT_SECRET: 'fault-test-secret-fault-test-secret-01',
    };
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
    const c = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child = c;
    return waitFor(
      async () => {
        if (c.exitCode !== null) throw new Error(`server exited with ${c.exitCode}`);
        const r = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
        return r?.ok ?? false;
      },
      { timeoutMs: 90_000, intervalMs: 200, what: 'the embedded server to be ready' },
    ).then(() => c);
  }

  function kill(c: ChildProcess): Promise<void> {
    return new Promise((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  }

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
