/**
 * A stateful local Stripe for tests, reached through the SDK's own `host`, `port` and `protocol`
 * options (DESIGN §4): an HTTP server on 127.0.0.1:0 that speaks the part of Stripe's v1 API the
 * payments module uses, with Stripe's idempotency semantics.
 *
 *   POST /v1/payment_intents                  create (requires_payment_method)
 *   GET  /v1/payment_intents, /:id            list, retrieve
 *   POST /v1/payment_intents/:id/confirm      payment_method pm_card_visa → succeeded (captured),
 *                                             pm_card_processing → processing, pm_card_chargeDeclined → 402
 *   POST /v1/payment_intents/:id/cancel
 *   POST /v1/refunds, GET /v1/refunds/:id
 *
 * Idempotency (https://docs.stripe.com/api/idempotent_requests): the first answer to a key is stored
 * and replayed for the same endpoint and parameters (header `Idempotent-Replayed: true`); the same
 * key with other parameters or on another endpoint is a 400 `idempotency_error`. `dropResponses`
 * applies a request and then cuts the connection without answering (a lost response); `failNext`
 * answers 500 before applying. Webhooks are signed with the SDK's own
 * `stripe.webhooks.generateTestHeaderString`.
 */
import http from 'node:http';
import { randomBytes, createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

export interface FakeIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  status:
    | 'requires_payment_method'
    | 'requires_confirmation'
    | 'requires_action'
    | 'processing'
    | 'requires_capture'
    | 'canceled'
    | 'succeeded';
  client_secret: string;
  capture_method: string;
  description: string | null;
  metadata: Record<string, string>;
  latest_charge: string | null;
  payment_method: string | null;
  canceled_at: number | null;
  cancellation_reason: string | null;
  created: number;
  livemode: false;
}

export interface FakeRefund {
  id: string;
  object: 'refund';
  amount: number;
  currency: string;
  payment_intent: string;
  charge: string | null;
  status: 'pending' | 'succeeded' | 'failed' | 'canceled';
  reason: string | null;
  metadata: Record<string, string>;
  created: number;
}

export interface FakeRequest {
  method: string;
  path: string;
  idempotencyKey: string | null;
  stripeVersion: string | null;
  params: Record<string, unknown>;
  /** 'applied': a new effect; 'replayed': a stored answer; 'mismatch': idempotency_error; 'dropped': applied, no answer sent. */
  outcome: 'applied' | 'replayed' | 'mismatch' | 'dropped' | 'failed' | 'read' | 'error';
  status: number;
}

export interface StripeFakeOptions {
  secretKey?: string;
  webhookSecret?: string;
  /** Send payment_intent.* and refund.* events here as they happen (else tests send them). */
  webhookUrl?: string;
}

interface Stored {
  endpoint: string;
  paramsHash: string;
  status: number;
  body: unknown;
}

type Match = (r: { method: string; path: string }) => boolean;

export class StripeFake {
  readonly secretKey: string;
  readonly webhookSecret: string;
  webhookUrl: string | undefined;
  readonly intents = new Map<string, FakeIntent>();
  readonly refunds = new Map<string, FakeRefund>();
  readonly requests: FakeRequest[] = [];
  readonly eventsSent: Stripe.Event[] = [];
  private readonly idempotency = new Map<string, Stored>();
  private drops: { n: number; match: Match; replays: boolean }[] = [];
  private failures: { n: number; status: number; match: Match }[] = [];
  /** Per intent, a status to answer reads with instead of the real one (a stale replica). */
  private staleReads = new Map<string, FakeIntent['status']>();
  private server: http.Server | null = null;
  private seq = 0;
  port = 0;
  readonly host = '127.0.0.1';

  constructor(o: StripeFakeOptions = {}) {
    this.secretKey = o.secretKey ?? `sk_test_fake_${randomBytes(6).toString('hex')}`;
    this.webhookSecret = o.webhookSecret ?? `whsec_${randomBytes(16).toString('hex')}`;
    this.webhookUrl = o.webhookUrl;
  }

