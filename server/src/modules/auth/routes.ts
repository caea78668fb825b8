import type { CookieOptions, Request, Response } from 'express';
import { route } from '../../http/route.js';
import { validationError } from '../../http/errors.js';
import {
  ZAuthResponse,
  ZChangePasswordRequest,
  ZDisabledUser,
  ZDisableUserRequest,
  ZLoginRequest,
  ZMe,
  ZPasswordResetIssued,
  ZRefreshRequest,
  ZRegisterRequest,
  ZResetPasswordRequest,
} from '../../../../shared/src/schemas/auth.js';
import { ZIdParams } from '../../../../shared/src/schemas/common.js';
import { REFRESH_TOKEN_TTL_MS, type AuthService, type Session } from './service.js';
import { createLoginThrottle } from './throttle.js';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/client.js';

/**
 * The web client keeps its refresh token in an httpOnly cookie that only the auth endpoints
 * receive; scripts in the page never see it. API clients get it in the body.
 */
export const REFRESH_COOKIE = 'zwx_rt';
const COOKIE_OPTIONS: CookieOptions = { httpOnly: true, secure: true, sameSite: 'strict', path: '/api/v1/auth' };

function isWebClient(req: Request): boolean {
  return req.get('X-Client')?.trim().toLowerCase() === 'web';
}

/** One cookie from the Cookie header (no cookie-parser: this is the only cookie the API reads). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      return decodeURIComponent(value) || undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The refresh token from the body, else the cookie; which one it came from decides how the next one is delivered. */
function presentedToken(
  req: Request,
  body: { refreshToken?: string | undefined },
): { token: string; fromCookie: boolean } | null {
  if (body.refreshToken) return { token: body.refreshToken, fromCookie: false };
  const cookie = readCookie(req.get('cookie'), REFRESH_COOKIE);
  return cookie ? { token: cookie, fromCookie: true } : null;
}

function deliver(
  req: Request,
  res: Response,
  session: Session,
  web = isWebClient(req),
): Omit<Session, 'refreshToken'> & { refreshToken?: string } {
  if (!web) return session;
  res.cookie(REFRESH_COOKIE, session.refreshToken, { ...COOKIE_OPTIONS, maxAge: REFRESH_TOKEN_TTL_MS });
  const { refreshToken: _omitted, ...rest } = session;
  return rest;
}

export function authRoutes(ctx: { auth: AuthService; db: Db; clock: Clock }) {
  const { auth } = ctx;
  const loginThrottle = createLoginThrottle(ctx);
  return [
    route({
      key: 'POST /auth/register',
      summary: 'Register an org (generator, recycler, carrier) and its owner; returns a session',
      tags: ['auth'],
      body: ZRegisterRequest,
      response: ZAuthResponse,
      status: 201,
      handle: async ({ body, req, res }) => deliver(req, res, await auth.register(body)),
    }),
    route({
      key: 'POST /auth/login',
      summary: 'Sign in with email and password',
      tags: ['auth'],
      body: ZLoginRequest,
      response: ZAuthResponse,
      handle: async ({ body, req, res }) =>
        deliver(
          req,
          res,
          await loginThrottle.attempt({ email: body.email, clientAddress: req.ip ?? '' }, () =>
            auth.login(body.email, body.password),
          ),
        ),
    }),
    route({
      key: 'POST /auth/refresh',
      summary: 'Rotate a refresh token (body, or the zwx_rt cookie); reusing an old one revokes the session',
      tags: ['auth'],
      body: ZRefreshRequest,
      response: ZAuthResponse,
      handle: async ({ body, req, res }) => {
        const presented = presentedToken(req, body);
        if (!presented) throw validationError([{ path: 'refreshToken', message: 'required (in the body or the zwx_rt cookie)' }]);
        try {
          return deliver(req, res, await auth.refresh(presented.token), presented.fromCookie || isWebClient(req));
        } catch (err) {
          if (presented.fromCookie) res.clearCookie(REFRESH_COOKIE, COOKIE_OPTIONS);
          throw err;
        }
      },
    }),
    route({
      key: 'POST /auth/logout',
      summary: 'End the session of a refresh token (body, or the zwx_rt cookie)',
      tags: ['auth'],
      body: ZRefreshRequest,
      status: 204,
      handle: async ({ body, req, res }) => {
        const presented = presentedToken(req, body);
        if (presented) await auth.logout(presented.token);
        res.clearCookie(REFRESH_COOKIE, COOKIE_OPTIONS);
      },
    }),
    route({
      key: 'POST /auth/password',
      summary: 'Change the password (with the current one); every session ends and a new one is returned',
      tags: ['auth'],
      body: ZChangePasswordRequest,
      response: ZAuthResponse,
      handle: async ({ body, actor, req, res }) =>
        deliver(req, res, await auth.changePassword(actor, body.currentPassword, body.newPassword)),
    }),
    route({
      key: 'POST /auth/reset',
      summary: 'Set a new password with a one-time reset token an admin handed over; every session ends',
      tags: ['auth'],
      body: ZResetPasswordRequest,
      status: 204,
      handle: async ({ body }) => {
        await auth.resetPassword(body.token, body.newPassword);
      },
    }),
    route({
      key: 'POST /admin/users/:id/disable',
      summary: 'Disable a user: its sessions and access tokens end at once and it cannot sign in (audited)',
      tags: ['admin'],
      params: ZIdParams,
      body: ZDisableUserRequest,
      response: ZDisabledUser,
      handle: ({ params, body, actor }) => auth.disableUser(actor, params.id, body.reason),
    }),
    route({
      key: 'POST /admin/users/:id/reset',
      summary: 'Issue a one-time password reset (24 h) for the admin to hand over; earlier unused ones stop working (audited)',
      tags: ['admin'],
      params: ZIdParams,
      response: ZPasswordResetIssued,
      status: 201,
      handle: ({ params, actor }) => auth.issuePasswordReset(actor, params.id),
    }),
    route({
      key: 'GET /me',
      summary: 'The signed-in user, its org, roles and credit level',
      tags: ['auth'],
      response: ZMe,
      handle: ({ actor }) => auth.me(actor),
    }),
  ];
}
