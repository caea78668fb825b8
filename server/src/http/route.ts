import { createHash } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { and, eq, sql } from 'drizzle-orm';
import { z, type ZodType } from 'zod';
import { AppError, ErrorCodes } from '../../../shared/src/errors.js';
import { isUserActor, type ClientActor, type UserActor } from './actor.js';
import type { Db } from '../db/client.js';
import { idempotencyKeys } from '../db/schema.js';
import {
  allows,
  POLICY,
  type ClientRouteKey,
  type PublicRouteKey,
  type RouteKey,
  type UserOrClientRouteKey,
  type Access,
} from './policy.js';
import { validationError, zodFields, toAppError, STATUS } from './errors.js';
import { textProblem } from '../../../shared/src/schemas/text.js';

/**
 * What a route's handler is given as its actor: a user on protected routes, a user or nobody on public
 * ones, a client on client routes, a user or a client on user routes with a `clientScope`.
 */
export type ActorFor<K extends RouteKey> = K extends PublicRouteKey
  ? UserActor | null
  : K extends ClientRouteKey
    ? ClientActor
    : K extends UserOrClientRouteKey
      ? UserActor | ClientActor
      : UserActor;

export interface HandlerInput<B, Q, P, A extends UserActor | ClientActor | null = UserActor | ClientActor | null> {
  body: B;
  query: Q;
  params: P;
  /** Never null on a protected route (the route layer answers 401 first); null on a public one without a token. */
  actor: A;
  req: Request;
  res: Response;
}

export interface RouteDef<B = unknown, Q = unknown, P = unknown, K extends RouteKey = RouteKey> {
  key: K;
  summary: string;
  tags?: string[];
  body?: ZodType<B>;
  query?: ZodType<Q>;
  params?: ZodType<P>;
  /** For the OpenAPI document. */
  response?: ZodType;
  /** The OpenAPI operationId, when the one derived from the key (operationIdOf) reads badly. */
  operationId?: string;
  /** Success status (default 201 for POST that creates, else 200). */
  status?: number;
  /** The handler writes the response itself (files, CSV, raw bodies). */
  raw?: boolean;
  /**
   * For the OpenAPI document only: the body of a route that reads it itself (the OAuth token endpoint
   * takes a form or JSON), listed under both media types.
   */
  documentedBody?: ZodType;
  /**
   * The route takes the request's bytes, not JSON (uploads): the Content-Type must be one of `types`
   * (else 415 UNSUPPORTED_MEDIA_TYPE), the body at most `limit` bytes (else 413), and the handler
   * gets it as a Buffer in `body`. The role check runs before a byte is read; no Idempotency-Key replay.
   */
  rawBody?: { types: readonly string[]; limit: number };
  handle(input: HandlerInput<B, Q, P, ActorFor<K>>): Promise<unknown>;
}

/** Declares a route; the key must be in the policy table, and its entry decides whether the handler may see no actor. */
export function route<B = undefined, Q = Record<string, never>, P = Record<string, string>, K extends RouteKey = RouteKey>(
  def: RouteDef<B, Q, P, K>,
): RouteDef {
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
    const admit = (req: Request): UserActor | ClientActor | null => {
      if (access.who === 'client') return admitClient(req, access.scope);
      // A user route that names a client scope admits a machine client holding it (the manifest export).
      if (access.clientScope && req.actor && !isUserActor(req.actor)) return admitClient(req, access.clientScope);
      // Otherwise machine clients have routes of their own; the user routes here admit people only.
      if (req.actor && !isUserActor(req.actor) && access.who !== 'public')
        throw new AppError(ErrorCodes.FORBIDDEN_ROLE, 'this route is for signed-in users, not machine clients');
      const actor = req.actor && isUserActor(req.actor) ? req.actor : null;
      if (access.who !== 'public' && !actor) throw new AppError(ErrorCodes.UNAUTHENTICATED, 'sign in first');
      if (!allows(access, actor?.roles ?? null))
        throw new AppError(
          ErrorCodes.FORBIDDEN_ROLE,
          `this action needs one of the roles: ${(access.who as string[]).join(', ')}`,
        );
      return actor;
    };
    const before = def.rawBody ? rawBodyParsers(def.rawBody, admit) : [];
    router[method](path, ...before, async (req: Request, res: Response) => {
      const actor = admit(req);
      // express.json leaves req.body unset for any other content type: refuse the body rather than act on {}.
      if (def.body && req.body === undefined && sentBody(req))
        throw validationError([{ path: 'Content-Type', message: 'send the body as JSON with Content-Type: application/json' }]);
      const params = parse(def.params, req.params, 'params');
      const query = parse(def.query, req.query ?? {}, 'query');
      const body = def.rawBody ? rawBodyOf(req) : parse(def.body, def.body ? (req.body ?? {}) : undefined, 'body');

      const key = req.get('Idempotency-Key');
      const status = def.status ?? 200;
      const run = () => def.handle({ body, query, params, actor, req, res } as HandlerInput<unknown, unknown, unknown>);
      // Client routes are idempotent by the client's source id instead (inbound changes).
      if (method !== 'post' || !key || !actor || !isUserActor(actor) || def.raw || def.rawBody) {
        const result = await run();
        if (!res.headersSent) res.status(status).json(result ?? {});
        return;
      }
      await withIdempotency(db, { userId: actor.userId, route: def.key, key, hash: requestHash(req) }, res, status, run);
    });
  }
}

