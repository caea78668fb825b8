import type { RequestHandler } from 'express';

/** Headers a browser client may send cross-origin, and those it may read back. */
const ALLOW_HEADERS = 'Authorization, Content-Type, Idempotency-Key, X-Request-Id, X-Client';
const EXPOSE_HEADERS = 'X-Request-Id, Retry-After, RateLimit, RateLimit-Policy, Idempotent-Replayed';
const ALLOW_METHODS = 'GET, POST, PUT, PATCH, DELETE';

/**
 * CORS for the REST API from the CORS_ORIGIN allowlist (the same list socket.io uses). Only a listed
 * origin is echoed back, never `*`, because the web client sends credentials (the refresh cookie).
 * Any other origin gets no CORS headers, so the browser keeps the answer from its page. Unset list:
 * same-origin only, nothing added.
 */
export function corsForApi(origins: string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.get('Origin');
    if (allowed.size === 0 || !origin) return next();
    res.vary('Origin');
    if (!allowed.has(origin)) return next();
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    if (req.method === 'OPTIONS' && req.get('Access-Control-Request-Method')) {
      res.setHeader('Access-Control-Allow-Methods', ALLOW_METHODS);
      res.setHeader('Access-Control-Allow-Headers', ALLOW_HEADERS);
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    res.setHeader('Access-Control-Expose-Headers', EXPOSE_HEADERS);
    next();
  };
}

/** CORS_ORIGIN as a list: comma-separated origins. */
export function corsOrigins(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
