/**
 * Lints the API document the server serves at /api/openapi.json with Redocly's recommended rules
 * (`npm run lint:openapi`, a check in .ci/run). The document is built from the same route table the
 * app mounts, without a database or a server: the route factories only keep their services for the
 * handlers, so a stand-in context whose services are never called is enough.
 *
 * Usage: node --import tsx scripts/ci/openapi.ts [--out FILE]   (--out: write the document, no lint)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { allRoutes, apiDocument } from '../../server/src/app.js';
import type { AppContext } from '../../server/src/context.js';

const notCalled = (): never => {
  throw new Error('scripts/ci/openapi.ts: a service was called while building the document');
};
const service = new Proxy({}, { get: () => notCalled });
const ctx = new Proxy({}, { get: () => service }) as AppContext;

const document = `${JSON.stringify(apiDocument(allRoutes(ctx)), null, 2)}\n`;
const args = process.argv.slice(2);
const out = args.includes('--out') ? args[args.indexOf('--out') + 1] : undefined;
if (out) {
  writeFileSync(out, document);
  console.log(`openapi: written to ${out}`);
} else {
  const dir = mkdtempSync(path.join(tmpdir(), 'zwx-openapi-'));
  const file = path.join(dir, 'openapi.json');
  writeFileSync(file, document);
  const redocly = path.join(process.cwd(), 'node_modules/.bin/redocly');
  const r = spawnSync(redocly, ['lint', '--config', path.join(process.cwd(), 'redocly.yaml'), file], { stdio: 'inherit' });
  rmSync(dir, { recursive: true, force: true });
  process.exit(r.status ?? 1);
}