  static async start(o: StripeFakeOptions = {}): Promise<StripeFake> {
    const fake = new StripeFake(o);
    await fake.listen();
    return fake;
  }

  private async listen(): Promise<void> {
    this.server = http.createServer((req, res) => {
      void this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent)
          this.send(res, 500, { error: { type: 'api_error', message: String((err as Error)?.message ?? err) } });
      });
    });
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server!.listen(0, this.host, resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = null;
  }

  /** The configuration keys that point the server's SDK at this fake. */
  env(): Record<string, string> {
    return {
      PAYMENT_PROVIDER: 'stripe',
      STRIPE_SECRET_KEY: this.secretKey,
      STRIPE_WEBHOOK_SECRET: this.webhookSecret,
      STRIPE_API_HOST: this.host,
      STRIPE_API_PORT: String(this.port),
      STRIPE_API_PROTOCOL: 'http',
    };
  }

  /** An SDK client on this fake, as a payer's browser or Stripe's dashboard would act (confirm, cancel). */
  client(): Stripe {
    return new Stripe(this.secretKey, {
      host: this.host,
      port: this.port,
      protocol: 'http',
      maxNetworkRetries: 0,
      telemetry: false,
    });
  }

  // ── Switches ────────────────────────────────────────────────────────────────────────────────

  /**
   * The next `n` matching requests are applied, then the connection is cut without an answer. With
   * `replays`, answers replayed for a stored key are cut too (the network stays down for the retries).
   */
  dropResponses(n = 1, match: Match = () => true, o: { replays?: boolean } = {}): void {
    this.drops.push({ n, match, replays: o.replays ?? false });
  }

  /** The next `n` matching requests answer `status` (default 500) without being applied. */
  failNext(n = 1, match: Match = () => true, status = 500): void {
    this.failures.push({ n, status, match });
  }

  /** Reads of this intent answer with `status` (null: the truth again), as a stale replica would. */
  staleRead(intentId: string, status: FakeIntent['status'] | null): void {
    if (status) this.staleReads.set(intentId, status);
    else this.staleReads.delete(intentId);
  }

  /** Requests that had an effect or replayed one, for an endpoint (e.g. 'POST /v1/refunds'). */
  calls(endpoint: string): FakeRequest[] {
    return this.requests.filter(
      (r) => `${r.method} ${r.path.replace(/\/(pi|re)_\w+/, '/:id')}` === endpoint || `${r.method} ${r.path}` === endpoint,
    );
  }

  // ── Direct state changes (what a payer's card or Stripe itself does) ────────────────────────

  /** The payer confirms with a card: the intent succeeds and is captured. Sends payment_intent.succeeded when a webhook URL is set. */
  async succeed(intentId: string): Promise<FakeIntent> {
    const pi = this.intents.get(intentId);
    if (!pi) throw new Error(`no intent ${intentId}`);
    this.toSucceeded(pi, 'pm_card_visa');
    await this.autoEvent('payment_intent.succeeded', pi);
    return pi;
  }

  // ── Events and webhooks ─────────────────────────────────────────────────────────────────────

  event(type: string, object: object, id?: string): Stripe.Event {
    return {
      id: id ?? `evt_${this.nextId()}`,
      object: 'event',
      api_version: '2026-10-28.endive',
      created: Math.floor(Date.now() / 1000),
      data: { object: JSON.parse(JSON.stringify(object)) },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    } as unknown as Stripe.Event;
  }

  /** The body and Stripe-Signature header Stripe would send, signed with the SDK's own helper. */
  sign(payload: string, o: { timestamp?: number; secret?: string } = {}): string {
    return Stripe.webhooks.generateTestHeaderString({
      payload,
      secret: o.secret ?? this.webhookSecret,
      timestamp: o.timestamp ?? Math.floor(Date.now() / 1000),
    });
  }

  signedEvent(event: Stripe.Event, o: { timestamp?: number; secret?: string } = {}): { payload: string; header: string } {
    const payload = JSON.stringify(event, null, 2);
    return { payload, header: this.sign(payload, o) };
  }

  /** POSTs a signed event to a URL (default: webhookUrl) and returns the status and body. */
  async sendWebhook(
    event: Stripe.Event,
    o: { url?: string; timestamp?: number; secret?: string } = {},
  ): Promise<{ status: number; body: unknown }> {
    const url = o.url ?? this.webhookUrl;
    if (!url) throw new Error('no webhook URL');
    const { payload, header } = this.signedEvent(event, o);
    this.eventsSent.push(event);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Stripe-Signature': header },
      body: payload,
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, body };
  }

  private async autoEvent(type: string, object: FakeIntent | FakeRefund): Promise<void> {
    if (!this.webhookUrl) return;
    await this.sendWebhook(this.event(type, object));
  }

  // ── HTTP ────────────────────────────────────────────────────────────────────────────────────

  private nextId(): string {
    return `${Date.now().toString(36)}${(++this.seq).toString(36)}${randomBytes(4).toString('hex')}`;
  }

  private send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
      'Request-Id': `req_${this.nextId()}`,
      ...headers,
    });
    res.end(text);
  }

  private error(status: number, type: string, message: string, extra: Record<string, unknown> = {}) {
    return { status, body: { error: { type, message, ...extra } } };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const params = parseForm(method === 'GET' ? url.search.slice(1) : raw);
    const key = (req.headers['idempotency-key'] as string | undefined) ?? null;
    const log: FakeRequest = {
      method,
      path,
      idempotencyKey: key,
      stripeVersion: (req.headers['stripe-version'] as string | undefined) ?? null,
      params,
      outcome: 'read',
      status: 200,
    };
    this.requests.push(log);

    if (req.headers.authorization !== `Bearer ${this.secretKey}`) {
      log.outcome = 'error';
      log.status = 401;
      return this.send(res, 401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
    }
    const failure = this.failures.find((f) => f.n > 0 && f.match({ method, path }));
    if (failure) {
      failure.n--;
      log.outcome = 'failed';
      log.status = failure.status;
      return this.send(res, failure.status, { error: { type: 'api_error', message: 'the fake was told to fail' } });
    }

    const endpoint = `${method} ${path}`;
    let answer: { status: number; body: unknown };
    let replayed = false;
    if (method === 'POST' && key) {
      const hash = createHash('sha256').update(stableStringify(params)).digest('hex');
      const stored = this.idempotency.get(key);
      if (stored) {
        if (stored.endpoint !== endpoint || stored.paramsHash !== hash) {
          log.outcome = 'mismatch';
          answer = this.error(
            400,
            'idempotency_error',
            `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
          );
        } else {
          log.outcome = 'replayed';
          replayed = true;
          answer = { status: stored.status, body: stored.body };
        }
      } else {
        answer = await this.route(method, path, params);
        log.outcome = answer.status < 400 ? 'applied' : 'error';
        // Stripe keeps the answer of any request whose endpoint began executing, errors included.
        if (answer.status !== 401)
          this.idempotency.set(key, { endpoint, paramsHash: hash, status: answer.status, body: answer.body });
      }
    } else {
      answer = await this.route(method, path, params);
      if (method === 'POST') log.outcome = answer.status < 400 ? 'applied' : 'error';
      else if (answer.status >= 400) log.outcome = 'error';
    }
    log.status = answer.status;

    const drop =
      log.outcome === 'applied' || log.outcome === 'replayed'
        ? this.drops.find((d) => d.n > 0 && (!replayed || d.replays) && d.match({ method, path }))
        : undefined;
    if (drop) {
      drop.n--;
      log.outcome = 'dropped';
      req.socket.destroy();
      return;
    }
    this.send(res, answer.status, answer.body, replayed ? { 'Idempotent-Replayed': 'true' } : {});
  }

  private async route(method: string, path: string, p: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
    let m: RegExpExecArray | null;
    if (method === 'POST' && path === '/v1/payment_intents') return this.createIntent(p);
    if (method === 'GET' && path === '/v1/payment_intents') {
      const data = [...this.intents.values()].reverse().slice(0, Number(p.limit ?? 10));
      return { status: 200, body: { object: 'list', data, has_more: false, url: '/v1/payment_intents' } };
    }
    if ((m = /^\/v1\/payment_intents\/([\w]+)$/.exec(path)) && method === 'GET') {
      const pi = this.intents.get(m[1]!);
      if (!pi) return this.missing('payment_intent', m[1]!);
      const stale = this.staleReads.get(pi.id);
      return { status: 200, body: stale ? { ...pi, status: stale, amount_received: stale === 'succeeded' ? pi.amount : 0 } : pi };
    }
    if ((m = /^\/v1\/payment_intents\/([\w]+)\/confirm$/.exec(path)) && method === 'POST') return this.confirmIntent(m[1]!, p);
    if ((m = /^\/v1\/payment_intents\/([\w]+)\/cancel$/.exec(path)) && method === 'POST') return this.cancelIntent(m[1]!, p);
    if (method === 'POST' && path === '/v1/refunds') return this.createRefund(p);
    if ((m = /^\/v1\/refunds\/([\w]+)$/.exec(path)) && method === 'GET') {
      const r = this.refunds.get(m[1]!);
      return r ? { status: 200, body: r } : this.missing('refund', m[1]!);
    }
    return this.error(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${path}).`);
  }

  private missing(kind: string, id: string) {
    return this.error(404, 'invalid_request_error', `No such ${kind}: '${id}'`, { code: 'resource_missing', param: 'id' });
  }

  private createIntent(p: Record<string, unknown>) {
    const amount = Number(p.amount);
    if (!Number.isInteger(amount) || amount < 1)
      return this.error(400, 'invalid_request_error', 'Invalid positive integer', { param: 'amount' });
    if (amount > 99_999_999)
      return this.error(400, 'invalid_request_error', 'Amount must be no more than ¥999,999.99', {
        param: 'amount',
        code: 'amount_too_large',
      });
    if (typeof p.currency !== 'string')
      return this.error(400, 'invalid_request_error', 'Missing required param: currency.', { param: 'currency' });
    const id = `pi_${this.nextId()}`;
    const pi: FakeIntent = {
      id,
      object: 'payment_intent',
      amount,
      amount_received: 0,
      currency: p.currency,
      status: 'requires_payment_method',
      client_secret: `${id}_secret_${randomBytes(8).toString('hex')}`,
      capture_method: typeof p.capture_method === 'string' ? p.capture_method : 'automatic',
      description: typeof p.description === 'string' ? p.description : null,
      metadata: (p.metadata as Record<string, string> | undefined) ?? {},
      latest_charge: null,
      payment_method: null,
      canceled_at: null,
      cancellation_reason: null,
      created: Math.floor(Date.now() / 1000),
      livemode: false,
    };
    this.intents.set(id, pi);
    return { status: 200, body: { ...pi } };
  }

  private toSucceeded(pi: FakeIntent, pm: string) {
    pi.status = 'succeeded';
    pi.amount_received = pi.amount;
    pi.payment_method = pm;
    pi.latest_charge = `ch_${this.nextId()}`;
  }

  private async confirmIntent(id: string, p: Record<string, unknown>) {
    const pi = this.intents.get(id);
    if (!pi) return this.missing('payment_intent', id);
    if (pi.status === 'succeeded' || pi.status === 'canceled')
      return this.error(400, 'invalid_request_error', `This PaymentIntent's status is ${pi.status}, so it cannot be confirmed.`, {
        code: 'payment_intent_unexpected_state',
      });
    const pm = typeof p.payment_method === 'string' ? p.payment_method : 'pm_card_visa';
    if (pm === 'pm_card_chargeDeclined') {
      pi.status = 'requires_payment_method';
      await this.autoEvent('payment_intent.payment_failed', pi);
      return this.error(402, 'card_error', 'Your card was declined.', {
        code: 'card_declined',
        decline_code: 'generic_decline',
        payment_intent: { ...pi },
      });
    }
    if (pm === 'pm_card_processing') {
      pi.status = 'processing';
      pi.payment_method = pm;
      await this.autoEvent('payment_intent.processing', pi);
      return { status: 200, body: { ...pi } };
    }
    this.toSucceeded(pi, pm);
    await this.autoEvent('payment_intent.succeeded', pi);
    return { status: 200, body: { ...pi } };
  }

  private async cancelIntent(id: string, p: Record<string, unknown>) {
    const pi = this.intents.get(id);
    if (!pi) return this.missing('payment_intent', id);
    if (pi.status === 'succeeded' || pi.status === 'canceled' || pi.status === 'processing')
      return this.error(
        400,
        'invalid_request_error',
        `You cannot cancel this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, requires_action.`,
        { code: 'payment_intent_unexpected_state' },
      );
    pi.status = 'canceled';
    pi.canceled_at = Math.floor(Date.now() / 1000);
    pi.cancellation_reason = typeof p.cancellation_reason === 'string' ? p.cancellation_reason : null;
    await this.autoEvent('payment_intent.canceled', pi);
    return { status: 200, body: { ...pi } };
  }

  private async createRefund(p: Record<string, unknown>) {
    const piId = typeof p.payment_intent === 'string' ? p.payment_intent : null;
    const pi = piId ? this.intents.get(piId) : undefined;
    if (!pi) return this.missing('payment_intent', String(piId));
    if (pi.status !== 'succeeded')
      return this.error(400, 'invalid_request_error', `This PaymentIntent does not have a successful charge to refund.`, {
        code: 'charge_not_refundable',
      });
    const refunded = [...this.refunds.values()]
      .filter((r) => r.payment_intent === pi.id && r.status !== 'failed' && r.status !== 'canceled')
      .reduce((s, r) => s + r.amount, 0);
    const amount = p.amount === undefined ? pi.amount_received - refunded : Number(p.amount);
    if (!Number.isInteger(amount) || amount < 1)
      return this.error(400, 'invalid_request_error', 'Invalid positive integer', { param: 'amount' });
    if (amount > pi.amount_received - refunded)
      return this.error(
        400,
        'invalid_request_error',
        `Refund amount (¥${amount / 100}) is greater than unrefunded amount on charge (¥${(pi.amount_received - refunded) / 100})`,
        {
          code: 'amount_too_large',
        },
      );
    const r: FakeRefund = {
      id: `re_${this.nextId()}`,
      object: 'refund',
      amount,
      currency: pi.currency,
      payment_intent: pi.id,
      charge: pi.latest_charge,
      status: 'succeeded',
      reason: typeof p.reason === 'string' ? p.reason : null,
      metadata: (p.metadata as Record<string, string> | undefined) ?? {},
      created: Math.floor(Date.now() / 1000),
    };
    this.refunds.set(r.id, r);
    await this.autoEvent('refund.created', r);
    return { status: 200, body: { ...r } };
  }
}

/** Stripe's form encoding (`a[b]=1&c[0]=x`) into nested objects and arrays. */
export function parseForm(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const parts = rawKey.split(/\[|\]\[|\]/).filter((s) => s !== '');
    let node: Record<string, unknown> | unknown[] = out;
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(parts[i + 1]!);
      const k = Array.isArray(node) ? Number(part) : part;
      const container = node as Record<string | number, unknown>;
      if (last) container[k] = value;
      else {
        container[k] ??= nextIsIndex ? [] : {};
        node = container[k] as Record<string, unknown>;
      }
    });
  }
  return out;
}

function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}
