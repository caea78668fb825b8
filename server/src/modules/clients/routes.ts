import type { ErrorRequestHandler, Request, Response } from 'express';
import { z } from 'zod';
import { route } from '../../http/route.js';
import { ZIdParams } from '../../../../shared/src/schemas/common.js';
import {
  ZClient,
  ZClientList,
  ZClientWithSecret,
  ZRegisterClientRequest,
  ZRotateClientRequest,
  ZTokenRequest,
  ZTokenResponse,
} from '../../../../shared/src/schemas/clients.js';
import { OAuthError, type ClientsService } from './service.js';

/** Client credentials from HTTP Basic (RFC 6749 §2.3.1: form-urlencoded id and secret) or the body, not both. */
function credentialsOf(req: Request): { clientId: string | undefined; clientSecret: string | undefined } {
  const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const header = req.get('authorization');
  if (header?.startsWith('Basic ')) {
    if (body.client_id !== undefined || body.client_secret !== undefined)
      throw new OAuthError('invalid_request', 'send the client credentials by HTTP Basic or in the body, not both');
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError('invalid_client', 'client authentication failed');
    try {
      return {
        clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
        clientSecret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
      };
    } catch {
      throw new OAuthError('invalid_client', 'client authentication failed');
    }
  }
  return { clientId: str(body.client_id), clientSecret: str(body.client_secret) };
}

/** POST /oauth/token answers in RFC 6749's own shape (§5.1, §5.2), not the API's error envelope. */
async function token(clients: ClientsService, req: Request, res: Response): Promise<void> {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  try {
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const grant = await clients.issueToken({
      grantType: str(body.grant_type),
      scope: str(body.scope),
      ...credentialsOf(req),
    });
    res.status(200).json(grant);
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    if (err.error === 'invalid_client' && req.get('authorization')?.startsWith('Basic '))
      res.setHeader('WWW-Authenticate', 'Basic realm="zero-waste-exchange"');
    res.status(err.status).json({ error: err.error, error_description: err.description });
  }
}

/**
 * A token request whose body cannot be read (bad JSON, an unknown encoding, too large) is answered
 * as RFC 6749 §5.2 invalid_request too, not in the API's envelope: one shape for every token error.
 */
export const oauthBodyErrors: ErrorRequestHandler = (err: unknown, _req, res, next) => {
  const e = err as { type?: unknown; expose?: unknown; status?: unknown } | null;
  const parserError =
    (typeof e?.type === 'string' && /^(entity\.|encoding\.|charset\.|request\.)/.test(e.type)) ||
    (e?.expose === true && typeof e.status === 'number' && e.status >= 400 && e.status < 500);
  if (!parserError) return next(err);
  res.setHeader('Cache-Control', 'no-store');
  res.status(400).json({ error: 'invalid_request', error_description: 'the body could not be read; send a form or JSON object' });
};

export function clientsRoutes({ clients }: { clients: ClientsService }) {
  return [
    route({
      key: 'POST /oauth/token',
      summary:
        'OAuth 2.0 client credentials (RFC 6749 §4.4): a short-lived token for a machine client; form or JSON body, credentials by HTTP Basic or in the body',
      tags: ['clients'],
      response: ZTokenResponse,
      documentedBody: ZTokenRequest,
      raw: true,
      handle: ({ req, res }) => token(clients, req, res),
    }),
    route({
      key: 'POST /admin/clients',
      summary: 'Register a machine client with scopes (admin); the secret is shown in this answer only',
      tags: ['clients'],
      body: ZRegisterClientRequest,
      response: ZClientWithSecret,
      status: 201,
      handle: ({ actor, body }) => clients.registerClient(actor, body),
    }),
    route({
      key: 'GET /admin/clients',
      summary: 'Machine clients, newest first (admin); secrets are never shown again',
      tags: ['clients'],
      query: z.strictObject({}),
      response: ZClientList,
      handle: () => clients.listClients(),
    }),
    route({
      key: 'POST /admin/clients/:id/rotate',
      summary: 'A new secret for a client (admin); the old one keeps working until the overlap ends',
      tags: ['clients'],
      params: ZIdParams,
      body: ZRotateClientRequest,
      response: ZClientWithSecret,
      handle: ({ actor, params, body }) => clients.rotateClient(actor, params.id, body),
    }),
    route({
      key: 'POST /admin/clients/:id/revoke',
      summary: 'Revoke a client (admin): no new token, and the tokens it holds stop working',
      tags: ['clients'],
      params: ZIdParams,
      response: ZClient,
      handle: ({ actor, params }) => clients.revokeClient(actor, params.id),
    }),
  ];
}
