import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { allRoutes } from '../../server/src/app.js';
import { POLICY } from '../../server/src/http/policy.js';

// The served document is a contract a client is generated from (issue 11 item 6): it passes Redocly's
// recommended rules, names every operation once, and says which operations need no token.
type Operation = { operationId?: string; security?: unknown[]; responses: Record<string, unknown> };
type Doc = {
  security?: unknown[];
  info: { license?: { name: string } };
  components: { securitySchemes: Record<string, { type: string; scheme: string }> };
  paths: Record<string, Record<string, Operation>>;
};

describe('API description: /api/openapi.json as a client-generation contract', () => {
  let t: TestApp;
  let doc: Doc;
  before(async () => {
    t = await createTestApp({ startJobs: false });
    const res = await t.request.get('/api/openapi.json');
    expect(res.status).to.equal(200);
    doc = res.body as Doc;
  });
  after(() => t?.close());

  const operations = () =>
    Object.entries(doc.paths).flatMap(([p, ops]) => Object.entries(ops).map(([m, op]) => ({ at: `${m} ${p}`, op })));

  it('passes `redocly lint` with the recommended rules (redocly.yaml) with no errors', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'zwx-openapi-test-'));
    try {
      const file = path.join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(doc));
      const r = spawnSync(
        path.join(process.cwd(), 'node_modules/.bin/redocly'),
        ['lint', '--config', 'redocly.yaml', '--format', 'summary', file],
        {
          encoding: 'utf8',
        },
      );
      const out = `${r.stdout}${r.stderr}`;
      expect(out, out).not.to.match(/^error\s/m);
      expect(r.status, out).to.equal(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('defines the bearer JWT scheme as the default, and public operations say `security: []`', () => {
    expect(doc.components.securitySchemes.bearer).to.include({ type: 'http', scheme: 'bearer' });
    expect(doc.security).to.deep.equal([{ bearer: [] }]);
    const publicKeys = Object.entries(POLICY).filter(([, a]) => a.who === 'public');
    expect(publicKeys.length).to.be.greaterThan(3);
    for (const [key] of publicKeys) {
      const [method, p] = key.split(' ') as [string, string];
      expect(doc.paths[`/api/v1${p.replace(/:(\w+)/g, '{$1}')}`]![method.toLowerCase()]!.security, key).to.deep.equal([]);
    }
  });

  it('gives every operation a unique operationId and at least one 4xx response', () => {
    const ids = operations().map(({ at, op }) => {
      expect(op.operationId, at).to.match(/^[a-z][A-Za-z0-9]+$/);
      expect(
        Object.keys(op.responses).some((s) => /^4\d\d$/.test(s)),
        at,
      ).to.equal(true);
      return op.operationId;
    });
    expect(ids.length).to.equal(allRoutes(t.ctx).length + 1);
    expect(new Set(ids).size).to.equal(ids.length);
    expect(doc.paths['/api/v1/trades/{id}/pay']!.post!.operationId).to.equal('postTradesByIdPay');
  });

  it('lists 401 on protected operations and 404 on operations with an :id', () => {
    const pay = doc.paths['/api/v1/trades/{id}/pay']!.post!;
    expect(pay.responses).to.include.keys(['400', '401', '403', '404', '409']);
    const materials = doc.paths['/api/v1/catalog/materials']!.get!;
    expect(materials.responses).not.to.have.property('401');
  });

  it('describes the Stripe webhook, which is mounted outside the route table: no token, a signature header', () => {
    const hook = doc.paths['/api/v1/payments/stripe/webhook']?.post as Operation & { parameters: { name: string; in: string }[] };
    expect(hook, 'webhook operation').to.be.an('object');
    expect(hook.security).to.deep.equal([]);
    expect(hook.parameters.map((p) => `${p.in}:${p.name}`)).to.include('header:Stripe-Signature');
    expect(hook.responses).to.include.keys(['200', '400']);
  });

  it('has a licence, and defines every required property of every schema', () => {
    expect(doc.info.license?.name).to.be.a('string').that.is.not.empty;
    const undefinedRequired: string[] = [];
    const walk = (node: unknown, at: string) => {
      if (!node || typeof node !== 'object') return;
      const o = node as { required?: unknown; properties?: Record<string, unknown> };
      if (Array.isArray(o.required) && o.properties)
        for (const k of o.required) if (!(String(k) in o.properties)) undefinedRequired.push(`${at}: ${String(k)}`);
      if (Array.isArray(o.required) && !o.properties && (o as { type?: string }).type === 'object')
        undefinedRequired.push(`${at}: ${o.required.join(', ')}`);
      for (const [k, v] of Object.entries(node)) walk(v, `${at}/${k}`);
    };
    walk(doc.paths, '#/paths');
    expect(undefinedRequired).to.deep.equal([]);
  });
});
