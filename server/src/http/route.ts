import { createHash } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import { and, eq, sql } from 'drizzle-orm';
import { z, type ZodType } from 'zod';
import { AppError, ErrorCodes } from '../../../shared/src/errors.js';
import type { Actor } from '../modules/auth/tokens.js';
import type { Db } from '../db/client.js';
import { idempotencyKeys } from '../db/schema.js';
import { allows, POLICY, type RouteKey, type Access } from './policy.js';
import { validationError, zodFields, toAppError, STATUS } from './errors.js';
import { textProblem } from '../../../shared/src/schemas/text.js';

export interface HandlerInput<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  /** null only on public routes. */
  actor: Actor | null;
  req: Request;
  res: Response;
}

export interface RouteDef<B = unknown, Q = unknown, P = unknown> {
  key: RouteKey;
  summary: string;
  tags?: string[];
  body?: ZodType<B>;
  query?: ZodType<Q>;
  params?: ZodType<P>;
  /** For the OpenAPI document. */
  response?: ZodType;
  /** Success status (default 201 for POST that creates, else 200). */
  status?: number;
  /** The handler writes the response itself (files, CSV, raw bodies). */
  raw?: boolean;
  handle(input: HandlerInput<B, Q, P>): Promise<unknown>;
}

/** Declares a route; the key must be in the policy table. */
export function route<B = undefined, Q = Record<string, never>, P = Record<string, string>>(def: RouteDef<B, Q, P>): RouteDef {
  return def as unknown as RouteDef;
}

export function splitKey(key: RouteKey): { method: 'get' | 'post' | 'put' | 'patch' | 'delete'; path: string } {
  const [method, path] = key.split(' ') as [string, string];
  return { method: method.toLowerCase() as 'get', path };
}

/** Keys that would reach an object's prototype; JSON.parse makes them own properties that zod records drop silently. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Deeper input is refused before any schema recurses into it. */
const MAX_DEPTH = 32;

/**
 * The backstop under the schemas (issue 10 items 7 and 11): every string and key in the raw params,
 * query and body obeys the text rules of shared/src/schemas/text.ts, whatever schema the route has.
 * Body strings may hold tab and line breaks (the schemas' zText refuses them in single-line fields);
 * params and query may not. Iterative, so a deeply nested body cannot exhaust the stack.
 */
export function inputProblems(value: unknown, where: 'params' | 'query' | 'body'): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  const multiline = where === 'body';
  const stack: { v: unknown; path: string[] }[] = [{ v: value, path: where === 'body' ? [] : [where] }];
  while (stack.length > 0 && out.length < 20) {
    const { v, path } = stack.pop()!;
    const at = () => path.join('.');
    if (typeof v === 'string') {
      const problem = textProblem(v, multiline);
      if (problem) out.push({ path: at(), message: problem });
    } else if (v !== null && typeof v === 'object') {
      if (path.length - (where === 'body' ? 0 : 1) >= MAX_DEPTH) {
        out.push({ path: at(), message: `nested more than ${MAX_DEPTH} levels deep` });
        continue;
      }
      for (const k of Object.keys(v)) {
        const keyPath = [...path, k];
        if (FORBIDDEN_KEYS.has(k)) out.push({ path: keyPath.join('.'), message: `the key ${k} is not allowed` });
        else {
          const problem = textProblem(k, false);
          if (problem) out.push({ path: keyPath.join('.'), message: `key ${problem}` });
          else stack.push({ v: (v as Record<string, unknown>)[k], path: keyPath });
        }
      }
    }
  }
  return out;
}

function parse<T>(schema: ZodType<T> | undefined, value: unknown, where: 'params' | 'query' | 'body'): T {
  const problems = inputProblems(value, where);
  if (problems.length > 0) throw validationError(problems);
  if (!schema) return value as T;
  const r = schema.safeParse(value);
  if (!r.success) throw validationError(zodFields(r.error, where === 'body' ? '' : where));
  return r.data;
}

const IDEMPOTENCY_TTL_HOURS = 24;

/**
 * The fingerprint a replay must match: method, concrete path and body. The key's row is scoped to the
 * route pattern, so without the path one key reused on POST /trades/B/pay replayed A's answer for B.
 */
function requestHash(req: Request): string {
  return createHash('sha256')
    .update(JSON.stringify([req.method, req.baseUrl + req.path, req.body ?? null]))
    .digest('hex');
}

/**
 * Mounts route definitions on a router. Each route: role check from the policy, strict parsing of
 * params, query and body, and Idempotency-Key replay on POST (scoped to the user and route, 24 h).
 */
export function mountRoutes(router: Router, defs: RouteDef[], db: Db): void {
  const seen = new Set<string>();
  for (const def of defs) {
    if (seen.has(def.key)) throw new Error(`route ${def.key} is defined twice`);
    seen.add(def.key);
    const access: Access = POLICY[def.key];
    const { method, path } = splitKey(def.key);
    router[method](path, async (req: Request, res: Response) => {
      const actor = req.actor ?? null;
      if (access.who !== 'public' && !actor) throw new AppError(ErrorCodes.UNAUTHENTICATED, 'sign in first');
      if (!allows(access, actor?.roles ?? null))
        throw new AppError(ErrorCodes.FORBIDDEN_ROLE, `this action needs one of the roles: ${(access.who as string[]).join(', ')}`);
      // express.json leaves req.body unset for any other content type: refuse the body rather than act on {}.
      if (def.body && req.body === undefined && sentBody(req))
        throw validationError([{ path: 'Content-Type', message: 'send the body as JSON with Content-Type: application/json' }]);
      const params = parse(def.params, req.params, 'params');
      const query = parse(def.query, req.query ?? {}, 'query');
      const body = parse(def.body, def.body ? (req.body ?? {}) : undefined, 'body');

      const key = req.get('Idempotency-Key');
      const status = def.status ?? 200;
      const run = () => def.handle({ body, query, params, actor, req, res } as HandlerInput<unknown, unknown, unknown>);
      if (method !== 'post' || !key || !actor || def.raw) {
        const result = await run();
        if (!res.headersSent) res.status(status).json(result ?? {});
        return;
      }
      await withIdempotency(db, { userId: actor.userId, route: def.key, key, hash: requestHash(req) }, res, status, run);
    });
  }
}

