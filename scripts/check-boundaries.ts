/**
 * Dependency rules the code must keep (STYLE.md), checked by `npm run lint`:
 *  - a module reaches another module only through its service or exported functions, never its repo;
 *  - only server/src/config.ts reads process.env;
 *  - domain code (modules/, jobs/) never imports express or builds HTTP statuses;
 *  - shared/ never imports from server/ or client/;
 *  - the matching engine is pure: it imports only itself and shared/src/money.ts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = process.cwd();
const problems: string[] = [];

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (/\.(ts|tsx)$/.test(name)) out.push(p);
  }
  return out;
}

const importRe = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

for (const file of walk(path.join(root, 'server/src'))) {
  const rel = path.relative(root, file);
  const text = readFileSync(file, 'utf8');
  if (rel !== 'server/src/config.ts' && /process\.env\b/.test(text)) problems.push(`${rel}: reads process.env (only server/src/config.ts may)`);
  const moduleName = /^server\/src\/modules\/([^/]+)\//.exec(rel)?.[1];
  for (const m of text.matchAll(importRe)) {
    const spec = m[1] ?? m[2]!;
    if (!spec.startsWith('.')) {
      if (rel.startsWith('server/src/modules/matching/engine/')) problems.push(`${rel}: the pure engine imports the package ${spec}`);
      if (moduleName && !rel.endsWith('routes.ts') && (spec === 'express' || spec.startsWith('express/')))
        problems.push(`${rel}: domain code imports express`);
      continue;
    }
    const target = path.relative(root, path.resolve(path.dirname(file), spec));
    if (rel.startsWith('server/src/modules/matching/engine/') && !target.startsWith('server/src/modules/matching/engine/') && target !== 'shared/src/money.js')
      problems.push(`${rel}: the pure engine imports ${target}`);
    const targetModule = /^server\/src\/modules\/([^/]+)\/(.+)$/.exec(target);
    if (targetModule && moduleName && targetModule[1] !== moduleName && /^repo(\.js)?$/.test(targetModule[2]!))
      problems.push(`${rel}: imports another module's repo (${target})`);
  }
}

for (const file of walk(path.join(root, 'shared/src'))) {
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(importRe)) {
    const spec = m[1] ?? m[2]!;
    if (/\/(server|client)\//.test(spec)) problems.push(`${path.relative(root, file)}: shared code imports ${spec}`);
  }
}

if (problems.length) {
  for (const p of problems) console.error(`boundary: ${p}`);
  console.error(`${problems.length} boundary problem(s)`);
  process.exit(1);
}
console.log('boundaries: ok');
