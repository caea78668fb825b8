/**
 * The access policy, declared once: who may call each route of /api/v1 (role × route), and which
 * object-level rule the service enforces on top (party, org owner, regulator scope). Routes are
 * registered by key from this table (server/src/http/route.ts), so a route without an entry does
 * not compile, and the security tests generate their role × route matrix from it.
 */
import type { Role } from '../../../shared/src/roles.js';
import type { TClientScope } from '../../../shared/src/schemas/clients.js';

export interface Access {
  /**
   * 'public': no token needed; 'user': any signed-in user; a list: any of these roles; 'client': a
   * machine client's token (issue 14, ADR 0020), with `scope` when the route needs one.
   */
  who: 'public' | 'user' | 'client' | readonly Role[];
  /** Client routes: the scope the token must carry ('feeds:read:<topic>' is checked per topic by the service). */
  scope?: string;
  /**
   * User routes ('user' or a role list) that a machine client may call too: a client token carrying
   * this scope is admitted (its handler sees a ClientActor), one without it is 403 INSUFFICIENT_SCOPE.
   * Without `clientScope` a user route refuses every client token (403 FORBIDDEN_ROLE).
   */
  clientScope?: TClientScope;
  /** The object-level rule the service applies after the role check. */
  rule?: 'org-owner' | 'party' | 'scope' | 'self' | 'bidder-or-owner';
}

