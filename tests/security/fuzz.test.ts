/**
 * Fuzz of every operation in the served OpenAPI document (GET /api/openapi.json), RELIABILITY A4/A7,
 * DESIGN §7.1. Inputs come from each operation's JSON Schemas: a valid request (real ids of existing
 * objects in the path, a valid body, an allowed caller) with one part broken — NUL, C0/C1 controls,
 * bidi overrides, huge and fractional numbers, wrong types, deep nesting, extra keys such as
 * __proto__, missing required fields, garbage path ids and query values — plus odd content types and
 * encodings. Every answer must be below 500; every 4xx must be the §7.1 envelope with the status of
 * its code; a refused request must leave every table as it was (row counts and a checksum of all
 * rows, before and after).
 *
 * It needs PostgreSQL and Redis, so it runs in CI legs a and c and skips in leg b (ZWX_SERVICES_OMITTED):
 * the PostgreSQL server is what refuses NUL bytes and out-of-range values, which PGlite reports
 * differently; the rate limiter runs on Redis. Leg c (Node 24) runs it too on purpose: JSON, zlib and
 * URL decoding belong to the runtime, and the file costs about a minute.
 *
 *   FUZZ_RUNS  generated inputs per operation and dimension (default 40: about 1.5 minutes on 2 cores)
 *   FUZZ_SEED  fast-check seed; printed at the start of every run, set it to replay a failure
 *   FUZZ_ONLY  regular expression on the operation key (e.g. 'POST /listings$') to replay one
 */
import { createHmac } from 'node:crypto';
import { gzipSync, deflateSync } from 'node:zlib';
import { expect } from 'chai';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { requirePostgres, requireRedis } from '../helpers/services.js';
import {
  PASSWORD,
  addMember,
  adminToken,
  auth,
  createCreditAgency,
  createRegulator,
  licenceBody,
  login,
  makeUscc,
  registerOrg,
  registrationBody,
  submitLicence,
  uniqueEmail,
  type OrgActor,
} from '../helpers/actors.js';
import {
  DAY,
  createGenerator,
  createListing,
  createRecycler,
  flyAshListing,
  inSeconds,
  placeBid,
  steelListing,
} from '../helpers/trading.js';
import { createCarrier, flyAshDeal, openTrip, slagDeal, tripBody } from '../helpers/manifests.js';
import { clientToken, registerClient } from '../helpers/clients.js';
import { CLIENT_SCOPES } from '../../shared/src/schemas/clients.js';
import { rows, inTransaction } from '../../server/src/db/tx.js';
import { raiseAlert } from '../../server/src/modules/alerts/service.js';
import { STATUS } from '../../server/src/http/errors.js';
import { allRoutes } from '../../server/src/app.js';
import { ErrorCodes } from '../../shared/src/errors.js';

const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS ?? 40) || 40);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : (Date.now() ^ Math.floor(Math.random() * 2 ** 31)) | 0;
const ONLY = process.env.FUZZ_ONLY ? new RegExp(process.env.FUZZ_ONLY) : null;

// ── JSON Schema (the subset zod emits) ─────────────────────────────────────────────────────────────

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  default?: unknown;
}

interface Parameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: JsonSchema;
}

interface Operation {
  /** The policy key, e.g. 'POST /listings/:id/bids'. */
  key: string;
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** The OpenAPI path, e.g. '/api/v1/listings/{id}/bids'. */
  path: string;
  parameters: Parameter[];
  body: JsonSchema | null;
  /** A raw-body route (uploads): the Content-Types its requestBody accepts; null for JSON routes. */
  rawTypes: string[] | null;
}

/** A minimal valid PDF, and bytes of another kind (a Windows executable) for the raw-body routes. */
const PDF_BYTES = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');
const EXE_BYTES = Buffer.concat([Buffer.from('MZ', 'latin1'), Buffer.alloc(64, 0x90)]);

function typesOf(s: JsonSchema): string[] {
  if (s.type) return Array.isArray(s.type) ? s.type : [s.type];
  if (s.enum) return [...new Set(s.enum.map((v) => (v === null ? 'null' : typeof v)))];
  if (s.const !== undefined) return [typeof s.const];
  return [];
}

// ── Values that JSON.stringify cannot make ───────────────────────────────────────────────────────

/** A literal JSON token (1e400, 30-digit integers, deep nesting), spliced into the body text as is. */
class Raw {
  constructor(readonly text: string) {}
}

function toJson(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_k, v: unknown) => (v instanceof Raw ? `\u0001RAW${raws.push(v.text) - 1}\u0001` : v));
  return (text ?? 'null').replace(/"\\u0001RAW(\d+)\\u0001"/g, (_m, i: string) => raws[Number(i)]!);
}

/** Sets an own enumerable property, also for '__proto__'. */
function withKey(obj: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj))
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

function without(obj: Record<string, unknown>, key: string): Record<string, unknown> {
  const out = { ...obj };
  delete out[key];
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Raw);

