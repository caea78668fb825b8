import { z } from 'zod';
import { zText } from './text.js';
import { ROLES } from '../roles.js';
import { USCC_MESSAGES, usccProblem } from '../uscc.js';
import { ZDistrict } from './common.js';

/** Emails are compared lower-case: `A@x.cn` and `a@x.cn` are one account. */
export const ZEmail = zText().trim().toLowerCase().max(254, 'at most 254 characters').pipe(z.email('not a valid email address'));

/** The upper bound keeps a hash request from becoming a denial of service. */
export const ZPassword = zText().min(10, 'at least 10 characters').max(256, 'at most 256 characters');

export const ZUscc = zText()
  .trim()
  .superRefine((code, ctx) => {
    const problem = usccProblem(code);
    if (problem) ctx.addIssue({ code: 'custom', message: USCC_MESSAGES[problem] });
  });

export const ZName = zText().trim().min(1, 'required').max(200, 'at most 200 characters');

/**
 * Any role name parses here, so asking for an authority role by self-registration is refused as
 * FORBIDDEN_ROLE (a decision about who may hold it), not as a malformed body.
 */
export const ZRoleList = z
  .array(z.enum(ROLES))
  .min(1, 'at least one role')
  .max(ROLES.length)
  .refine((roles) => new Set(roles).size === roles.length, 'each role once');

export const ZNewUser = z.strictObject({ email: ZEmail, password: ZPassword, name: ZName });
export type TNewUser = z.infer<typeof ZNewUser>;

export const ZRegisterRequest = z.strictObject({
  org: z.strictObject({ name: ZName, uscc: ZUscc, district: ZDistrict, roles: ZRoleList }),
  user: ZNewUser,
});
export type TRegisterRequest = z.infer<typeof ZRegisterRequest>;

export const ZLoginRequest = z.strictObject({
  email: zText().trim().toLowerCase().min(1, 'required').max(254),
  password: zText().min(1, 'required').max(256),
});
export type TLoginRequest = z.infer<typeof ZLoginRequest>;

/** The token may instead come from the web client's cookie. */
export const ZRefreshRequest = z.strictObject({ refreshToken: zText().min(1).max(200).optional() });
export type TRefreshRequest = z.infer<typeof ZRefreshRequest>;

export const ZUser = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  orgRole: z.enum(['owner', 'member']),
  isAdmin: z.boolean(),
});
export type TUser = z.infer<typeof ZUser>;

export const ZScope = z.union([z.literal('city'), z.array(ZDistrict)]);

export const ZOrg = z.object({
  id: z.uuid(),
  name: z.string(),
  uscc: z.string(),
  district: z.string(),
  roles: z.array(z.enum(ROLES)),
  /** Regulators only: 'city' or the district codes they oversee. */
  scope: ZScope.nullable(),
});
export type TOrg = z.infer<typeof ZOrg>;

export const ZAuthResponse = z.object({
  accessToken: z.string(),
  /** Omitted for the web client (X-Client: web), which gets it in the httpOnly cookie. */
  refreshToken: z.string().optional(),
  /** Seconds until the access token expires. */
  expiresIn: z.number().int(),
  user: ZUser,
  org: ZOrg.nullable(),
});
export type TAuthResponse = z.infer<typeof ZAuthResponse>;

export const ZMe = z.object({
  user: ZUser,
  org: ZOrg.nullable(),
  roles: z.array(z.enum(ROLES)),
  /** null for the platform admin, who belongs to no org. */
  creditLevel: z.enum(['green', 'blue', 'yellow', 'red', 'black']).nullable(),
});
export type TMe = z.infer<typeof ZMe>;

/** POST /auth/password: the signed-in user changes its password; every other session ends. */
export const ZChangePasswordRequest = z.strictObject({
  currentPassword: z.string().min(1, 'required').max(256, 'at most 256 characters'),
  newPassword: ZPassword,
});
export type TChangePasswordRequest = z.infer<typeof ZChangePasswordRequest>;

/** POST /auth/reset: a one-time token an admin handed over sets a new password. */
export const ZResetPasswordRequest = z.strictObject({
  token: z.string().min(1, 'required').max(200, 'at most 200 characters'),
  newPassword: ZPassword,
});
export type TResetPasswordRequest = z.infer<typeof ZResetPasswordRequest>;

/** POST /admin/users/:id/disable: the reason goes to the audit log. */
export const ZDisableUserRequest = z.strictObject({ reason: z.string().trim().max(500, 'at most 500 characters').optional() });
export type TDisableUserRequest = z.infer<typeof ZDisableUserRequest>;

export const ZDisabledUser = z.object({ user: ZUser, disabledAt: z.iso.datetime() });
export type TDisabledUser = z.infer<typeof ZDisabledUser>;

/** The one-time reset an admin hands over (the platform sends no e-mail); only its hash is stored. */
export const ZPasswordResetIssued = z.object({
  token: z.string(),
  /** The web client's page for it, with the token in the fragment (never sent to a server log). */
  path: z.string(),
  expiresAt: z.iso.datetime(),
});
export type TPasswordResetIssued = z.infer<typeof ZPasswordResetIssued>;