export const POLICY = {
  'POST /auth/register': { who: 'public' },
  'POST /auth/login': { who: 'public' },
  'POST /auth/refresh': { who: 'public' },
  'POST /auth/logout': { who: 'public' },
  'POST /auth/password': { who: 'user' },
  // The one-time token is the authentication (256 random bits, stored hashed, single use).
  'POST /auth/reset': { who: 'public' },
  'POST /admin/users/:id/disable': { who: ['admin'] },
  'POST /admin/users/:id/reset': { who: ['admin'] },
  'GET /me': { who: 'user' },

  'POST /admin/orgs': { who: ['admin'] },
  'GET /orgs/:id': { who: 'user' },
  'POST /orgs/:id/users': { who: 'user', rule: 'org-owner' },
  'POST /orgs/:id/licences': { who: 'user', rule: 'org-owner' },
  'GET /orgs/:id/licences': { who: 'user', rule: 'self' },
  'POST /licences/:id/approve': { who: ['regulator', 'admin'], rule: 'scope' },
  'POST /licences/:id/suspend': { who: ['regulator', 'admin'], rule: 'scope' },
  'POST /licences/:id/reject': { who: ['regulator', 'admin'], rule: 'scope' },
  'POST /licences/:id/reinstate': { who: ['regulator', 'admin'], rule: 'scope' },
  'POST /licences/:id/revoke': { who: ['regulator', 'admin'], rule: 'scope' },
  'GET /orgs': { who: ['regulator', 'admin'], rule: 'scope' },
  'GET /licences': { who: ['regulator', 'admin'], rule: 'scope' },
  // The carrier directory (issue 13 item 4): who opens trips (generators, recyclers) and who oversees.
  'GET /carriers': { who: ['generator', 'recycler', 'collector', 'regulator', 'admin'] },

  'GET /catalog/materials': { who: 'public' },
  'GET /catalog/materials/:code': { who: 'public' },
  'GET /catalog/districts': { who: 'public' },

  'POST /listings': { who: ['generator', 'recycler', 'collector'] },
  'GET /listings': { who: 'public' },
  'GET /listings/:id': { who: 'public' },
  'PATCH /listings/:id': { who: ['generator', 'recycler', 'collector'], rule: 'org-owner' },
  'POST /listings/:id/cancel': { who: ['generator', 'recycler', 'collector'], rule: 'org-owner' },
  'POST /listings/:id/bids': { who: ['generator', 'recycler'] },
  'GET /listings/:id/bids': { who: 'user', rule: 'bidder-or-owner' },
  'GET /bids': { who: ['generator', 'recycler'], rule: 'self' },
  'POST /bids/:id/withdraw': { who: ['generator', 'recycler'], rule: 'party' },
  'GET /trades': { who: 'user', rule: 'party' },
  'GET /trades/:id': { who: 'user', rule: 'party' },
  'GET /prices/reference/:code': { who: 'public' },
  'PUT /prices/reference/:code': { who: ['regulator'] },
  'GET /prices/reference/:code/pins': { who: ['regulator', 'admin'] },
  // Issue 13: lifting a pin; the service lets only a city-scope regulator do it (CITY_SCOPE_REQUIRED otherwise).
  'DELETE /prices/reference/:code/pin': { who: ['regulator'] },
  'GET /prices/index': { who: 'public' },
  // Eco compensation rates (issue 12 item 6): public reads (what a cross-district trade will be charged);
  // the service lets only a city-scope regulator add a row (CITY_SCOPE_REQUIRED otherwise).
  'GET /eco-rates': { who: 'public' },
  'GET /eco-rates/:id': { who: 'public' },
  'POST /eco-rates': { who: ['regulator'] },
  // Deployment facts every page shows (simulated payments); nothing secret.
  'GET /meta': { who: 'public' },

  // Settlement (payments, ledger, settlement modules). The service checks that the caller is the
  // payer (pay), a party (cancel), or a party / overseer in scope (payment, ledger).
  'POST /trades/:id/pay': { who: ['generator', 'recycler', 'collector'], rule: 'party' },
  'GET /trades/:id/payment': { who: 'user', rule: 'party' },
  'POST /trades/:id/cancel': { who: ['generator', 'recycler', 'collector'], rule: 'party' },
  'POST /trades/:id/resolve': { who: ['admin'] },
  // Issue 13 items 3 and 10: per-trip dispute resolution, evidence notes, documents.
  'POST /manifests/:id/resolve': { who: ['admin'] },
  'GET /trades/:id/evidence': { who: 'user', rule: 'party' },
  'POST /trades/:id/evidence': { who: 'user', rule: 'party' },
  'POST /documents': { who: 'user', rule: 'party' },
  'GET /documents': { who: 'user', rule: 'party' },
  'GET /documents/:id': { who: 'user', rule: 'party' },
  'GET /trades/:id/ledger': { who: 'user', rule: 'party' },
  'GET /payments/bank-transfers': { who: ['admin'] },
  'POST /payments/bank-transfers/:reference/confirm': { who: ['admin'] },
  'GET /admin/balances': { who: ['admin'] },
  // Manifests. The service checks the object rule: the shipper (the trade's generator) opens trips and
  // closes shipments; each step belongs to one party of the trip (shipper, carrier or receiver); reads
  // for the trip's parties and regulators whose scope has its origin or destination.
  'POST /trades/:id/manifests': { who: ['generator', 'recycler', 'collector'], rule: 'party' },
  'POST /trades/:id/close-shipments': { who: ['generator', 'recycler', 'collector'], rule: 'party' },
  'GET /manifests': { who: 'user', rule: 'party' },
  'GET /manifests/:id': { who: 'user', rule: 'party' },
  'POST /manifests/:id/events': { who: ['generator', 'recycler', 'carrier', 'collector'], rule: 'party' },
  'GET /manifests/:id/audit': { who: 'user', rule: 'party' },
  'GET /manifests/:id/pdf': { who: 'user', rule: 'party' },
  // Credit. Scores and history: the org itself, parties to a trade with it, regulators, credit agencies
  // (the service checks; anyone else gets 404). The feed and webhooks: credit agencies (and regulators
  // read the feed); a subscription and its deliveries belong to the agency that made it.
  'GET /credit/orgs/:id': { who: 'user', rule: 'party' },
  'GET /credit/orgs/:id/history': { who: 'user', rule: 'party' },
  'GET /credit/feed': { who: ['credit_agency', 'regulator'] },
  'POST /credit/subscriptions': { who: ['credit_agency'] },
  'GET /credit/subscriptions': { who: ['credit_agency'] },
  'DELETE /credit/subscriptions/:id': { who: ['credit_agency'] },
  'GET /credit/deliveries': { who: ['credit_agency'] },
  'POST /regulator/sanctions': { who: ['regulator'] },
  'GET /regulator/sanctions': { who: ['regulator', 'admin'], rule: 'scope' },
  // Not in this table: POST /api/v1/payments/stripe/webhook. Stripe authenticates by signature over
  // the raw body, so app.ts mounts it with express.raw() before the JSON parser and outside the route
  // table (OUTSIDE_ROUTE_TABLE below; server/src/modules/payments/routes.ts).
  // Regulator monitoring (issue 7): regulators only (DESIGN §7); every read and the resolve are
  // filtered in the query to the regulator's scope (trades / alerts touching its districts; city: all).
  'GET /regulator/flows': { who: ['regulator'], rule: 'scope' },
  'GET /regulator/flows/trades': { who: ['regulator'], rule: 'scope' },
  'GET /regulator/alerts': { who: ['regulator'], rule: 'scope' },
  'POST /regulator/alerts/:id/resolve': { who: ['regulator'], rule: 'scope' },
  'GET /regulator/indicators': { who: ['regulator'], rule: 'scope' },
  'GET /regulator/capacity': { who: ['regulator'], rule: 'scope' },
  // Notification centre (issue 13 item 7): every signed-in user, each only their own (another's is 404).
  'GET /notifications': { who: 'user', rule: 'self' },
  'POST /notifications/:id/read': { who: 'user', rule: 'self' },
  'GET /notifications/preferences': { who: 'user', rule: 'self' },
  'PUT /notifications/preferences': { who: 'user', rule: 'self' },
  // Issue 13 items 6 and 8: the caller's own to-do list (computed in its scope); an org's members
  // (its own users see the list; only its owner removes one).
  'GET /todos': { who: 'user', rule: 'self' },
  'GET /orgs/:id/users': { who: 'user', rule: 'self' },
  'DELETE /orgs/:id/users/:userId': { who: 'user', rule: 'org-owner' },
  // Machine clients (issue 14, ADR 0020). The token endpoint authenticates the client by its secret
  // (RFC 6749 §4.4); the admin registers, rotates and revokes clients. Client routes take a client
  // token only (a user's is 403 FORBIDDEN_ROLE) and the scope named here (else 403 INSUFFICIENT_SCOPE).
  // Scopes: feeds:read:<topic> (credit, trades, manifests, licences, alerts), manifests:export,
  // manifests:write-official, licences:write, sanctions:write, orgs:verify.
  'POST /oauth/token': { who: 'public' },
  'POST /admin/clients': { who: ['admin'] },
  'GET /admin/clients': { who: ['admin'] },
  'POST /admin/clients/:id/rotate': { who: ['admin'] },
  'POST /admin/clients/:id/revoke': { who: ['admin'] },
  'GET /feeds/:topic': { who: 'client' },
  // Webhooks per topic; a client sees and deletes only its own subscriptions (another's is 404).
  'POST /feeds/:topic/subscriptions': { who: 'client' },
  'GET /feeds/:topic/subscriptions': { who: 'client' },
  'DELETE /feeds/:topic/subscriptions/:id': { who: 'client' },
  'PUT /inbound/licences/:number': { who: 'client', scope: 'licences:write' },
  'POST /inbound/sanctions': { who: 'client', scope: 'sanctions:write' },
  'PUT /inbound/manifests/:id/official-number': { who: 'client', scope: 'manifests:write-official' },
  'POST /inbound/orgs/:id/uscc-verification': { who: 'client', scope: 'orgs:verify' },
  // Issue 14 item 3: the shipper cancels a draft trip or supplements the national form's fields.
  'POST /manifests/:id/cancel': { who: ['generator', 'recycler'], rule: 'party' },
  'POST /manifests/:id/form': { who: ['generator', 'recycler'], rule: 'party' },
  // Issue 14 item 4: the manifest export, for regulators (in scope), the admin, and a machine client
  // holding the scope `manifests:export` (the government's system; it sees every district). The service
  // (manifests/export.ts, EXPORT_SCOPE) checks the same scope again as its object-level rule.
  'GET /manifests/export': { who: ['regulator', 'admin'], rule: 'scope', clientScope: 'manifests:export' },
  'GET /manifests/:id/export': { who: ['regulator', 'admin'], rule: 'scope', clientScope: 'manifests:export' },
  // Issue 14 item 6: public disclosure (公示), no sign-in; rate-limited per IP like every anonymous
  // route. No personal data; flows and prices under the 3 + 3 distinct-party rule (DESIGN §6.3).
  'GET /public/prices': { who: 'public' },
  'GET /public/flows': { who: 'public' },
  'GET /public/indicators': { who: 'public' },
  'GET /public/credit': { who: 'public' },
  'GET /public/licences': { who: 'public' },
  // Continuous markets (issue 16): traders post and cancel their own orders; depth and prints are public.
  'POST /markets/:code/orders': { who: ['generator', 'recycler'] },
  'DELETE /markets/:code/orders/:id': { who: ['generator', 'recycler'], rule: 'party' },
  'GET /markets/:code/book': { who: 'public' },
  'GET /markets/:code/trades': { who: 'public' },
  'GET /orders': { who: ['generator', 'recycler'], rule: 'self' },
  // Watchlists (issue 16 item 5): any signed-in user, each only their own (another's is 404).
  'POST /watches': { who: 'user', rule: 'self' },
  'GET /watches': { who: 'user', rule: 'self' },
  'DELETE /watches/:id': { who: 'user', rule: 'self' },
  // Issue 18: collection (小箱进大箱) and fallback disposal. The service checks the object rule: an
  // intake is decided by its collector; a lot goes to fallback by its owner; a fallback request is
  // answered by its designated disposer; designations need a city-scope regulator.
  'POST /collection/points': { who: ['collector'] },
  'GET /collection/points': { who: 'user' },
  'POST /collection/intakes': { who: ['generator'] },
  'GET /collection/intakes': { who: 'user', rule: 'self' },
  'POST /collection/intakes/:id/accept': { who: ['collector'], rule: 'party' },
  'POST /collection/intakes/:id/refuse': { who: ['collector'], rule: 'party' },
  'GET /collection/stock': { who: ['collector'], rule: 'self' },
  'POST /collection/lots': { who: ['collector'] },
  'GET /regulator/trace': { who: ['regulator'], rule: 'scope' },
  'POST /regulator/fallback/designations': { who: ['regulator'] },
  'GET /fallback/designations': { who: 'user' },
  'GET /fallback/tariff': { who: ['generator', 'collector'], rule: 'org-owner' },
  'POST /listings/:id/fallback': { who: ['generator', 'collector'], rule: 'org-owner' },
  'GET /fallback/requests': { who: 'user', rule: 'self' },
  'POST /fallback/requests/:id/accept': { who: ['recycler'], rule: 'party' },
  'POST /fallback/requests/:id/decline': { who: ['recycler'], rule: 'party' },
  'GET /regulator/fallback': { who: ['regulator'], rule: 'scope' },
} as const satisfies Record<string, Access>;