/** A short printable form of an input: control and invisible characters escaped, long values cut. */
function show(value: unknown, max = 140): string {
  const text = (typeof value === 'string' ? JSON.stringify(value) : toJson(value)).replace(
    /[\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text;
}

// ── Bad and boundary values per JSON Schema ──────────────────────────────────────────────────────

/** NUL, C0 and C1 controls, bidi overrides and isolates, zero-width characters, lone surrogates. */
const NASTY_CHARS = [
  '\u0000',
  '\u0001',
  '\u0007',
  '\u0008',
  '\u000b',
  '\u001b',
  '\u001f',
  '\u007f',
  '\u0085',
  '\u009b',
  '\u009f',
  '\u202e',
  '\u202d',
  '\u2066',
  '\u2069',
  '\u200b',
  '\u200d',
  '\u2060',
  '\ufeff',
  '\ud800',
  '\udfff',
  '\r\n',
];

const DEEP = (n: number, kind: 'array' | 'object') =>
  new Raw(kind === 'array' ? '['.repeat(n) + ']'.repeat(n) : '{"a":'.repeat(n) + '1' + '}'.repeat(n));

/** Values of the wrong type for any field. */
const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    false,
    0,
    -1,
    '',
    ' ',
    'x',
    [],
    {},
    [null],
    { '': null },
    '[object Object]',
    'null',
    'undefined',
  ),
  fc.constantFrom(10, 1_000, 20_000).chain((n) => fc.constantFrom(DEEP(n, 'array'), DEEP(n, 'object'))),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Numbers a JSON number can hold, and tokens that overflow or lose precision. */
function numberValues(s: JsonSchema): fc.Arbitrary<unknown> {
  const bounds: unknown[] = [];
  for (const b of [s.minimum, s.maximum, s.exclusiveMinimum, s.exclusiveMaximum])
    if (typeof b === 'number') bounds.push(b, b - 1, b + 1, b + 0.5);
  return fc.oneof(
    fc.constantFrom<unknown>(
      ...bounds,
      -1,
      0,
      -0,
      0.5,
      1.5,
      -2.5,
      2 ** 31,
      -(2 ** 31) - 1,
      2 ** 32,
      2 ** 53 - 1,
      2 ** 53 + 2,
      2 ** 63,
      -(2 ** 63),
      1e21,
      -1e21,
      1e308,
      -1e308,
      Number.MIN_VALUE,
      Number.MAX_SAFE_INTEGER,
      -Number.MAX_SAFE_INTEGER,
      new Raw('1e400'),
      new Raw('-1e400'),
      new Raw('123456789012345678901234567890'),
      new Raw('1.0'),
      new Raw('1e2'),
      new Raw('-0'),
      new Raw('1E-400'),
      new Raw('0.1e1'),
      '1',
      '1e3',
      '0x10',
      'NaN',
      'Infinity',
      '-Infinity',
      '',
      ' 1',
    ),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map((b) => new Raw(b.toString())),
  );
}

/** Strings that break text columns, length limits, enums, dates and formats. */
function stringValues(s: JsonSchema, sample: unknown, bodyLimit: number): fc.Arbitrary<unknown> {
  const base =
    typeof sample === 'string' && sample.length > 0 ? sample : typeof s.enum?.[0] === 'string' ? (s.enum[0] as string) : 'abc';
  const options: fc.Arbitrary<unknown>[] = [
    // One nasty character inside an otherwise valid value (a NUL in an enum value, a date, a uuid…).
    fc.tuple(fc.constantFrom(...NASTY_CHARS), fc.nat(base.length)).map(([c, i]) => base.slice(0, i) + c + base.slice(i)),
    fc.array(fc.constantFrom(...NASTY_CHARS), { minLength: 1, maxLength: 4 }).map((a) => a.join('')),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom(
      '',
      ' ',
      '\t',
      '\n',
      '\u00a0',
      '%00',
      '\\u0000',
      "'; drop table users; --",
      '{{7*7}}',
      '../../etc/passwd',
      '🙂'.repeat(3),
    ),
    // Length limits: one past the maximum, and a string that brings the body near the limit.
    fc.constant(s.maxLength !== undefined ? 'x'.repeat(s.maxLength + 1) : 'x'.repeat(70_000)),
    fc.constant('é'.repeat(Math.floor(bodyLimit / 2) - 400)),
    fc.constant(s.minLength !== undefined && s.minLength > 0 ? 'x'.repeat(s.minLength - 1) : ''),
    wrongType,
  ];
  if (s.enum) {
    const e = String(s.enum[0]);
    options.push(fc.constantFrom(e.toUpperCase(), ` ${e}`, `${e} `, `${e}\u0000`, e.normalize('NFD') + '\u0301', `${e},${e}`));
  }
  if (s.format === 'date-time' || (s.pattern && s.pattern.includes('T(?:'))) {
    options.push(
      fc.constantFrom(
        '9999-12-31T23:59:59Z',
        '0000-01-01T00:00:00Z',
        '0001-01-01T00:00:00Z',
        '1970-01-01T00:00:00Z',
        '2038-01-19T03:14:08Z',
        '2024-02-29T00:00:00Z',
        '2023-02-29T00:00:00Z',
        '2024-01-01T24:00:00Z',
        '2024-01-01T00:00:00+23:59',
        '2024-01-01T00:00:00.123456789Z',
        '+275760-09-13T00:00:00Z',
        '2024-01-01',
        '2024-01-01T00:00:00',
        'now',
        '1e12',
      ),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    );
  } else if (s.pattern && /\\d\{4\}-\\d\{2\}-\\d\{2\}/.test(s.pattern)) {
    // A pattern that lets through any 4-2-2 digits: impossible calendar dates reach the service.
    options.push(
      fc.constantFrom(
        '0000-00-00',
        '9999-99-99',
        '2023-02-29',
        '2024-02-30',
        '2024-13-01',
        '0000-01-01',
        '9999-12-31',
        '1899-12-31',
        '2024-04-31',
      ),
      fc
        .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }))
        .map(([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`),
    );
  } else if (s.pattern) {
    // Values that match the pattern (boundary-valid), and near misses.
    try {
      options.push(fc.stringMatching(new RegExp(s.pattern)).filter((x) => x.length <= 500));
    } catch {
      /* a pattern fast-check cannot generate from */
    }
  }
  if (s.format === 'uuid')
    options.push(
      fc.constantFrom(
        '00000000-0000-0000-0000-000000000000',
        'ffffffff-ffff-ffff-ffff-ffffffffffff',
        'not-a-uuid',
        '00000000000000000000000000000000',
      ),
    );
  if (s.format === 'email' || /email/i.test(String(sample)))
    options.push(fc.constantFrom('a@b', '@', 'a@b.c\u0000', `${'a'.repeat(250)}@b.co`, 'A@B.CO', '"a b"@c.de'));
  return fc.oneof(...options);
}

/** A bad or boundary value for one schema node (the sample is the valid value it replaces, if any). */
function badValue(s: JsonSchema, sample: unknown, bodyLimit: number): fc.Arbitrary<unknown> {
  const branches = s.anyOf ?? s.oneOf;
  if (branches) return fc.oneof(wrongType, ...branches.map((b) => badValue(b, sample, bodyLimit)));
  const types = typesOf(s);
  const options: fc.Arbitrary<unknown>[] = [wrongType];
  if (types.includes('string')) options.push(stringValues(s, sample, bodyLimit));
  if (types.includes('integer') || types.includes('number')) options.push(numberValues(s));
  if (types.includes('boolean')) options.push(fc.constantFrom<unknown>('true', 'false', 1, 0, 'yes', null));
  if (types.includes('array')) {
    const item = Array.isArray(sample) && sample.length ? sample[0] : (s.items?.enum?.[0] ?? 'x');
    options.push(
      fc.constantFrom<unknown>(
        [],
        [item, item],
        Array.from({ length: (s.maxItems ?? 1_000) + 1 }, () => item),
        Array.from({ length: 5_000 }, () => null),
      ),
      ...(s.items ? [badValue(s.items, item, bodyLimit).map((v) => [v])] : []),
    );
  }
  if (types.includes('object') || s.properties) options.push(fc.constantFrom<unknown>([], 'object', DEEP(5_000, 'object')));
  return fc.oneof(...options);
}

interface Mutation {
  value: unknown;
  what: string;
}

const EXTRA_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '',
  ' ',
  'a.b',
  '$where',
  '\u0000',
  'id',
  'orgId',
  'status',
  'isAdmin',
];

/** One mutation of a valid document: one field replaced, removed or added, at any depth. */
function mutate(s: JsonSchema, sample: unknown, where: string, bodyLimit: number, depth = 0): fc.Arbitrary<Mutation> {
  const options: fc.Arbitrary<Mutation>[] = [
    badValue(s, sample, bodyLimit).map((value) => ({ value, what: `${where} = ${show(value)}` })),
  ];
  const branches = s.anyOf ?? s.oneOf;
  if (branches && depth < 6)
    for (const b of branches) if (b.properties || b.items) options.push(mutate(b, sample, where, bodyLimit, depth + 1));
  if ((s.properties || typesOf(s).includes('object')) && depth < 6) {
    const obj = isObject(sample) ? sample : {};
    for (const [k, ps] of Object.entries(s.properties ?? {}))
      options.push(
        mutate(ps, obj[k], `${where}.${k}`, bodyLimit, depth + 1).map((m) => ({ value: withKey(obj, k, m.value), what: m.what })),
      );
    const present = (s.required ?? []).filter((k) => k in obj);
    if (present.length)
      options.push(fc.constantFrom(...present).map((k) => ({ value: without(obj, k), what: `${where}.${k} missing` })));
    options.push(
      fc
        .tuple(fc.constantFrom(...EXTRA_KEYS), wrongType)
        .map(([k, v]) => ({ value: withKey(obj, k, v), what: `${where} + extra key ${JSON.stringify(k)} = ${show(v, 40)}` })),
    );
  }
  if (s.items && Array.isArray(sample) && sample.length && depth < 6)
    options.push(
      mutate(s.items, sample[0], `${where}[0]`, bodyLimit, depth + 1).map((m) => ({
        value: [m.value, ...sample.slice(1)],
        what: m.what,
      })),
    );
  return fc.oneof(...options);
}

/** Query values are strings: bad and boundary strings, numbers written every odd way, repeated keys. */
function badQueryValue(name: string, s: JsonSchema): fc.Arbitrary<string | string[]> {
  const types = typesOf(s);
  // Node answers a request line over 16 KiB with a bare 431 before the app sees it; stay below that.
  const asText = (v: unknown): string => (typeof v === 'string' ? v : v instanceof Raw ? v.text : toJson(v)).slice(0, 2_000);
  const options: fc.Arbitrary<string | string[]>[] = [
    stringValues({ ...s, type: 'string', format: s.format }, typeof s.enum?.[0] === 'string' ? s.enum[0] : undefined, 4_000).map(
      asText,
    ),
    fc.constantFrom<string | string[]>(
      ['a', 'b'],
      ['', ''],
      '99999999999999999999',
      '-1',
      '1.5',
      '1e400',
      '0x10',
      '',
      ' ',
      'null',
      '[]',
      '{}',
    ),
  ];
  if (types.includes('integer') || types.includes('number')) options.push(numberValues(s).map(asText));
  // Cursors are base64url JSON tuples: well-formed ones whose items are of the wrong type or out of range.
  if (name === 'cursor' || name === 'after') {
    const dateish = fc.constantFrom<unknown>(
      '2024-02-30T00:00:00Z',
      '0000-01-01T00:00:00Z',
      '+275760-09-13T00:00:00Z',
      '-000001-01-01T00:00:00Z',
      '2024-02-30',
      '9999-12-31',
      'x\u0000',
      1e300,
    );
    const idish = fc.constantFrom<unknown>(
      'not-a-uuid',
      'x\u0000y',
      '00000000-0000-0000-0000-000000000000',
      '',
      -1,
      2 ** 53 + 2,
      1e300,
      0.5,
      null,
      [],
      {},
    );
    const item = fc.oneof(dateish, idish, fc.string({ unit: 'binary', maxLength: 20 }));
    const tuple = fc.oneof(fc.tuple(dateish, idish), fc.tuple(idish), fc.tuple(idish, dateish), fc.array(item, { maxLength: 4 }));
    options.push(tuple.map((v) => Buffer.from(JSON.stringify(v)).toString('base64url')));
  }
  return fc.oneof(...options);
}

/** What kind of input an attempt is, from its printed form, to group failures by likely root cause. */
function inputClass(what: string): string {
  if (/\\u0000|%00/i.test(what)) return 'NUL';
  if (/\\u00(0[1-9a-f]|1[0-9a-f]|7f|8[0-9a-f]|9[0-9a-f])|\\[bf]|%0a/i.test(what)) return 'C0/C1 control';
  if (/\\u(202[a-e]|206[6-9]|200[b-f]|2060|feff)|%E2%80/i.test(what)) return 'bidi or zero-width';
  if (/\\ud[89a-f]|%ED%A0/i.test(what)) return 'lone surrogate';
  if (what.includes('extra key') || /\?(__proto__|constructor)=/.test(what)) return 'extra key';
  if (what.endsWith('missing')) return 'missing field';
  if (what.includes('(raw)') || /=%|=%zz/.test(what)) return 'bad percent-encoding';
  if (what.endsWith('chars)')) return 'long value';
  if (/\d{4}-\d{2}-\d{2}/.test(what)) return 'date';
  if (/[=:]\s?"?-?\d{10,}|\de[+-]?\d{3}|\dE-?\d{3}/.test(what)) return 'huge number';
  if (/[=:]\s?"?-?\d+\.\d+/.test(what)) return 'fraction';
  if (/\[{3,}|(\{"a":){3,}/.test(what)) return 'deep nesting';
  return 'other';
}

/** encodeURIComponent, except that a lone surrogate is sent as the UTF-8 bytes a careless client would send (ED A0 80). */
function percentEncode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...s]
      .map((c) => {
        const cp = c.codePointAt(0)!;
        if (cp < 0xd800 || cp > 0xdfff) return encodeURIComponent(c);
        return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)]
          .map((b) => `%${b.toString(16).toUpperCase()}`)
          .join('');
      })
      .join('');
  }
}

const STRIPE_ENV = {
  PAYMENT_PROVIDER: 'simulated',
  STRIPE_SECRET_KEY: 'sk_test_fuzz',
  STRIPE_WEBHOOK_SECRET: 'whsec_fuzz_right_secret',
  STRIPE_API_HOST: '127.0.0.1',
  STRIPE_API_PORT: '9',
  STRIPE_API_PROTOCOL: 'http',
};

/** A Stripe-Signature header in Stripe's format (t=…,v1=HMAC-SHA256 of "t.payload"), made with a secret the server does not hold. */
function misSigned(payload: string): string {
  const t = Math.floor(Date.now() / 1000);
  return `t=${t},v1=${createHmac('sha256', 'whsec_fuzz_wrong_secret').update(`${t}.${payload}`).digest('hex')}`;
}

/** Refusals that write by design, each with its reason; any other refused request must leave every table as it was. */
const WRITES_ON_REFUSAL: { code: string; op?: string; tables: string[]; why: string }[] = [
  {
    code: 'UNAUTHENTICATED',
    op: 'POST /auth/refresh',
    tables: ['refresh_tokens', 'users'],
    why: 'a reused refresh token revokes its whole family and bumps the user’s token version, ending the access tokens it may have minted (auth/service.ts refresh)',
  },
  {
    code: 'UNAUTHENTICATED',
    op: 'POST /auth/login',
    tables: ['login_throttle'],
    why: 'a wrong password is counted per (account, client address) when the attempt starts, so parallel guesses cannot pass the check (auth/throttle.ts, ADR 0007)',
  },
  {
    code: 'PRICE_OUT_OF_RANGE',
    tables: ['alerts', 'outbox', 'room_seq', 'feed_events'],
    why: 'a refused price raises a price_rejected alert for the district’s regulators (prices/service.ts gatePrice), which also enters the alerts topic feed',
  },
];

// ── Requests ─────────────────────────────────────────────────────────────────────────────────────

interface Attempt {
  op: Operation;
  dimension: 'body' | 'query' | 'path' | 'content';
  what: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** A body no client could mean as this route's JSON: acting on it (any 2xx) is a failure too. */
  mustRefuse?: boolean;
}

interface Answer {
  status: number;
  text: string;
  contentType: string;
  body: unknown;
}

/** What each operation needs to get past authorisation and lookups: the caller, path values, valid inputs. */
interface Fixture {
  as: string | null;
  params?: Record<string, string>;
  body?: Record<string, unknown>;
  query?: Record<string, string>;
  /** Headers the operation needs besides the caller's token (the Stripe webhook's signature). */
  headers?: Record<string, string>;
  /**
   * Restores what the fixture relies on after an attempt changed it (a password changed, a sign-in
   * pair counted), so later attempts still reach the handler; runs outside the checked window and
   * returns whether it wrote.
   */
  settle?: (answer: Answer) => Promise<boolean>;
  /** A raw-body route's valid bytes and Content-Type (POST /documents). */
  raw?: { type: string; bytes: Buffer };
}

describe('security: fuzz of every operation in the OpenAPI document (PostgreSQL + Redis)', function () {
  this.timeout(600_000);
  let t: TestApp;
  let ops: Operation[];
  let bodyLimit: number;
  const tokens: Record<string, string> = {};
  const fixtures: Record<string, Fixture> = {};
  let checksumSql = '';
  /** Every distinct problem (operation + dimension + what went wrong), with its first inputs. */
  const problems = new Map<string, { count: number; ops: Set<string>; examples: string[] }>();
  const statuses = new Map<number, number>();

  before(async function () {
    requirePostgres(this);
    requireRedis(this);
    console.log(`    fuzz: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}${ONLY ? ` FUZZ_ONLY=${ONLY.source}` : ''} (set them to replay)`);
    // Jobs stay stopped so nothing but the request under test writes to the database.
    // Stripe is configured (for its webhook's signature check) but not the provider; its API host is
    // a closed local port, and no event the fuzz sends is signed with the right secret.
    t = await createTestApp({ useRedis: true, startJobs: false, env: { WEBHOOK_ALLOW_LOOPBACK: 'true', ...STRIPE_ENV } });
    const limit = /^(\d+)(kb|mb)$/.exec(t.ctx.config.BODY_LIMIT)!;
    bodyLimit = Number(limit[1]) * (limit[2] === 'mb' ? 1024 * 1024 : 1024);
    ops = readOperations((await t.request.get('/api/openapi.json').expect(200)).body);
    await buildWorld();
    const tables = await rows<{ tablename: string }>(
      t.ctx.db,
      sql`select tablename from pg_tables where schemaname = 'public' order by tablename`,
    );
    checksumSql = tables
      .map(
        ({ tablename: n }) =>
          `select '${n}' as t, count(*)::int as n, md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as h from "${n}" x`,
      )
      .join(' union all ');
  });
  after(async () => {
    await t?.close();
  });

  function readOperations(doc: {
    paths: Record<
      string,
      Record<string, { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: JsonSchema }> } }>
    >;
  }): Operation[] {
    const out: Operation[] = [];
    for (const [path, methods] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(methods)) {
        const key = `${method.toUpperCase()} ${path.replace(/^\/api\/v1/, '').replace(/\{(\w+)\}/g, ':$1')}`;
        out.push({
          key,
          method: method as Operation['method'],
          path,
          parameters: op.parameters ?? [],
          body: op.requestBody?.content['application/json']?.schema ?? null,
          rawTypes: op.requestBody && !op.requestBody.content['application/json'] ? Object.keys(op.requestBody.content) : null,
        });
      }
    return out;
  }

  /** The objects the operations act on, each made through the public API as a user would. */
  async function buildWorld(): Promise<void> {
    const r = t.request;
    const admin = await adminToken(r);
    const gen = await createGenerator(r);
    const rec = await createRecycler(r, { admin });
    const suspendable = await createRecycler(r, { admin });
    const regulator = await createRegulator(r, 'city', admin);
    const agency = await createCreditAgency(r, admin);
    const pendingOwner = await registerOrg(r, { roles: ['recycler'] });
    const pending = await submitLicence(r, pendingOwner);
    const rejectable = await submitLicence(r, pendingOwner);
    const revocable = await createRecycler(r, { admin });
    const reinstatable = await createRecycler(r, { admin });
    expect((await r.post(`/api/v1/licences/${reinstatable.licenceId!}/suspend`).set(auth(admin)).send({})).status).to.equal(200);
    const throwaway = await registerOrg(r, { roles: ['carrier'] });
    // Members of the throwaway org for the session routes: each fixture acts on a user of its own,
    // so a password changed or a user disabled by one operation leaves the others' callers alone.
    const passwordChanger = await addMember(r, throwaway);
    const resetHolder = await addMember(r, throwaway);
    const resetSubject = await addMember(r, throwaway);
    const disableSubject = await addMember(r, throwaway);
    const removeSubject = await addMember(r, throwaway);
    const issueReset = async (userId: string): Promise<string> => {
      const res = await r.post(`/api/v1/admin/users/${userId}/reset`).set(auth(admin));
      expect(res.status, res.text).to.equal(201);
      return res.body.token as string;
    };
    const resetToken = await issueReset(resetHolder.user.id);
    const stripeEvent = {
      id: 'evt_fuzz_1',
      object: 'event',
      api_version: '2026-10-28.endive',
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: 'pi_fuzz_1', object: 'payment_intent', status: 'succeeded', amount: 100, currency: 'cny' } },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type: 'payment_intent.succeeded',
    };
    await createCarrier(r);
    const auction = await createListing(r, gen, steelListing({ mode: 'auction', closesAt: inSeconds(5 * DAY) }));
    const activeBid = await placeBid(r, rec, auction.id, { pricePerTonneFen: 258_500, quantityKg: 10_000 });
    const editable = await createListing(r, gen, steelListing());
    const cancellable = await createListing(r, gen, steelListing());
    const deal = await flyAshDeal(t);
    const manifest = await openTrip(t, deal, 1_000);
    // Issue 18: a collector with a point, declared intakes, ended fly-ash lots with fallback requests.
    const collector = await registerOrg(r, { roles: ['collector', 'carrier'], district: '330603' });
    const collectionLicence = await submitLicence(r, collector, { kind: 'collection', wasteCodes: ['HW18'] });
    expect((await r.post(`/api/v1/licences/${collectionLicence.id}/approve`).set(auth(admin)).send({})).status).to.equal(200);
    const pointRes = await r
      .post('/api/v1/collection/points')
      .set(auth(collector.token))
      .send({ name: '收集点', address: '柯桥区 1 号', district: '330603', feePerTonneFen: 150_000 });
    expect(pointRes.status, pointRes.text).to.equal(201);
    const pointId = pointRes.body.id as string;
    const declareIntake = async (): Promise<string> => {
      const res = await r
        .post('/api/v1/collection/intakes')
        .set(auth(gen.token))
        .send({ pointId, materialCode: '772-002-18', quantityKg: 100 });
      expect(res.status, res.text).to.equal(201);
      return res.body.id as string;
    };
    const [acceptable, refusable, lotIntake] = [await declareIntake(), await declareIntake(), await declareIntake()];
    const shanghaiToday = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const designation = await r.post('/api/v1/regulator/fallback/designations').set(auth(regulator.token)).send({
      wasteCode: 'HW18',
      disposerOrgId: rec.orgId,
      feePerTonneFen: 200_000,
      effectiveFrom: shanghaiToday,
      source: 'fuzz tariff',
    });
    expect(designation.status, designation.text).to.equal(201);
    const endedLot = async (): Promise<string> => {
      const l = await createListing(r, gen, flyAshListing());
      expect((await r.post(`/api/v1/listings/${l.id}/cancel`).set(auth(gen.token)).send({})).status).to.equal(200);
      return l.id;
    };
    const fallbackBody = { designationId: designation.body.id as string, feePerTonneFen: 200_000, acceptTariff: true };
    const askFallback = async (): Promise<string> => {
      const res = await r
        .post(`/api/v1/listings/${await endedLot()}/fallback`)
        .set(auth(gen.token))
        .send(fallbackBody);
      expect(res.status, res.text).to.equal(201);
      return res.body.id as string;
    };
    const [fallbackLot, acceptableFallback, declinableFallback] = [await endedLot(), await askFallback(), await askFallback()];
    const unpaid = await slagDeal(t, { fund: false });
    const banked = await slagDeal(t, { fund: false });
    const bank = await r
      .post(`/api/v1/trades/${banked.trade.id}/pay`)
      .set(auth(banked.recycler.token))
      .send({ provider: 'bank_transfer' });
    expect(bank.status, bank.text).to.equal(200);
    const alertId = (await inTransaction(t.ctx.db, (tx) =>
      raiseAlert(tx, t.ctx.ids, {
        kind: 'weight_gap',
        district: '330603',
        subjectType: 'manifest',
        subjectId: manifest.id,
        message: 'fuzz alert',
      }),
    ))!;
    // Jobs are stopped: the notification is written as its fanout job would write it.
    await t.ctx.notifications.fanout(
      {
        orgId: gen.orgId,
        kind: 'sanction',
        key: 'fuzz',
        subjectType: 'org',
        subjectId: gen.orgId,
        data: {},
        at: new Date().toISOString(),
      },
      { outboxId: -1 },
    );
    const notificationId = (await rows<{ id: string }>(t.ctx.db, sql`select id from notifications where source_key = 'fuzz'`))[0]!
      .id;
    const ecoRateId = (await rows<{ id: string }>(t.ctx.db, sql`select id from eco_rates order by effective_from limit 1`))[0]!
      .id;
    const inAMonth = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const subscription = await r
      .post('/api/v1/credit/subscriptions')
      .set(auth(agency.token))
      .send({ url: 'http://127.0.0.1:9/credit-hook', secret: 'fuzz-secret-0123456789' });
    expect(subscription.status, subscription.text).to.equal(201);

    const uploaded = await r
      .post(`/api/v1/documents?subjectType=manifest&subjectId=${manifest.id}&kind=evidence`)
      .set(auth(deal.generator.token))
      .set('Content-Type', 'application/pdf')
      .send(PDF_BYTES);
    expect(uploaded.status, uploaded.text).to.equal(201);

    // Issue 16: a resting market order to cancel and a watch to delete.
    const restingOrder = await r
      .post('/api/v1/markets/SW17-01/orders')
      .set(auth(gen.token))
      .send({ side: 'sell', pricePerTonneFen: 262_000, quantityKg: 5_000, district: '330603' });
    expect(restingOrder.status, restingOrder.text).to.equal(201);
    const watch = await r.post('/api/v1/watches').set(auth(gen.token)).send({ materialCode: 'SW17-01' });
    expect(watch.status, watch.text).to.equal(201);

    const who: Record<string, OrgActor | string> = {
      admin,
      gen,
      rec,
      regulator,
      agency,
      dealGenerator: deal.generator,
      unpaidPayer: unpaid.recycler,
      passwordChanger,
      throwaway,
      collector,
    };
    for (const [name, a] of Object.entries(who)) tokens[name] = typeof a === 'string' ? a : a.token;
    // Issue 14: a machine client with every scope (client routes), and clients to rotate and revoke.
    const machine = await registerClient(r, [...CLIENT_SCOPES], admin, regulator.orgId);
    tokens.client = await clientToken(r, machine);
    const rotatable = await registerClient(r, ['feeds:read:trades'], admin);
    const revocableClient = await registerClient(r, ['feeds:read:trades'], admin);
    const topicSubscription = await r
      .post('/api/v1/feeds/alerts/subscriptions')
      .set(auth(tokens.client))
      .send({ url: 'http://127.0.0.1:9/topic-hook', secret: 'fuzz-secret-abcdefghij' });
    expect(topicSubscription.status, topicSubscription.text).to.equal(201);

    const day = (d: number) => inSeconds(d * DAY);
    Object.assign(fixtures, {
      'POST /auth/register': { as: null, body: registrationBody() },
      'POST /auth/login': {
        as: null,
        body: { email: throwaway.email, password: PASSWORD },
        // A wrong but well-formed password counts toward the sign-in throttle; the right one from the
        // same address resets the pair, so the fuzz's own guesses never lock its later inputs out of
        // the password check (the 429 itself is tests/security/login-throttle.test.ts's subject).
        settle: async (answer) => {
          if (answer.status !== 401) return false;
          const res = await r.post('/api/v1/auth/login').send({ email: throwaway.email, password: PASSWORD });
          expect(res.status, res.text).to.equal(200);
          return true;
        },
      },
      'POST /auth/refresh': { as: null, body: { refreshToken: throwaway.refreshToken } },
      'POST /auth/logout': { as: null, body: { refreshToken: throwaway.refreshToken } },
      'POST /auth/password': {
        as: 'passwordChanger',
        body: { currentPassword: PASSWORD, newPassword: 'fuzz-new-password-1' },
        // A well-formed change succeeds and ends the caller's sessions: set the password back through
        // an admin reset and sign in again, so the next inputs are checked with a live token.
        settle: async (answer) => {
          if (answer.status >= 300) return false;
          const token = await issueReset(passwordChanger.user.id);
          const reset = await r.post('/api/v1/auth/reset').send({ token, newPassword: PASSWORD });
          expect(reset.status, reset.text).to.equal(204);
          tokens.passwordChanger = (await login(r, passwordChanger.email, PASSWORD)).accessToken;
          return true;
        },
      },
      'POST /auth/reset': { as: null, body: { token: resetToken, newPassword: 'fuzz-new-password-2' } },
      'POST /admin/users/:id/disable': {
        as: 'admin',
        params: { id: disableSubject.user.id },
        body: { reason: 'left the company' },
      },
      'POST /admin/users/:id/reset': { as: 'admin', params: { id: resetSubject.user.id } },
      'GET /meta': { as: null },
      'POST /payments/stripe/webhook': {
        as: null,
        body: stripeEvent,
        headers: { 'Stripe-Signature': misSigned(toJson(stripeEvent)) },
      },
      'GET /me': { as: 'gen' },
      'POST /admin/orgs': {
        as: 'admin',
        body: {
          org: { name: 'Fuzz authority', uscc: makeUscc(), district: '330602', roles: ['regulator'], scope: ['330603'] },
          user: { email: uniqueEmail('fuzz'), password: PASSWORD, name: 'Officer' },
        },
      },
      'GET /orgs/:id': { as: 'gen', params: { id: gen.orgId } },
      'POST /orgs/:id/users': {
        as: 'gen',
        params: { id: gen.orgId },
        body: { email: uniqueEmail('member'), password: PASSWORD, name: 'Member' },
      },
      'GET /orgs/:id/users': { as: 'gen', params: { id: gen.orgId } },
      'DELETE /orgs/:id/users/:userId': { as: 'throwaway', params: { id: throwaway.orgId, userId: removeSubject.user.id } },
      'GET /todos': { as: 'unpaidPayer' },
      'POST /orgs/:id/licences': { as: 'rec', params: { id: rec.orgId }, body: licenceBody() },
      'GET /orgs/:id/licences': { as: 'rec', params: { id: rec.orgId } },
      'POST /licences/:id/approve': { as: 'admin', params: { id: pending.id }, body: { note: 'documents checked' } },
      'POST /licences/:id/suspend': { as: 'admin', params: { id: suspendable.licenceId! }, body: { note: 'inspection failed' } },
      'POST /licences/:id/reject': { as: 'admin', params: { id: rejectable.id }, body: { note: 'scan unreadable' } },
      'POST /licences/:id/reinstate': { as: 'admin', params: { id: reinstatable.licenceId! }, body: { note: 'rectified' } },
      'POST /licences/:id/revoke': { as: 'admin', params: { id: revocable.licenceId! }, body: { note: 'repeated violations' } },
      'GET /licences': { as: 'regulator' },
      'GET /carriers': { as: 'gen', query: { q: 'Test', code: '772-002-18' } },
      'GET /orgs': { as: 'regulator', query: { q: 'Test' } },
      'GET /catalog/materials': { as: null },
      'GET /catalog/materials/:code': { as: null, params: { code: 'SW17-01' } },
      'GET /catalog/districts': { as: null },
      'POST /listings': { as: 'gen', body: steelListing({ pickupFrom: day(1), pickupTo: day(10) }) },
      'GET /listings': { as: null },
      'GET /listings/:id': { as: null, params: { id: editable.id } },
      'PATCH /listings/:id': { as: 'gen', params: { id: editable.id }, body: { description: 'updated by the fuzz' } },
      'POST /listings/:id/cancel': { as: 'gen', params: { id: cancellable.id } },
      'POST /listings/:id/bids': {
        as: 'rec',
        params: { id: auction.id },
        body: { pricePerTonneFen: 258_500, quantityKg: 1_000 },
      },
      'GET /listings/:id/bids': { as: 'gen', params: { id: auction.id } },
      'GET /bids': { as: 'rec' },
      'POST /bids/:id/withdraw': { as: 'rec', params: { id: activeBid.id } },
      'GET /trades': { as: 'gen' },
      'GET /trades/:id': { as: 'dealGenerator', params: { id: deal.trade.id } },
      'GET /prices/reference/:code': { as: null, params: { code: 'SW17-01' } },
      'PUT /prices/reference/:code': {
        as: 'regulator',
        params: { code: 'SW17-01' },
        body: { lowFen: 250_000, medianFen: 258_500, highFen: 263_000 },
      },
      'GET /prices/reference/:code/pins': { as: 'regulator', params: { code: 'SW17-01' } },
      'DELETE /prices/reference/:code/pin': { as: 'regulator', params: { code: 'SW17-01' } },
      'GET /prices/index': { as: null, query: { material: 'SW17-01' } },
      'GET /eco-rates': { as: null, query: { stream: 'hazardous', inForce: 'true' } },
      'GET /eco-rates/:id': { as: null, params: { id: ecoRateId } },
      'POST /eco-rates': {
        as: 'regulator',
        body: {
          stream: 'general_industrial',
          fromDistrict: '330602',
          toDistrict: '330603',
          fenPerTonne: 1200,
          effectiveFrom: inAMonth,
          note: 'fuzz',
        },
      },
      'POST /trades/:id/pay': { as: 'unpaidPayer', params: { id: unpaid.trade.id }, body: { provider: 'simulated' } },
      'GET /trades/:id/payment': { as: 'unpaidPayer', params: { id: unpaid.trade.id } },
      'GET /payments/bank-transfers': { as: 'admin' },
      'POST /payments/bank-transfers/:reference/confirm': {
        as: 'admin',
        params: { reference: bank.body.reference as string },
        body: { amountFen: bank.body.amountFen as number, note: 'statement line 7' },
      },
      'POST /trades/:id/cancel': { as: 'unpaidPayer', params: { id: unpaid.trade.id }, body: { reason: 'changed plans' } },
      'POST /trades/:id/resolve': {
        as: 'admin',
        params: { id: deal.trade.id },
        body: { acceptedKg: 1_000, note: 'weighbridge tickets checked' },
      },
      'GET /trades/:id/ledger': { as: 'dealGenerator', params: { id: deal.trade.id } },
      'GET /admin/balances': { as: 'admin' },
      'GET /regulator/flows': { as: 'regulator' },
      'GET /regulator/flows/trades': { as: 'regulator', query: { fromDistrict: '330603', toDistrict: '330604' } },
      'GET /regulator/indicators': { as: 'regulator' },
      'GET /regulator/capacity': { as: 'regulator' },
      'GET /regulator/alerts': { as: 'regulator' },
      'POST /regulator/alerts/:id/resolve': {
        as: 'regulator',
        params: { id: alertId },
        body: { note: 'weighbridge tickets checked' },
      },
      'POST /trades/:id/manifests': { as: 'dealGenerator', params: { id: deal.trade.id }, body: tripBody(deal, 1_000) },
      'POST /trades/:id/close-shipments': {
        as: 'dealGenerator',
        params: { id: deal.trade.id },
        body: { note: 'all loads sent' },
      },
      'GET /manifests': { as: 'dealGenerator' },
      'GET /manifests/:id': { as: 'dealGenerator', params: { id: manifest.id } },
      'POST /manifests/:id/events': { as: 'dealGenerator', params: { id: manifest.id }, body: { type: 'issue' } },
      'GET /manifests/:id/audit': { as: 'dealGenerator', params: { id: manifest.id } },
      'GET /manifests/:id/pdf': { as: 'dealGenerator', params: { id: manifest.id } },
      'POST /manifests/:id/form': {
        as: 'dealGenerator',
        params: { id: manifest.id },
        body: { pickupAddress: '绍兴市柯桥区齐贤街道工业园 8 号', packageCount: 12 },
      },
      'POST /manifests/:id/cancel': { as: 'dealGenerator', params: { id: manifest.id }, body: { reason: '车辆故障，改日再运' } },
      'GET /manifests/export': { as: 'regulator', query: { from: '2026-01-01', to: '2026-12-31' } },
      'GET /manifests/:id/export': { as: 'regulator', params: { id: manifest.id } },
      'GET /public/prices': { as: null, query: { material: 'SW17-01' } },
      'GET /public/flows': { as: null, query: { months: '12' } },
      'GET /public/indicators': { as: null },
      'GET /public/credit': { as: null },
      'GET /public/licences': { as: null },
      'POST /manifests/:id/resolve': {
        as: 'admin',
        params: { id: manifest.id },
        body: { acceptedKg: 1_000, note: 'weighbridge tickets checked' },
      },
      'GET /trades/:id/evidence': { as: 'dealGenerator', params: { id: deal.trade.id } },
      'POST /trades/:id/evidence': { as: 'dealGenerator', params: { id: deal.trade.id }, body: { note: '地磅单与装车单不符' } },
      'POST /documents': {
        as: 'dealGenerator',
        query: { subjectType: 'manifest', subjectId: manifest.id, kind: 'evidence', filename: 'ticket.pdf' },
        raw: { type: 'application/pdf', bytes: PDF_BYTES },
      },
      'GET /documents': { as: 'dealGenerator', query: { subjectType: 'manifest', subjectId: manifest.id } },
      'GET /documents/:id': { as: 'dealGenerator', params: { id: uploaded.body.id as string } },
      'GET /credit/orgs/:id': { as: 'gen', params: { id: gen.orgId } },
      'GET /credit/orgs/:id/history': { as: 'gen', params: { id: gen.orgId } },
      'GET /credit/feed': { as: 'agency' },
      'POST /credit/subscriptions': {
        as: 'agency',
        body: { url: 'http://127.0.0.1:9/other-hook', secret: 'fuzz-secret-abcdefghij' },
      },
      'GET /credit/subscriptions': { as: 'agency' },
      'DELETE /credit/subscriptions/:id': { as: 'agency', params: { id: subscription.body.id as string } },
      'GET /credit/deliveries': { as: 'agency' },
      'POST /regulator/sanctions': {
        as: 'regulator',
        body: { orgId: gen.orgId, severity: 'minor', reason: 'late manifests', decidedAt: new Date().toISOString() },
      },
      'GET /notifications': { as: 'gen', query: { unread: 'true' } },
      'POST /notifications/:id/read': { as: 'gen', params: { id: notificationId } },
      'GET /notifications/preferences': { as: 'gen' },
      'PUT /notifications/preferences': { as: 'gen', body: { enabled: { outbid: false } } },
      'GET /regulator/sanctions': { as: 'regulator', query: { orgId: gen.orgId } },
      'POST /oauth/token': {
        as: null,
        body: { grant_type: 'client_credentials', client_id: machine.id, client_secret: machine.secret },
      },
      'POST /admin/clients': { as: 'admin', body: { name: 'fuzz system', scopes: ['feeds:read:trades'] } },
      'GET /admin/clients': { as: 'admin' },
      'POST /admin/clients/:id/rotate': { as: 'admin', params: { id: rotatable.id }, body: { overlapSeconds: 60 } },
      'POST /admin/clients/:id/revoke': { as: 'admin', params: { id: revocableClient.id } },
      'GET /feeds/:topic': { as: 'client', params: { topic: 'trades' }, query: { after: '0', limit: '10' } },
      'POST /feeds/:topic/subscriptions': {
        as: 'client',
        params: { topic: 'trades' },
        body: { url: 'http://127.0.0.1:9/other-topic-hook', secret: 'fuzz-secret-abcdefghij' },
      },
      'GET /feeds/:topic/subscriptions': { as: 'client', params: { topic: 'alerts' } },
      'DELETE /feeds/:topic/subscriptions/:id': {
        as: 'client',
        params: { topic: 'alerts', id: topicSubscription.body.id as string },
      },
      'PUT /inbound/licences/:number': {
        as: 'client',
        params: { number: 'ZJ-FUZZ-INBOUND' },
        body: {
          sourceId: 'fuzz-licence-1',
          uscc: rec.org.uscc,
          kind: 'disposal',
          wasteCodes: ['HW18'],
          annualCapacityKg: 1_000_000,
          validFrom: '2020-01-01',
          validTo: '2099-12-31',
          status: 'approved',
        },
      },
      'PUT /inbound/manifests/:id/official-number': {
        as: 'client',
        params: { id: manifest.id },
        body: { sourceId: 'fuzz-official-1', officialNumber: '3306002026120600001' },
      },
      'POST /inbound/sanctions': {
        as: 'client',
        body: {
          sourceId: 'fuzz-sanction-1',
          uscc: gen.org.uscc,
          severity: 'minor',
          kind: 'warning',
          reason: 'late manifests reported by the provincial platform',
          decidedAt: new Date().toISOString(),
        },
      },
      'POST /inbound/orgs/:id/uscc-verification': {
        as: 'client',
        params: { id: gen.orgId },
        body: { sourceId: 'fuzz-verify-1', uscc: gen.org.uscc },
      },
      'POST /markets/:code/orders': {
        as: 'gen',
        params: { code: 'SW17-01' },
        body: { side: 'sell', pricePerTonneFen: 262_000, quantityKg: 5_000, district: '330603' },
      },
      'DELETE /markets/:code/orders/:id': { as: 'gen', params: { code: 'SW17-01', id: restingOrder.body.id as string } },
      'GET /markets/:code/book': { as: null, params: { code: 'SW17-01' }, query: { levels: '10' } },
      'GET /markets/:code/trades': { as: null, params: { code: 'SW17-01' }, query: { limit: '10' } },
      'GET /orders': { as: 'gen', query: { status: 'open' } },
      'POST /watches': { as: 'gen', body: { materialCode: 'SW17-01', maxPricePerTonneFen: 260_000 } },
      'GET /watches': { as: 'gen' },
      'DELETE /watches/:id': { as: 'gen', params: { id: watch.body.id as string } },
      'POST /collection/points': {
        as: 'collector',
        body: { name: '第二收集点', address: '柯桥区 2 号', district: '330603', feePerTonneFen: 120_000 },
      },
      'GET /collection/points': { as: 'gen', query: { district: '330603', code: '772-002-18' } },
      'POST /collection/intakes': { as: 'gen', body: { pointId, materialCode: '772-002-18', quantityKg: 100 } },
      'GET /collection/intakes': { as: 'gen', query: { status: 'declared' } },
      'POST /collection/intakes/:id/accept': { as: 'collector', params: { id: acceptable } },
      'POST /collection/intakes/:id/refuse': { as: 'collector', params: { id: refusable }, body: { reason: '包装破损' } },
      'GET /collection/stock': { as: 'collector' },
      'POST /collection/lots': {
        as: 'collector',
        body: {
          intakeIds: [lotIntake],
          listing: { mode: 'fixed', pricePerTonneFen: -189_300, pickupFrom: day(1), pickupTo: day(10) },
        },
      },
      'GET /regulator/trace': { as: 'regulator', query: { intakeId: acceptable } },
      'POST /regulator/fallback/designations': {
        as: 'regulator',
        body: {
          wasteCode: 'HW18',
          disposerOrgId: rec.orgId,
          feePerTonneFen: 210_000,
          effectiveFrom: shanghaiToday,
          source: 'fuzz',
        },
      },
      'GET /fallback/designations': { as: 'gen', query: { code: 'HW18' } },
      'GET /fallback/tariff': { as: 'gen', query: { listingId: fallbackLot } },
      'POST /listings/:id/fallback': { as: 'gen', params: { id: fallbackLot }, body: fallbackBody },
      'GET /fallback/requests': { as: 'rec', query: { status: 'pending' } },
      'POST /fallback/requests/:id/accept': { as: 'rec', params: { id: acceptableFallback } },
      'POST /fallback/requests/:id/decline': { as: 'rec', params: { id: declinableFallback }, body: { reason: '焚烧线检修' } },
      'GET /regulator/fallback': { as: 'regulator', query: { year: '2026' } },
    } satisfies Record<string, Fixture>);
  }

  function selected(): Operation[] {
    return ops.filter((o) => !ONLY || ONLY.test(o.key));
  }

  /** The seed of one operation and dimension: FUZZ_SEED plus a hash of both, so FUZZ_ONLY replays the same inputs. */
  function seedOf(op: Operation, dimension: string): number {
    let h = SEED | 0;
    for (const c of `${dimension} ${op.key}`) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
    return h;
  }

  function urlOf(op: Operation, params: Record<string, string>, query: string): string {
    const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => params[name] ?? 'missing');
    return query ? `${path}?${query}` : path;
  }

  function validParams(op: Operation): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(fixtures[op.key]?.params ?? {})) out[k] = encodeURIComponent(v);
    return out;
  }

  function queryString(values: Record<string, string | string[]>, raw = false): string {
    const enc = raw ? (s: string) => s : percentEncode;
    return Object.entries(values)
      .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${enc(k)}=${enc(x)}`))
      .join('&');
  }

  /** The fixture's own headers; the caller's token is added when the attempt is sent (a settle may have renewed it). */
  function headersOf(op: Operation): Record<string, string> {
    return { ...fixtures[op.key]?.headers };
  }

  async function send(a: Attempt): Promise<Answer> {
    let req = t.request[a.op.method](a.url);
    const as = fixtures[a.op.key]?.as;
    for (const [k, v] of Object.entries({ ...(as ? auth(tokens[as]!) : {}), ...a.headers })) req = req.set(k, v);
    // A Buffer goes out byte for byte (superagent would serialise it as JSON for a JSON content type).
    const res =
      a.body === undefined
        ? await req
        : Buffer.isBuffer(a.body)
          ? await req.serialize((b: unknown) => b as string).send(a.body)
          : await req.send(a.body);
    return { status: res.status, text: res.text ?? '', contentType: String(res.headers['content-type'] ?? ''), body: res.body };
  }

  async function checksum(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const r of await rows<{ t: string; n: number; h: string }>(t.ctx.db, sql.raw(checksumSql)))
      out.set(r.t, `${r.n}:${r.h}`);
    return out;
  }

  function note(a: Attempt, problem: string, answer: Answer): void {
    const key = `[${a.dimension}] ${problem} — ${a.dimension === 'content' ? a.what : inputClass(a.what)}`;
    const entry = problems.get(key) ?? { count: 0, ops: new Set<string>(), examples: [] };
    entry.count++;
    entry.ops.add(a.op.key);
    if (entry.examples.length < 3 && !entry.examples.some((e) => e.startsWith(a.op.key)))
      entry.examples.push(`${a.op.key} ${a.what} → ${answer.status} ${show(answer.text, 160)}`);
    problems.set(key, entry);
  }

  /**
   * The §7.1 envelope: { error: { code, message, details? }, requestId }, with the status of its code.
   * The OAuth token endpoint answers in RFC 6749 §5.2's own shape instead: { error, error_description },
   * 401 for invalid_client and 400 for the others (docs/api.md, ADR 0020).
   */
  function envelopeProblem(answer: Answer, opKey?: string): string | null {
    if (!answer.contentType.startsWith('application/json')) return `not JSON (${answer.contentType || 'no content type'})`;
    if (opKey === 'POST /oauth/token') {
      const o = answer.body as { error?: unknown; error_description?: unknown };
      const oauth = ['invalid_request', 'invalid_client', 'unsupported_grant_type', 'invalid_scope'];
      if (typeof o?.error !== 'string' || !oauth.includes(o.error)) return `no RFC 6749 error (${show(o?.error, 40)})`;
      if (typeof o.error_description !== 'string') return 'no error_description';
      if ((o.error === 'invalid_client' ? 401 : 400) !== answer.status) return `status ${answer.status} for ${o.error}`;
      return null;
    }
    const b = answer.body as { error?: { code?: unknown; message?: unknown; details?: unknown }; requestId?: unknown };
    const code = b?.error?.code;
    if (typeof code !== 'string' || !(Object.values(ErrorCodes) as string[]).includes(code))
      return `no known error code (${show(code, 40)})`;
    if (typeof b.error!.message !== 'string') return 'no error message';
    if (b.error!.details !== undefined && !isObject(b.error!.details)) return 'details is not an object';
    if (typeof b.requestId !== 'string') return 'no requestId';
    if (STATUS[code as keyof typeof STATUS] !== answer.status) return `status ${answer.status} for code ${code}`;
    return null;
  }

  /** Sends every attempt in order; checks the status, the envelope, and that a refused request wrote nothing. */
  async function run(attempts: Attempt[]): Promise<void> {
    let before = await checksum();
    for (const a of attempts) {
      const answer = await send(a);
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      const after = await checksum();
      if (answer.status >= 500) {
        const code = (answer.body as { error?: { code?: string } })?.error?.code ?? '';
        note(a, `${answer.status} ${code}`, answer);
      } else if (a.mustRefuse && answer.status < 400) {
        note(a, `${answer.status} acted on a body it could not read`, answer);
      } else if (answer.status >= 400) {
        const bad = envelopeProblem(answer, a.op.key);
        if (bad) note(a, `${answer.status} ${bad}`, answer);
        const code = (answer.body as { error?: { code?: string } })?.error?.code;
        const allowed = WRITES_ON_REFUSAL.filter((w) => w.code === code && (!w.op || w.op === a.op.key)).flatMap((w) => w.tables);
        const changed = [...after].filter(([k, v]) => before.get(k) !== v && !allowed.includes(k)).map(([k]) => k);
        if (changed.length) note(a, `${answer.status} refused but changed ${changed.join(', ')}`, answer);
      }
      before = after;
      const settle = fixtures[a.op.key]?.settle;
      if (settle && (await settle(answer))) before = await checksum();
    }
  }

  function report(dimension: string): void {
    const mine = [...problems].filter(([k]) => k.includes(`[${dimension}]`));
    const hist = [...statuses]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}×${n}`)
      .join(' ');
    console.log(`    ${dimension}: statuses so far ${hist}; ${mine.length} distinct problems`);
    const lines = mine.map(
      ([k, v]) =>
        `  ${k} (×${v.count} in ${v.ops.size} operations: ${[...v.ops].join(', ')})\n${v.examples.map((e) => `      e.g. ${e}`).join('\n')}`,
    );
    expect(mine.length, `FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}: distinct problems:\n${lines.join('\n')}`).to.equal(0);
  }

  it('every operation in the document has a fixture (caller, real ids, a valid input)', () => {
    expect(ops.length, 'operations read from /api/openapi.json').to.be.greaterThan(40);
    expect(
      ops.map((o) => o.key).filter((k) => !fixtures[k]),
      'add a fixture for these operations',
    ).to.deep.equal([]);
  });

  it('the valid input of each fixture passes the route’s own schemas (so every mutation below breaks one thing)', () => {
    const invalid: string[] = [];
    for (const def of allRoutes(t.ctx)) {
      const f = fixtures[def.key];
      if (!f) continue;
      for (const [where, schema, value] of [
        ['params', def.params, f.params ?? {}],
        ['query', def.query, f.query ?? {}],
        ['body', def.body, f.body ?? {}],
      ] as const) {
        const r = schema?.safeParse(value);
        if (r && !r.success) invalid.push(`${def.key} ${where}: ${r.error.message.slice(0, 300)}`);
      }
    }
    expect(invalid, invalid.join('\n')).to.deep.equal([]);
  });

  it('schema-violating and boundary bodies: no 5xx, 4xx in the envelope, nothing written when refused', async () => {
    const attempts: Attempt[] = [];
    for (const op of selected().filter((o) => o.body)) {
      const f = fixtures[op.key]!;
      const sample = f.body ?? {};
      const headers = { ...headersOf(op), 'Content-Type': 'application/json' };
      const url = urlOf(op, validParams(op), queryString(f.query ?? {}));
      for (const m of fc.sample(mutate(op.body!, sample, 'body', bodyLimit), { numRuns: RUNS, seed: seedOf(op, 'body') }))
        attempts.push({ op, dimension: 'body', what: m.what, url, headers, body: toJson(m.value) });
    }
    await run(attempts);
    report('body');
  });

  it('schema-violating and boundary query strings: no 5xx, 4xx in the envelope, nothing written when refused', async () => {
    const attempts: Attempt[] = [];
    for (const op of selected()) {
      const query = op.parameters.filter((p) => p.in === 'query');
      if (!query.length) continue;
      const f = fixtures[op.key]!;
      const base: Record<string, string | string[]> = { ...(f.query ?? {}) };
      const known = query.map((p) => p.name);
      type QueryInput = { values: Record<string, string | string[]>; raw: boolean; what: string };
      const options: fc.Arbitrary<QueryInput>[] = [
        fc.constantFrom(...query).chain((p) =>
          badQueryValue(p.name, p.schema).map((v) => ({
            values: { ...base, [p.name]: v },
            raw: false,
            what: `?${p.name}=${show(v)}`,
          })),
        ),
        fc
          .constantFrom('__proto__', 'constructor', `${known[0]}[x]`, `${known[0]}[]`, 'unknown')
          .map((k) => ({ values: { ...base, [k]: '1' }, raw: false, what: `?${k}=1` })),
        // Percent-encoding the decoder cannot read, sent as is.
        fc
          .tuple(fc.constantFrom(...known), fc.constantFrom('%', '%zz', '%00', '%ff%fe', '%E2%80%AE', '%C0%80', '%ED%A0%80'))
          .map(([k, v]) => ({
            values: { ...base, [k]: v },
            raw: true,
            what: `?${k}=${v} (raw)`,
          })),
      ];
      const required = query.filter((p) => p.required);
      if (required.length)
        options.push(
          fc.constantFrom(...required).map((p) => {
            const values = { ...base };
            delete values[p.name];
            return { values, raw: false, what: `?${p.name} missing` };
          }),
        );
      const arb = fc.oneof(...options);
      for (const m of fc.sample(arb, { numRuns: RUNS, seed: seedOf(op, 'query') }))
        attempts.push({
          op,
          dimension: 'query',
          what: m.what,
          url: urlOf(op, validParams(op), queryString(m.values, m.raw)),
          headers: headersOf(op),
        });
    }
    await run(attempts);
    report('query');
  });

  it('garbage path parameters (ids, codes, references): no 5xx, 4xx in the envelope, nothing written when refused', async () => {
    const attempts: Attempt[] = [];
    const garbage = fc.oneof(
      fc.constantFrom(
        'not-a-uuid',
        '00000000-0000-0000-0000-000000000000',
        'ffffffff-ffff-ffff-ffff-ffffffffffff',
        '00000000-0000-0000-0000-00000000000g',
        '0',
        '-1',
        '99999999999999999999',
        '1e400',
        'null',
        'undefined',
        '__proto__',
        'constructor',
        "1' OR '1'='1",
        '..',
        '.',
        'a'.repeat(5_000),
        '%00',
        '%',
        '%zz',
        '%2e%2e',
        '%2F',
        '%E2%80%AE',
        '%C0%80',
        '%ED%A0%80',
        '%ff',
        '%0a',
        '%20',
      ),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).map(percentEncode),
      fc.uuid().map((u) => u.toUpperCase()),
      fc.tuple(fc.uuid(), fc.constantFrom('%00', '%20', '%0a', '%E2%80%8B')).map(([u, c]) => u + c),
    );
    for (const op of selected()) {
      const names = op.parameters.filter((p) => p.in === 'path').map((p) => p.name);
      if (!names.length) continue;
      const f = fixtures[op.key]!;
      const runs = Math.max(4, Math.ceil(RUNS / 2));
      const arb = fc.tuple(fc.constantFrom(...names), garbage);
      for (const [name, value] of fc.sample(arb, { numRuns: runs, seed: seedOf(op, 'path') })) {
        const params = { ...validParams(op), [name]: value };
        attempts.push({
          op,
          dimension: 'path',
          what: `:${name}=${show(value, 60)}`,
          url: urlOf(op, params, queryString(f.query ?? {})),
          headers: { ...headersOf(op), ...(op.body ? { 'Content-Type': 'application/json' } : {}) },
          ...(op.body ? { body: toJson(f.body ?? {}) } : {}),
        });
      }
    }
    await run(attempts);
    report('path');
  });

  it('odd content types and encodings: no 5xx, 4xx in the envelope, nothing written when refused', async () => {
    const attempts: Attempt[] = [];
    for (const op of selected().filter((o) => o.method !== 'get')) {
      const f = fixtures[op.key]!;
      const json = toJson(f.body ?? {});
      const url = urlOf(op, validParams(op), queryString(f.query ?? {}));
      const h = headersOf(op);
      const padded = (size: number) => {
        const filler = 'x'.repeat(Math.max(0, size - json.length - 20));
        return json === '{}' ? `{"pad":"${filler}"}` : `${json.slice(0, -1)},"pad":"${filler}"}`;
      };
      // Each case: what, headers, body, and whether a route that takes a JSON body must refuse it.
      const cases: [string, Record<string, string>, string | Buffer, boolean][] = [
        ['text/plain', { 'Content-Type': 'text/plain' }, json, true],
        [
          'form-urlencoded',
          { 'Content-Type': 'application/x-www-form-urlencoded' },
          'a=1&__proto__[x]=1&constructor[prototype][y]=2',
          true,
        ],
        [
          'multipart',
          { 'Content-Type': 'multipart/form-data; boundary=XyZ' },
          `--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\n${json}\r\n--XyZ--\r\n`,
          true,
        ],
        ['json charset=latin1', { 'Content-Type': 'application/json; charset=latin1' }, json, true],
        [
          'json charset=utf-16',
          { 'Content-Type': 'application/json; charset=utf-16' },
          Buffer.from(`\ufeff${json}`, 'utf16le'),
          false,
        ],
        ['json charset=utf-8 with BOM', { 'Content-Type': 'application/json; charset=utf-8' }, `\ufeff${json}`, false],
        ['merge-patch+json', { 'Content-Type': 'application/merge-patch+json' }, json, true],
        ['truncated JSON', { 'Content-Type': 'application/json' }, json.slice(0, -1), true],
        ['JSON null', { 'Content-Type': 'application/json' }, 'null', true],
        ['JSON array', { 'Content-Type': 'application/json' }, `[${json}]`, true],
        ['JSON string', { 'Content-Type': 'application/json' }, '"x"', true],
        ['empty JSON body', { 'Content-Type': 'application/json' }, '', false],
        [
          'duplicate keys',
          { 'Content-Type': 'application/json' },
          json === '{}' ? '{"a":1,"a":2}' : `${json.slice(0, -1)},${json.slice(1)}`,
          false,
        ],
        [
          'invalid UTF-8',
          { 'Content-Type': 'application/json' },
          Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xff, 0xfe, 0xc0, 0x80]), Buffer.from('"}')]),
          false,
        ],
        [
          'gzip garbage',
          { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
          Buffer.from('this is not gzip at all'),
          true,
        ],
        [
          'deflate garbage',
          { 'Content-Type': 'application/json', 'Content-Encoding': 'deflate' },
          Buffer.from([0x78, 0x9c, 1, 2, 3, 4]),
          true,
        ],
        ['br garbage', { 'Content-Type': 'application/json', 'Content-Encoding': 'br' }, Buffer.from('not brotli'), true],
        ['unknown encoding', { 'Content-Type': 'application/json', 'Content-Encoding': 'zstd' }, json, true],
        ['gzip bomb', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, gzipSync(padded(bodyLimit * 20)), true],
        [
          'deflate of the valid body',
          { 'Content-Type': 'application/json', 'Content-Encoding': 'deflate' },
          deflateSync(json),
          false,
        ],
        ['body just over the limit', { 'Content-Type': 'application/json' }, padded(bodyLimit + 16), true],
        ['body just under the limit', { 'Content-Type': 'application/json' }, padded(bodyLimit - 64), false],
      ];
      // A raw-body route takes only its own types: every JSON case above must be refused (415).
      for (const [what, headers, body, refuse] of cases)
        attempts.push({
          op,
          dimension: 'content',
          what,
          url,
          headers: { ...h, ...headers },
          body,
          mustRefuse: op.rawTypes ? true : refuse && !!op.body,
        });
      if (op.rawTypes && f.raw) {
        const limit = t.ctx.config.DOCUMENT_MAX_BYTES;
        const rawCases: [string, Record<string, string>, Buffer, boolean][] = [
          ['raw: the valid bytes', { 'Content-Type': f.raw.type }, f.raw.bytes, false],
          ['raw: an executable sent as its type', { 'Content-Type': f.raw.type }, EXE_BYTES, true],
          ['raw: the valid bytes as octet-stream', { 'Content-Type': 'application/octet-stream' }, f.raw.bytes, true],
          ['raw: no bytes', { 'Content-Type': f.raw.type }, Buffer.alloc(0), true],
          [
            'raw: one byte over the limit',
            { 'Content-Type': f.raw.type },
            Buffer.concat([f.raw.bytes, Buffer.alloc(limit + 1 - f.raw.bytes.length, 0x20)]),
            true,
          ],
          [
            'raw: gzip garbage',
            { 'Content-Type': f.raw.type, 'Content-Encoding': 'gzip' },
            Buffer.from('this is not gzip at all'),
            true,
          ],
          [
            'raw: gzip bomb',
            { 'Content-Type': f.raw.type, 'Content-Encoding': 'gzip' },
            gzipSync(Buffer.concat([f.raw.bytes, Buffer.alloc(limit * 4, 0x20)])),
            true,
          ],
          ['raw: image/png with PDF bytes', { 'Content-Type': 'image/png' }, f.raw.bytes, false],
        ];
        for (const [what, headers, body, refuse] of rawCases)
          attempts.push({ op, dimension: 'content', what, url, headers: { ...h, ...headers }, body, mustRefuse: refuse });
      }
    }
    await run(attempts);
    report('content');
  });
});
