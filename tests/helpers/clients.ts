/** Machine-client helpers (issue 14): register a client as the admin, get a token by client credentials. */
import { expect } from 'chai';
import type { TestApp } from './app.js';
import { adminToken, auth } from './actors.js';

type Request = TestApp['request'];

export interface RegisteredClient {
  id: string;
  secret: string;
  scopes: string[];
}

/** `orgId`: the regulator org the client acts for (needed with sanctions:write). */
export async function registerClient(
  request: Request,
  scopes: string[],
  admin?: string,
  orgId?: string,
): Promise<RegisteredClient> {
  const res = await request
    .post('/api/v1/admin/clients')
    .set(auth(admin ?? (await adminToken(request))))
    .send({ name: `system ${scopes.join(' ')}`, scopes, ...(orgId ? { orgId } : {}) });
  expect(res.status, res.text).to.equal(201);
  return { id: res.body.id, secret: res.body.clientSecret, scopes };
}

/** POST /oauth/token as a form with HTTP Basic credentials (the RFC's preferred way). */
export function tokenRequest(request: Request, clientId: string, secret: string, form: Record<string, string> = {}) {
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64');
  return request
    .post('/api/v1/oauth/token')
    .set('Authorization', `Basic ${basic}`)
    .type('form')
    .send({ grant_type: 'client_credentials', ...form });
}

export async function clientToken(request: Request, c: Pick<RegisteredClient, 'id' | 'secret'>): Promise<string> {
  const res = await tokenRequest(request, c.id, c.secret);
  expect(res.status, res.text).to.equal(200);
  return res.body.access_token as string;
}