/** Routes under /api/v1 mounted outside the route table, each with the reason; the security tests read this list. */
export const OUTSIDE_ROUTE_TABLE = {
  'POST /payments/stripe/webhook': 'Stripe: authenticated by the Stripe-Signature header over the raw body, not by a token',
} as const;

export type RouteKey = keyof typeof POLICY;
/** Routes that answer without a token: their handlers may see no actor. */
export type PublicRouteKey = { [K in RouteKey]: (typeof POLICY)[K]['who'] extends 'public' ? K : never }[RouteKey];
/** Routes for machine clients only: their handlers see a ClientActor. */
export type ClientRouteKey = { [K in RouteKey]: (typeof POLICY)[K]['who'] extends 'client' ? K : never }[RouteKey];
/** User routes that also admit a machine client with their `clientScope`: their handlers see a user or a client. */
export type UserOrClientRouteKey = {
  [K in RouteKey]: (typeof POLICY)[K] extends { clientScope: string } ? K : never;
}[RouteKey];

/** Whether a user with these roles (null: no token) may call the route. No user may call a client route. */
export function allows(access: Access, roles: readonly Role[] | null): boolean {
  if (access.who === 'public') return true;
  if (!roles) return false;
  if (access.who === 'client') return false;
  if (access.who === 'user') return true;
  return access.who.some((r) => roles.includes(r));
}

/**
 * Whether a machine client holding these scopes gets past the route layer: on a client route, with the
 * route's scope if it names one; on a user route, only one with a `clientScope` the client holds.
 */
export function allowsClient(access: Access, scopes: readonly string[]): boolean {
  if (access.who === 'public') return true;
  if (access.who === 'client') return !access.scope || scopes.includes(access.scope);
  return access.clientScope !== undefined && scopes.includes(access.clientScope);
}
