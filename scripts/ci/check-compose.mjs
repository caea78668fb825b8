#!/usr/bin/env node
// Fallback check of docker-compose.yml for machines where the docker-compose tool cannot be
// installed: the YAML must parse and name the services, images, commands and health gates that
// docs/deploy.md describes. `docker-compose config -q` is the real check; this
// one only catches a broken or gutted file. Uses js-yaml, which mocha brings into node_modules.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const file = process.argv[2] ?? 'docker-compose.yml';
const problems = [];
const need = (ok, msg) => ok || problems.push(msg);

/** Applies YAML merge keys (`<<: *anchor`), which compose honours and js-yaml 5 leaves as plain keys. */
function merged(node) {
  if (Array.isArray(node)) return node.map(merged);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const base of [].concat(node['<<'] ?? [])) Object.assign(out, merged(base));
  for (const [k, v] of Object.entries(node)) if (k !== '<<') out[k] = merged(v);
  return out;
}

let doc;
try {
  const yaml = require('js-yaml');
  doc = merged(yaml.load(readFileSync(file, 'utf8')));
} catch (err) {
  console.error(`check-compose: ${file}: ${err.message}`);
  process.exit(1);
}

const services = doc?.services ?? {};
for (const name of ['postgres', 'redis', 'migrate', 'api', 'worker', 'nginx']) need(services[name], `service ${name} missing`);
const { postgres, redis, migrate, api, worker, nginx } = services;
if (postgres) {
  need(String(postgres.image).startsWith('postgres:15'), 'postgres: image must be postgres:15');
  need(postgres.healthcheck?.test, 'postgres: healthcheck missing');
  need((postgres.volumes ?? []).length > 0, 'postgres: volume missing');
}
if (redis) {
  need(String(redis.image).startsWith('redis:7'), 'redis: image must be redis:7');
  const cmd = [].concat(redis.command ?? []).join(' ');
  need(cmd.includes('--appendonly yes') && cmd.includes('noeviction'), 'redis: needs --appendonly yes and noeviction');
  need((redis.volumes ?? []).length > 0, 'redis: volume missing');
}
for (const [name, svc] of [
  ['migrate', migrate],
  ['api', api],
  ['worker', worker],
]) {
  if (!svc) continue;
  need(svc.build || svc.image, `${name}: build or image missing`);
  const env = svc.environment ?? {};
  const keys = Array.isArray(env) ? env.map((e) => String(e).split('=')[0]) : Object.keys(env);
  for (const k of ['DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'RUN_WORKERS_IN_PROCESS'])
    need(keys.includes(k), `${name}: environment lacks ${k}`);
  const deps = svc.depends_on ?? {};
  need(!Array.isArray(deps) && Object.keys(deps).length > 0, `${name}: depends_on with conditions missing`);
}
if (worker)
  need(
    []
      .concat(worker.command ?? [])
      .join(' ')
      .includes('worker'),
    'worker: command must run the worker (dist/server/src/worker.js)',
  );
if (migrate)
  need(
    []
      .concat(migrate.command ?? [])
      .join(' ')
      .includes('migrate'),
    'migrate: command must run the migrations',
  );
for (const [name, svc] of [
  ['api', api],
  ['worker', worker],
])
  if (svc)
    need(
      svc.depends_on?.migrate?.condition === 'service_completed_successfully',
      `${name}: must wait for migrate (service_completed_successfully)`,
    );
if (api) need(JSON.stringify(api.expose ?? api.ports ?? []).includes('3000'), 'api: port 3000 not exposed');
if (nginx) {
  need(JSON.stringify(nginx.volumes ?? []).includes('deploy/nginx/nginx.conf'), 'nginx: must mount deploy/nginx/nginx.conf');
  need((nginx.ports ?? []).length > 0, 'nginx: no published port');
}

if (problems.length) {
  for (const p of problems) console.error(`check-compose: ${file}: ${p}`);
  process.exit(1);
}
console.log(`check-compose: ${file}: YAML parses, ${Object.keys(services).length} services look complete`);