/**
 * A client token (none: 401; a user's: 403 FORBIDDEN_ROLE) carrying `scope` when one is needed (else 403
 * INSUFFICIENT_SCOPE): the route's `scope` on a client route, its `clientScope` on a user route.
 */
function admitClient(req: Request, scope: string | undefined): ClientActor {
  if (!req.actor) throw new AppError(ErrorCodes.UNAUTHENTICATED, 'send a machine client token (POST /api/v1/oauth/token)');
  if (isUserActor(req.actor))
    throw new AppError(ErrorCodes.FORBIDDEN_ROLE, 'this route is for machine clients, not signed-in users');
  if (scope && !req.actor.scopes.includes(scope))
    throw new AppError(ErrorCodes.INSUFFICIENT_SCOPE, `this needs the scope ${scope}`, { scope });
  return req.actor;
}

/**
 * The middleware in front of a raw-body route: the role check first (no bytes read for a caller who
 * may not upload), then the Content-Type against the allowlist (415), then the bytes up to the limit (413).
 */
function rawBodyParsers(spec: { types: readonly string[]; limit: number }, admit: (req: Request) => unknown) {
  const types = [...spec.types];
  const check = (req: Request, _res: Response, next: NextFunction) => {
    admit(req);
    if (!req.is(types))
      throw new AppError(ErrorCodes.UNSUPPORTED_MEDIA_TYPE, `send the file's bytes with Content-Type ${types.join(', ')}`, {
        allowed: types,
      });
    next();
  };
  return [check, express.raw({ type: types, limit: spec.limit })];
}

function rawBodyOf(req: Request): Buffer {
  if (!Buffer.isBuffer(req.body) || req.body.length === 0)
    throw validationError([{ path: 'body', message: "the file's bytes are missing" }]);
  return req.body;
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
      throw new AppError(
        ErrorCodes.IDEMPOTENCY_MISMATCH,
        'this Idempotency-Key was used for a different request (another resource or body)',
      );
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
  await db
    .update(idempotencyKeys)
    .set({ statusCode: code, response: payload as object })
    .where(where);
  res.status(code).json(payload);
}

/**
 * The operationId of a route: its explicit `operationId`, else the method and the path in camelCase,
 * path parameters as `By<Name>` ('POST /trades/:id/pay' → postTradesByIdPay). Deterministic, so a
 * generated client keeps its method names while the route table grows.
 */
export function operationIdOf(def: Pick<RouteDef, 'key' | 'operationId'>): string {
  if (def.operationId) return def.operationId;
  const { method, path } = splitKey(def.key);
  const words = path
    .split('/')
    .filter(Boolean)
    .flatMap((seg) => (seg.startsWith(':') ? ['by', seg.slice(1)] : seg.split(/[-_]/)));
  return method + words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

/** Error responses every operation may list, each the §7.1 envelope (components.responses). */
const ERROR_RESPONSES = {
  BadRequest: ['400', 'VALIDATION_FAILED: a path parameter, query field or body field is invalid; details.fields names each'],
  Unauthenticated: ['401', 'UNAUTHENTICATED: no access token, or an expired or invalid one'],
  Forbidden: [
    '403',
    "the caller's role may not do this (FORBIDDEN_ROLE), or a licence or party rule refuses it (code in error.code)",
  ],
  NotFound: ['404', 'NOT_FOUND: no such object, or one the caller may not see'],
  Conflict: [
    '409',
    "the object's state does not allow this (INVALID_STATE, CONFLICT), or the Idempotency-Key was used with another body",
  ],
  TooLarge: ['413', 'PAYLOAD_TOO_LARGE: the body is larger than the limit'],
  UnsupportedMedia: [
    '415',
    'UNSUPPORTED_MEDIA_TYPE: the Content-Type, or the type read from the bytes, is not one the route accepts',
  ],
  Unprocessable: [
    '422',
    'a business rule refused the request (for example PRICE_OUT_OF_RANGE, BELOW_RESERVE, CAPACITY_EXCEEDED)',
  ],
  TooManyRequests: ['429', 'RATE_LIMITED: too many requests from this address; Retry-After says when to try again'],
} as const;
type ErrorResponse = keyof typeof ERROR_RESPONSES;

/** Which error responses a route can give, from its policy entry, its path and its inputs. */
function errorResponsesOf(def: RouteDef, access: Access, method: string, path: string): Record<string, unknown> {
  const list: ErrorResponse[] = [];
  const hasParams = path.includes(':');
  if (hasParams || def.query || def.body || def.rawBody) list.push('BadRequest');
  if (access.who !== 'public') list.push('Unauthenticated');
  if (Array.isArray(access.who) || access.rule || access.who === 'client') list.push('Forbidden');
  if (hasParams) list.push('NotFound');
  const changes = method !== 'get';
  if (changes && access.who !== 'public') list.push('Conflict');
  if (def.rawBody) list.push('TooLarge', 'UnsupportedMedia');
  if (changes && Array.isArray(access.who)) list.push('Unprocessable');
  list.push('TooManyRequests'); // the limiter covers all of /api/v1
  return Object.fromEntries(list.map((r) => [ERROR_RESPONSES[r][0], { $ref: `#/components/responses/${r}` }]));
}

/**
 * zod writes `z.record(z.enum([...]), v)` as propertyNames + additionalProperties + required; a client
 * generator wants the keys as properties. Same meaning, spelled so every required key is defined.
 */
function recordsAsProperties(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(recordsAsProperties);
  if (!node || typeof node !== 'object') return node;
  const o = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, recordsAsProperties(v)])) as Record<string, unknown>;
  const keys = (o.propertyNames as { enum?: unknown[] } | undefined)?.enum;
  if (
    o.type === 'object' &&
    !o.properties &&
    Array.isArray(keys) &&
    o.additionalProperties &&
    typeof o.additionalProperties === 'object'
  ) {
    const { propertyNames: _names, additionalProperties: value, ...rest } = o;
    return { ...rest, properties: Object.fromEntries(keys.map((k) => [String(k), value])), additionalProperties: false };
  }
  return o;
}

