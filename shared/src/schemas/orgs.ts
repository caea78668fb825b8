import { z } from 'zod';
import { zText, zMultilineText } from './text.js';
import { AUTHORITY_ROLES, ROLES } from '../roles.js';
import { ZDistrict } from './common.js';
import { ZName, ZNewUser, ZOrg, ZUscc, ZUser } from './auth.js';

/** A regulator's scope on input: the whole city, or a non-empty list of distinct district codes. */
export const ZScopeInput = z.union([
  z.literal('city'),
  z
    .array(ZDistrict)
    .min(1, 'at least one district, or "city"')
    .refine((d) => new Set(d).size === d.length, 'each district once'),
]);

/** POST /admin/orgs: an authority org (regulator, credit agency) and its owner. */
export const ZCreateAuthorityOrgRequest = z.strictObject({
  org: z
    .strictObject({
      name: ZName,
      uscc: ZUscc,
      district: ZDistrict,
      roles: z
        .array(z.enum(AUTHORITY_ROLES, { message: 'an admin creates regulator and credit_agency orgs; others self-register' }))
        .min(1, 'at least one role')
        .refine((r) => new Set(r).size === r.length, 'each role once'),
      scope: ZScopeInput.optional(),
    })
    .superRefine((o, ctx) => {
      const regulator = o.roles.includes('regulator');
      if (regulator && o.scope === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['scope'],
          message: 'a regulator org needs a scope: "city" or a list of districts',
        });
      if (!regulator && o.scope !== undefined)
        ctx.addIssue({ code: 'custom', path: ['scope'], message: 'only regulator orgs carry a scope' });
    }),
  user: ZNewUser,
});
export type TCreateAuthorityOrgRequest = z.infer<typeof ZCreateAuthorityOrgRequest>;

export const ZCreatedOrgResponse = z.object({ org: ZOrg, user: ZUser });

/** What any signed-in user may see of an org. */
export const ZOrgProfile = z.object({
  id: z.uuid(),
  name: z.string(),
  uscc: z.string(),
  district: z.string(),
  roles: z.array(z.enum(ROLES)),
});
export type TOrgProfile = z.infer<typeof ZOrgProfile>;

export const ZAddMemberRequest = ZNewUser;
export type TAddMemberRequest = z.infer<typeof ZAddMemberRequest>;

export const ZMember = ZUser.extend({ orgId: z.uuid() });
export type TMember = z.infer<typeof ZMember>;
export const ZMembers = z.object({ items: z.array(ZMember) });
export const ZMemberParams = z.strictObject({ id: z.uuid('not a valid id'), userId: z.uuid('not a valid id') });

// ── Licences ────────────────────────────────────────────────────────────────────────────────

export const LICENCE_KINDS = ['disposal', 'transport', 'collection'] as const;
export type TLicenceKind = (typeof LICENCE_KINDS)[number];
export const LICENCE_STATUSES = ['pending', 'approved', 'rejected', 'suspended', 'revoked', 'expired'] as const;
export type TLicenceStatus = (typeof LICENCE_STATUSES)[number];

/** The national list's categories: HW01–HW40 and HW45–HW50 (HW41–HW44 do not exist; DESIGN §6.6). */
export function isHazardousCategory(code: string): boolean {
  const m = /^HW(\d{2})$/.exec(code);
  if (!m) return false;
  const n = Number(m[1]);
  return (n >= 1 && n <= 40) || (n >= 45 && n <= 50);
}

/** A hazardous code `NNN-NNN-NN`, an HW category, or a general industrial SW class (SW07, SW14-01). */
export const WASTE_CODE_PATTERN = /^(\d{3}-\d{3}-\d{2}|HW\d{2}|SW\d{2}(-\d{2})?)$/;

export const ZLicenceWasteCode = zText()
  .trim()
  .toUpperCase()
  .regex(WASTE_CODE_PATTERN, 'a hazardous code NNN-NNN-NN, an HW category (HW08) or an SW class (SW07)')
  .refine((c) => !c.startsWith('HW') || isHazardousCategory(c), 'no such HW category (HW01–HW40, HW45–HW50)');

/** A calendar date, YYYY-MM-DD, that exists. */
export const ZDate = zText()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'not a calendar date');

export const ZCreateLicenceRequest = z
  .strictObject({
    number: zText().trim().min(1, 'required').max(100, 'at most 100 characters'),
    kind: z.enum(LICENCE_KINDS),
    wasteCodes: z
      .array(ZLicenceWasteCode)
      .min(1, 'at least one waste code')
      .max(500, 'at most 500 codes')
      .refine((c) => new Set(c).size === c.length, 'each code once'),
    annualCapacityKg: z.number().int('whole kilograms').min(1).max(1e12),
    validFrom: ZDate,
    validTo: ZDate,
  })
  .superRefine((l, ctx) => {
    if (l.validTo < l.validFrom) ctx.addIssue({ code: 'custom', path: ['validTo'], message: 'must not be before validFrom' });
  });
export type TCreateLicenceRequest = z.infer<typeof ZCreateLicenceRequest>;

export const ZLicence = z.object({
  id: z.uuid(),
  orgId: z.uuid(),
  number: z.string(),
  kind: z.enum(LICENCE_KINDS),
  wasteCodes: z.array(z.string()),
  annualCapacityKg: z.number().int(),
  validFrom: z.string(),
  validTo: z.string(),
  status: z.enum(LICENCE_STATUSES),
  decidedBy: z.uuid().nullable(),
  decidedAt: z.string().nullable(),
  /** The last decision's note (a rejection's reason). */
  decisionNote: z.string().nullable(),
  createdAt: z.string(),
});
export type TLicence = z.infer<typeof ZLicence>;

/** An org's licence with its calendar-year use: hazardous intake for a disposal licence, null for transport. */
export const ZHeldLicence = ZLicence.extend({ usedKg: z.number().int().nullable(), remainingKg: z.number().int().nullable() });
export type THeldLicence = z.infer<typeof ZHeldLicence>;

/** POST /licences/:id/approve|suspend|reinstate|revoke: an optional note, kept in the audit row. */
export const ZLicenceDecisionRequest = z.strictObject({ note: zMultilineText().trim().min(1).max(1000).optional() });
export type TLicenceDecisionRequest = z.infer<typeof ZLicenceDecisionRequest>;

/** POST /licences/:id/reject: the reason is required; the holder sees it. */
export const ZLicenceRejectRequest = z.strictObject({ note: zMultilineText().trim().min(1, 'a reason is required').max(1000) });
export type TLicenceRejectRequest = z.infer<typeof ZLicenceRejectRequest>;

/** GET /orgs?q=: organisations in the caller's oversight by name or USCC (regulator, admin). */
export const ZOrgSearchQuery = z.strictObject({
  q: zText().trim().max(100).optional(),
  cursor: zText().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type TOrgSearchQuery = z.infer<typeof ZOrgSearchQuery>;

export const ZOrgLicencesQuery = z.strictObject({
  status: z.enum(LICENCE_STATUSES).optional(),
  cursor: zText().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type TOrgLicencesQuery = z.infer<typeof ZOrgLicencesQuery>;

/** GET /licences: the regulator's review queue (oldest first), limited to its scope. */
export const ZLicencesQuery = ZOrgLicencesQuery.extend({ district: ZDistrict.optional() });
export type TLicencesQuery = z.infer<typeof ZLicencesQuery>;
