/**
 * Issue 17 item 2: shutdown is bounded (server/src/shutdown.ts). The first SIGTERM closes and exits 0;
 * a close that hangs is cut off by a second SIGTERM or by the deadline, with exit 1. The whole
 * processes (API and worker) are stopped mid-burst in tests/cluster/cluster.test.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { waitFor } from '../helpers/wait.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function child(
  mode: 'clean' | 'hang',
  deadlineMs: number,
): Promise<{ c: ChildProcess; out: string[]; exit: Promise<number | null> }> {
  const c = spawn(process.execPath, ['--import', 'tsx', 'tests/fault/fixtures/shutdown-child.ts', mode, String(deadlineMs)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const out: string[] = [];
  c.stdout!.setEncoding('utf8').on('data', (d: string) => out.push(d));
  const exit = new Promise<number | null>((resolve) => c.once('exit', (code) => resolve(code)));
  await waitFor(() => out.join('').includes('ready'), { timeoutMs: 60_000, what: 'the child to start' });
  return { c, out, exit };
}

describe('fault: graceful shutdown is bounded (issue 17)', function () {
  this.timeout(120_000);

  it('the first SIGTERM closes everything and exits 0', async () => {
    const { c, out, exit } = await child('clean', 10_000);
    c.kill('SIGTERM');
    expect(await exit).to.equal(0);
    expect(out.join('')).to.include('shut down cleanly');
  });

  it('a second SIGTERM while closing exits 1 at once, long before the deadline', async () => {
    const { c, out, exit } = await child('hang', 600_000);
    c.kill('SIGTERM');
    await waitFor(() => out.join('').includes('shutting down'), { timeoutMs: 30_000, what: 'the first signal to be taken' });
    expect(c.exitCode).to.equal(null);
    c.kill('SIGTERM');
    expect(await exit).to.equal(1);
    expect(out.join('')).to.include('second signal during shutdown');
  });

  it('a close still running at the deadline exits 1 without a second signal', async () => {
    const { c, out, exit } = await child('hang', 500);
    c.kill('SIGTERM');
    expect(await exit).to.equal(1);
    expect(out.join('')).to.include('shutdown did not finish before its deadline');
  });
});