/**
 * The OpenAPI 3.1 document, generated from the same route definitions and zod schemas. `extraPaths`
 * describes what is mounted outside the route table (the Stripe webhook); its operations may use the
 * shared error responses (`#/components/responses/BadRequest`, …).
 */
export function openApiDocument(
  defs: RouteDef[],
  info: { title: string; version: string; license?: { name: string; url?: string } },
  extraPaths: Record<string, Record<string, Record<string, unknown>>> = {},
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const toJson = (s: ZodType) =>
    recordsAsProperties(z.toJSONSchema(s, { target: 'draft-2020-12', unrepresentable: 'any', io: 'input' }));
  const errorRef = { $ref: '#/components/schemas/Error' };
  const operationIds = new Set<string>();
  for (const def of defs) {
    const { method, path } = splitKey(def.key);
    const oaPath = '/api/v1' + path.replace(/:(\w+)/g, '{$1}');
    const access: Access = POLICY[def.key];
    const operationId = operationIdOf(def);
    if (operationIds.has(operationId)) throw new Error(`operationId ${operationId} (${def.key}) is used twice`);
    operationIds.add(operationId);
    const parameters: unknown[] = [];
    for (const name of path.match(/:(\w+)/g) ?? [])
      parameters.push({ name: name.slice(1), in: 'path', required: true, schema: { type: 'string' } });
    if (def.query) {
      const js = toJson(def.query) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(js.properties ?? {}))
        parameters.push({ name, in: 'query', required: js.required?.includes(name) ?? false, schema });
    }
    const op: Record<string, unknown> = {
      operationId,
      summary: def.summary,
      tags: def.tags ?? [path.split('/')[1] ?? 'misc'],
      description: `Access: ${
        access.who === 'public'
          ? 'anyone'
          : access.who === 'user'
            ? 'any signed-in user'
            : access.who === 'client'
              ? `a machine client token${access.scope ? ` with the scope ${access.scope}` : ''}`
              : access.who.join(', ')
      }${access.rule ? ` (rule: ${access.rule})` : ''}${
        access.clientScope ? `; also a machine client token with the scope ${access.clientScope}` : ''
      }.`,
      // Public operations say so: the document's default is the bearer token.
      security: access.who === 'public' ? [] : [{ bearer: [] }],
      parameters,
      responses: {
        [String(def.status ?? 200)]: {
          description: 'success',
          ...(def.response ? { content: { 'application/json': { schema: toJson(def.response) } } } : {}),
        },
        ...errorResponsesOf(def, access, method, path),
        default: { description: 'error envelope (DESIGN §7.1)', content: { 'application/json': { schema: errorRef } } },
      },
    };
    if (def.body) op.requestBody = { required: true, content: { 'application/json': { schema: toJson(def.body) } } };
    if (def.documentedBody) {
      const schema = toJson(def.documentedBody);
      op.requestBody = {
        required: true,
        content: { 'application/x-www-form-urlencoded': { schema }, 'application/json': { schema } },
      };
    }
    if (def.rawBody)
      op.requestBody = {
        required: true,
        description: `the file's bytes, at most ${def.rawBody.limit} bytes; the type is checked from the content (415 otherwise)`,
        content: Object.fromEntries(def.rawBody.types.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])),
      };
    (paths[oaPath] ??= {})[method] = op;
  }
  for (const [p, ops] of Object.entries(extraPaths))
    for (const [method, op] of Object.entries(ops)) {
      if (typeof op.operationId === 'string' && operationIds.has(op.operationId))
        throw new Error(`operationId ${op.operationId} is used twice`);
      (paths[p] ??= {})[method] = op;
    }
  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      responses: Object.fromEntries(
        Object.entries(ERROR_RESPONSES).map(([name, [, description]]) => [
          name,
          { description, content: { 'application/json': { schema: errorRef } } },
        ]),
      ),
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