async function withIdempotency(
  db: Db,
  k: { userId: string; route: string; key: string; hash: string },
  res: Response,
  status: number,
  run: () => Promise<unknown>,
): Promise<void> {
  if (k.key.length > 200) throw validationError([{ path: 'Idempotency-Key', message: 'at most 200 characters' }]);
  if (!/^[\x21-\x7E]+$/.test(k.key))
    throw validationError([{ path: 'Idempotency-Key', message: 'printable ASCII without spaces (a UUID is a good key)' }]);
  const where = and(eq(idempotencyKeys.userId, k.userId), eq(idempotencyKeys.route, k.route), eq(idempotencyKeys.key, k.key));
  // Expired keys are forgotten lazily, so the same key may be reused after 24 h.
  await db
    .delete(idempotencyKeys)
    .where(and(where, sql`${idempotencyKeys.createdAt} < now() - make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})`));
  const inserted = await db
    .insert(idempotencyKeys)
    .values({ userId: k.userId, route: k.route, key: k.key, requestHash: k.hash })
    .onConflictDoNothing()
    .returning();
  if (inserted.length === 0) {
    const [prior] = await db.select().from(idempotencyKeys).where(where);
    if (!prior) throw new AppError(ErrorCodes.INVALID_STATE, 'the idempotent request is being retried; try again');
    if (prior.requestHash !== k.hash)
      throw new AppError(ErrorCodes.IDEMPOTENCY_MISMATCH, 'this Idempotency-Key was used for a different request (another resource or body)');
    if (prior.statusCode == null)
      throw new AppError(ErrorCodes.INVALID_STATE, 'a request with this Idempotency-Key is still in progress', {
        allowed: ['retry later'],
      });
    res.setHeader('Idempotent-Replayed', 'true');
    res.status(prior.statusCode).json(prior.response);
    return;
  }
  let code = status;
  let payload: unknown;
  try {
    payload = (await run()) ?? {};
  } catch (err) {
    const appErr = toAppError(err);
    // Client errors are part of the answer and replay as such; server errors free the key for a retry.
    if (!appErr || STATUS[appErr.code] >= 500) {
      await db.delete(idempotencyKeys).where(where);
      throw err;
    }
    code = STATUS[appErr.code];
    payload = {
      error: { code: appErr.code, message: appErr.message, ...(appErr.details ? { details: appErr.details } : {}) },
      requestId: String(res.req.id ?? ''),
    };
  }
  await db.update(idempotencyKeys).set({ statusCode: code, response: payload as object }).where(where);
  res.status(code).json(payload);
}

/** The OpenAPI 3.1 document, generated from the same route definitions and zod schemas. */
export function openApiDocument(defs: RouteDef[], info: { title: string; version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const toJson = (s: ZodType) => z.toJSONSchema(s, { target: 'draft-2020-12', unrepresentable: 'any', io: 'input' });
  const errorRef = { $ref: '#/components/schemas/Error' };
  for (const def of defs) {
    const { method, path } = splitKey(def.key);
    const oaPath = '/api/v1' + path.replace(/:(\w+)/g, '{$1}');
    const access: Access = POLICY[def.key];
    const parameters: unknown[] = [];
    for (const name of path.match(/:(\w+)/g) ?? [])
      parameters.push({ name: name.slice(1), in: 'path', required: true, schema: { type: 'string' } });
    if (def.query) {
      const js = toJson(def.query) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(js.properties ?? {}))
        parameters.push({ name, in: 'query', required: js.required?.includes(name) ?? false, schema });
    }
    const op: Record<string, unknown> = {
      summary: def.summary,
      tags: def.tags ?? [path.split('/')[1] ?? 'misc'],
      description: `Access: ${access.who === 'public' ? 'anyone' : access.who === 'user' ? 'any signed-in user' : access.who.join(', ')}${
        access.rule ? ` (rule: ${access.rule})` : ''
      }.`,
      ...(access.who === 'public' ? {} : { security: [{ bearer: [] }] }),
      parameters,
      responses: {
        [String(def.status ?? 200)]: {
          description: 'success',
          ...(def.response ? { content: { 'application/json': { schema: toJson(def.response) } } } : {}),
        },
        default: { description: 'error envelope (DESIGN §7.1)', content: { 'application/json': { schema: errorRef } } },
      },
    };
    if (def.body) op.requestBody = { required: true, content: { 'application/json': { schema: toJson(def.body) } } };
    (paths[oaPath] ??= {})[method] = op;
  }
  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error', 'requestId'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' } },
            },
            requestId: { type: 'string' },
          },
        },
      },
    },
    paths,
  };
}

/** The request carries a body (a length above zero, or chunks). */
function sentBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) > 0);
}
