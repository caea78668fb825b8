import type { AppContext } from '../../context.js';
import { recordAudit } from '../../db/audit.js';
import type { DbOrTx } from '../../db/client.js';
import { inTransaction, isUniqueViolation } from '../../db/tx.js';
import { notifyOrg } from '../../realtime/publish.js';
import type { Ids } from '../../clock.js';
import { AppError, ErrorCodes, type FieldError } from '../../../../shared/src/errors.js';
import type { RegulatorScope, Role } from '../../../../shared/src/roles.js';
import { decodeCursor, encodeCursor, type TPage } from '../../../../shared/src/schemas/common.js';
import type { TOrg } from '../../../../shared/src/schemas/auth.js';
import type {
  TAddMemberRequest,
  TCreateAuthorityOrgRequest,
  TCreateLicenceRequest,
  TLicence,
  TLicenceKind,
  TLicencesQuery,
  TMember,
  TOrgLicencesQuery,
  TOrgProfile,
  TOrgSearchQuery,
  THeldLicence,
} from '../../../../shared/src/schemas/orgs.js';
import type { UserActor } from '../../http/actor.js';
import { assertEmailFree, conflictFromUnique, createUserRow, hashNewUserPassword, toUser } from '../users/index.js';
import type { CreditEventInput } from '../credit/index.js';
import * as repo from './repo.js';
import { createCarrierDirectory } from './carriers.js';
import { createRegistrySync } from './registry.js';

export type OrgsService = ReturnType<typeof createOrgsService>;
export type OrgRow = repo.OrgRow;
export type LicenceRow = repo.LicenceRow;

// ── Functions other modules use (they never reach this module's repo) ─────────────────────────

export function getOrgRow(dbx: DbOrTx, id: string): Promise<OrgRow | null> {
  return repo.findOrg(dbx, id);
}

export function toOrg(row: OrgRow): TOrg {
  return {
    id: row.id,
    name: row.name,
    uscc: row.uscc,
    district: row.district,
    roles: row.roles as Role[],
    scope: (row.scope ?? null) as TOrg['scope'],
  };
}

export function toLicence(row: LicenceRow): TLicence {
  return {
    id: row.id,
    orgId: row.orgId,
    number: row.number,
    kind: row.kind,
    wasteCodes: row.wasteCodes,
    annualCapacityKg: row.annualCapacityKg,
    validFrom: row.validFrom,
    validTo: row.validTo,
    status: row.status,
    decidedBy: row.decidedBy,
    decidedAt: row.decidedAt?.toISOString() ?? null,
    decisionNote: row.decisionNote ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Whether a regulator scope covers a district: 'city' covers every district. */
export function scopeCovers(scope: RegulatorScope | null, district: string): boolean {
  return scope === 'city' || (Array.isArray(scope) && scope.includes(district));
}

/** Whether the actor oversees orgs in this district: the admin always, a regulator within its scope. */
export function oversees(actor: UserActor, district: string): boolean {
  if (actor.roles.includes('admin')) return true;
  return actor.roles.includes('regulator') && scopeCovers(actor.scope, district);
}

/** The districts an overseer may see: null for all of them (admin, city regulator), [] for none. */
export function overseenDistricts(actor: UserActor): string[] | null {
  if (actor.roles.includes('admin')) return null;
  if (!actor.roles.includes('regulator')) return [];
  if (actor.scope === 'city') return null;
  return actor.scope ?? [];
}

export interface HeldLicence {
  id: string;
  orgId: string;
  number: string;
  kind: TLicenceKind;
  wasteCodes: string[];
  annualCapacityKg: number;
  /** YYYY-MM-DD, Asia/Shanghai calendar days, inclusive. */
  validFrom: string;
  validTo: string;
  status: 'approved' | 'suspended';
}

/**
 * An org's decided licences of one kind (approved or suspended), for eligibility checks: a
 * suspended one is returned so the caller can say LICENCE_SUSPENDED rather than LICENCE_REQUIRED.
 */
export async function licencesFor(dbx: DbOrTx, orgId: string, kind: TLicenceKind): Promise<HeldLicence[]> {
  const rows = await repo.listLicences(dbx, { orgId, kind, statuses: ['approved', 'suspended'] });
  return rows.map((r) => ({
    id: r.id,
    orgId: r.orgId,
    number: r.number,
    kind: r.kind,
    wasteCodes: r.wasteCodes,
    annualCapacityKg: r.annualCapacityKg,
    validFrom: r.validFrom,
    validTo: r.validTo,
    status: r.status as 'approved' | 'suspended',
  }));
}

/** Checks that a USCC is free before the insert, for a clear 409; the unique index still decides races. */
export async function assertOrgFree(dbx: DbOrTx, uscc: string): Promise<void> {
  if (await repo.findOrgByUscc(dbx, uscc))
    throw new AppError(ErrorCodes.CONFLICT, 'an organisation with this unified social credit code is already registered', {
      fields: [{ path: 'org.uscc', message: 'already registered' }],
    });
}

/** Creates an org in the caller's transaction (registration, admin creation). */
export function createOrgRow(
  dbx: DbOrTx,
  ids: Ids,
  o: { name: string; uscc: string; district: string; roles: Role[]; scope: RegulatorScope | null },
): Promise<OrgRow> {
  return repo.insertOrg(dbx, {
    id: ids.uuid(),
    name: o.name,
    uscc: o.uscc,
    district: o.district,
    roles: [...o.roles],
    scope: o.scope,
  });
}

// ── The use cases ─────────────────────────────────────────────────────────────────────────────

/** Orgs that oversee trading; they hold no trading licence (separation of duties, issue 10 item 8). */
const AUTHORITY_ROLES: readonly string[] = ['regulator', 'credit_agency'];

/** DESIGN §7: pending → approved | rejected; approved → suspended → approved; approved | suspended → revoked. */
const TRANSITIONS = {
  approve: { from: ['pending'], to: 'approved' },
  reject: { from: ['pending'], to: 'rejected' },
  suspend: { from: ['approved'], to: 'suspended' },
  reinstate: { from: ['suspended'], to: 'approved' },
  revoke: { from: ['approved', 'suspended'], to: 'revoked' },
} as const satisfies Record<string, { from: readonly LicenceRow['status'][]; to: LicenceRow['status'] }>;
export type LicenceDecision = keyof typeof TRANSITIONS;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function afterIdFromCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  const v = decodeCursor(cursor);
  const id = v?.[0];
  if (typeof id !== 'string' || !UUID_RE.test(id))
    throw new AppError(ErrorCodes.VALIDATION_FAILED, 'invalid cursor', {
      fields: [{ path: 'cursor', message: 'invalid cursor' }],
    });
  return id;
}

function page(rows: LicenceRow[], limit: number): TPage<TLicence> {
  const items = rows.slice(0, limit);
  return { items: items.map(toLicence), nextCursor: rows.length > limit ? encodeCursor([items.at(-1)!.id]) : null };
}

/**
 * What the orgs module asks of modules above it, passed in at composition (server/src/context.ts)
 * rather than imported, so the module graph keeps one direction: credit reads orgs, never the reverse.
 */
export interface OrgsPorts {
  /** credit's recordCreditEvent: a credit input in the caller's transaction. */
  recordCreditEvent(tx: DbOrTx, e: CreditEventInput): Promise<boolean>;
  /** trades' hazardous intake of an org in a calendar year (Asia/Shanghai), for a licence's remaining capacity. */
  hazardousIntakeKg(dbx: DbOrTx, orgId: string, year: number): Promise<number>;
  /** auth's endSessions: revoke a user's refresh tokens and bump its token version; `done` after the commit. */
  endSessions(tx: DbOrTx, userId: string): Promise<{ revoked: number; done: () => void }>;
}

export function createOrgsService(ctx: AppContext, { recordCreditEvent, hazardousIntakeKg, endSessions }: OrgsPorts) {
  /** The org, when the actor is its owner. Another org's owner or a member gets FORBIDDEN_ROLE. */
  async function ownedOrg(actor: UserActor, orgId: string): Promise<OrgRow> {
    const org = await getOrgRow(ctx.db, orgId);
    if (!org) throw new AppError(ErrorCodes.NOT_FOUND, 'no such organisation');
    if (actor.orgId !== org.id || actor.orgRole !== 'owner')
      throw new AppError(ErrorCodes.FORBIDDEN_ROLE, "only the organisation's owner can do this");
    return org;
  }

  /** Licence codes beyond their shape: specific codes must be in the catalogue (HW categories are checked by the schema). */
  async function checkWasteCodes(codes: string[]): Promise<void> {
    const fields: FieldError[] = [];
    for (const [i, code] of codes.entries()) {
      if (code.startsWith('HW')) continue;
      const m = await ctx.catalog.findMaterial(ctx.db, code);
      if (!m) fields.push({ path: `wasteCodes.${i}`, message: `${code} is not in the waste catalogue` });
      else if (!code.startsWith('SW') && m.hazardous !== true)
        fields.push({ path: `wasteCodes.${i}`, message: `${code} is not a hazardous waste code` });
    }
    if (fields.length)
      throw new AppError(ErrorCodes.VALIDATION_FAILED, `invalid request: ${fields.map((f) => f.path).join(', ')}`, { fields });
  }

  async function decide(actor: UserActor, licenceId: string, decision: LicenceDecision, note?: string): Promise<TLicence> {
    const t = TRANSITIONS[decision];
    return inTransaction(ctx.db, async (tx) => {
      const found = await repo.lockLicence(tx, licenceId);
      // A regulator outside the holder's district does not learn the licence exists.
      if (!found || !oversees(actor, found.district)) throw new AppError(ErrorCodes.NOT_FOUND, 'no such licence');
      if (found.licence.orgId === actor.orgId)
        throw new AppError(
          ErrorCodes.OWN_LICENCE_DECISION,
          `a licence of your own organisation cannot be ${t.to} by you; another regulator in scope or the admin decides it`,
        );
      const from = found.licence.status;
      if (!(t.from as readonly string[]).includes(from))
        throw new AppError(ErrorCodes.INVALID_STATE, `a ${from} licence cannot be ${t.to}`, {
          status: from,
          allowed: [...t.from],
        });
      const updated = await repo.setLicenceStatus(tx, licenceId, {
        status: t.to,
        decidedBy: actor.userId,
        decidedAt: ctx.clock.now(),
        decisionNote: note ?? null,
      });
      await recordAudit(tx, actor, {
        action: `licence.${decision}`,
        subjectType: 'licence',
        subjectId: licenceId,
        details: { from, to: t.to, orgId: updated.orgId, number: updated.number, ...(note ? { note } : {}) },
      });
      if (decision === 'suspend')
        await recordCreditEvent(tx, {
          orgId: updated.orgId,
          kind: 'licence_suspended',
          subjectType: 'licence',
          subjectId: licenceId,
          occurredAt: ctx.clock.now(),
          details: { number: updated.number, kind: updated.kind },
        });
      const facts = { licenceId, number: updated.number, decision, status: t.to, ...(note ? { note } : {}) };
      await notifyOrg(
        tx,
        updated.orgId,
        `licence:${licenceId}:${decision}:${ctx.clock.now().toISOString()}`,
        { kind: 'licence_decision', subjectType: 'licence', subjectId: licenceId, data: facts },
        ctx.clock.now(),
      );
      return toLicence(updated);
    });
  }

  return {
    /** POST /admin/orgs: a regulator or credit agency org and its owner, audited. */
    async createAuthorityOrg(
      actor: UserActor,
      input: TCreateAuthorityOrgRequest,
    ): Promise<{ org: TOrg; user: ReturnType<typeof toUser> }> {
      const passwordHash = await hashNewUserPassword(input.user);
      const { scope, ...o } = input.org;
      return inTransaction(ctx.db, async (tx) => {
        await assertOrgFree(tx, o.uscc);
        await assertEmailFree(tx, input.user.email);
        const org = await createOrgRow(tx, ctx.ids, { ...o, scope: scope ?? null });
        const user = await createUserRow(tx, ctx.ids, {
          orgId: org.id,
          email: input.user.email,
          passwordHash,
          name: input.user.name,
          orgRole: 'owner',
        });
        await recordAudit(tx, actor, {
          action: 'org.create',
          subjectType: 'org',
          subjectId: org.id,
          details: { roles: org.roles, scope: org.scope ?? null, district: org.district },
        });
        return { org: toOrg(org), user: toUser(user) };
      }).catch(conflictFromUnique);
    },

    /** Any signed-in user may see who an org is (a counterparty check). */
    async getProfile(id: string): Promise<TOrgProfile> {
      const org = await getOrgRow(ctx.db, id);
      if (!org) throw new AppError(ErrorCodes.NOT_FOUND, 'no such organisation');
      return { id: org.id, name: org.name, uscc: org.uscc, district: org.district, roles: org.roles as Role[] };
    },

    async addMember(actor: UserActor, orgId: string, input: TAddMemberRequest): Promise<TMember> {
      const org = await ownedOrg(actor, orgId);
      const passwordHash = await hashNewUserPassword(input);
      return inTransaction(ctx.db, async (tx) => {
        await assertEmailFree(tx, input.email, 'email');
        const user = await createUserRow(tx, ctx.ids, {
          orgId: org.id,
          email: input.email,
          passwordHash,
          name: input.name,
          orgRole: 'member',
        });
        return { ...toUser(user), orgId: org.id };
      }).catch(conflictFromUnique);
    },

    /** GET /orgs/:id/users: the org's active users, for its own users (and the admin). */
    async listMembers(actor: UserActor, orgId: string): Promise<{ items: TMember[] }> {
      if (actor.orgId !== orgId && !actor.roles.includes('admin'))
        throw new AppError(ErrorCodes.NOT_FOUND, 'no such organisation');
      if (!(await getOrgRow(ctx.db, orgId))) throw new AppError(ErrorCodes.NOT_FOUND, 'no such organisation');
      return { items: (await repo.listActiveMembers(ctx.db, orgId)).map((u) => ({ ...toUser(u), orgId })) };
    },

    /**
     * DELETE /orgs/:id/users/:userId (owner): the member loses access at once — its account is
     * disabled, its refresh tokens revoked and its token version bumped (every access token refused).
     * An owner cannot remove itself or another owner; audited.
     */
    async removeMember(actor: UserActor, orgId: string, userId: string): Promise<void> {
      const org = await ownedOrg(actor, orgId);
      if (userId === actor.userId) throw new AppError(ErrorCodes.INVALID_STATE, 'an owner cannot remove itself', { allowed: [] });
      const done = await inTransaction(ctx.db, async (tx) => {
        const member = await repo.lockMember(tx, org.id, userId);
        if (!member || member.disabledAt) throw new AppError(ErrorCodes.NOT_FOUND, 'no such member');
        if (member.orgRole === 'owner')
          throw new AppError(ErrorCodes.INVALID_STATE, "an owner cannot be removed by the org's users", { allowed: [] });
        await repo.disableMemberRow(tx, userId, ctx.clock.now());
        const ended = await endSessions(tx, userId);
        await recordAudit(tx, actor, {
          action: 'org.member.remove',
          subjectType: 'user',
          subjectId: userId,
          details: { orgId: org.id, refreshTokensRevoked: ended.revoked },
        });
        return ended.done;
      });
      done();
    },

    /** An owner submits a licence; it waits as `pending` for a regulator or the admin. */
    async createLicence(actor: UserActor, orgId: string, input: TCreateLicenceRequest): Promise<TLicence> {
      const org = await ownedOrg(actor, orgId);
      const authority = org.roles.filter((r) => AUTHORITY_ROLES.includes(r));
      if (authority.length)
        throw new AppError(
          ErrorCodes.AUTHORITY_CANNOT_HOLD_LICENCE,
          `a ${authority.join(' / ')} organisation oversees trading and cannot hold a trading licence`,
          { roles: authority },
        );
      await checkWasteCodes(input.wasteCodes);
      try {
        return await inTransaction(ctx.db, async (tx) => {
          const row = await repo.insertLicence(tx, {
            id: ctx.ids.uuid(),
            orgId: org.id,
            number: input.number,
            kind: input.kind,
            wasteCodes: input.wasteCodes,
            annualCapacityKg: input.annualCapacityKg,
            validFrom: input.validFrom,
            validTo: input.validTo,
            status: 'pending',
          });
          await recordAudit(tx, actor, {
            action: 'licence.submit',
            subjectType: 'licence',
            subjectId: row.id,
            details: { orgId: org.id, number: row.number, kind: row.kind },
          });
          return toLicence(row);
        });
      } catch (err) {
        if (isUniqueViolation(err))
          throw new AppError(ErrorCodes.CONFLICT, 'this organisation already has a licence with this number', {
            fields: [{ path: 'number', message: 'already submitted' }],
          });
        throw err;
      }
    },

    /** An org's licences: for its own users, the admin and regulators whose scope covers it; others see nothing. */
    async listOrgLicences(actor: UserActor, orgId: string, q: TOrgLicencesQuery): Promise<TPage<THeldLicence>> {
      const org = await getOrgRow(ctx.db, orgId);
      if (!org || (actor.orgId !== org.id && !oversees(actor, org.district)))
        throw new AppError(ErrorCodes.NOT_FOUND, 'no such organisation');
      const afterId = afterIdFromCursor(q.cursor);
      const rows = await repo.listLicences(ctx.db, {
        orgId,
        ...(q.status ? { statuses: [q.status] } : {}),
        ...(afterId ? { afterId } : {}),
        limit: q.limit + 1,
      });
      const p = page(rows, q.limit);
      // Remaining capacity: the disposal licence's annual capacity less the org's hazardous intake this year.
      const year = Number(
        new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(ctx.clock.now()),
      );
      const usedKg = p.items.some((l) => l.kind === 'disposal') ? await hazardousIntakeKg(ctx.db, orgId, year) : 0;
      return {
        nextCursor: p.nextCursor,
        items: p.items.map((l) =>
          l.kind === 'disposal'
            ? { ...l, usedKg, remainingKg: Math.max(0, l.annualCapacityKg - usedKg) }
            : { ...l, usedKg: null, remainingKg: null },
        ),
      };
    },

    /** GET /orgs?q=: organisations the actor oversees, by name or USCC, name order. */
    async searchOrgs(actor: UserActor, q: TOrgSearchQuery): Promise<TPage<TOrgProfile>> {
      const districts = overseenDistricts(actor);
      let after: { name: string; id: string } | undefined;
      if (q.cursor) {
        const v = decodeCursor(q.cursor);
        if (typeof v?.[0] !== 'string' || typeof v[1] !== 'string' || !UUID_RE.test(v[1]))
          throw new AppError(ErrorCodes.VALIDATION_FAILED, 'invalid cursor', {
            fields: [{ path: 'cursor', message: 'invalid cursor' }],
          });
        after = { name: v[0], id: v[1] };
      }
      const rows = await repo.searchOrgs(ctx.db, {
        ...(q.q ? { q: q.q } : {}),
        ...(districts ? { districts } : {}),
        ...(after ? { after } : {}),
        limit: q.limit + 1,
      });
      const items = rows.slice(0, q.limit);
      const last = items.at(-1);
      return {
        items: items.map((o) => ({ id: o.id, name: o.name, uscc: o.uscc, district: o.district, roles: o.roles as Role[] })),
        nextCursor: rows.length > q.limit && last ? encodeCursor([last.name, last.id]) : null,
      };
    },

    /** The review queue: licences of orgs in the actor's scope, oldest first. */
    async listLicences(actor: UserActor, q: TLicencesQuery): Promise<TPage<TLicence>> {
      const scope = overseenDistricts(actor);
      const districts = q.district ? (scope === null || scope.includes(q.district) ? [q.district] : []) : scope;
      const afterId = afterIdFromCursor(q.cursor);
      const rows = await repo.listLicences(ctx.db, {
        ...(districts ? { districts } : {}),
        ...(q.status ? { statuses: [q.status] } : {}),
        ...(afterId ? { afterId } : {}),
        limit: q.limit + 1,
      });
      return page(rows, q.limit);
    },

    approveLicence: (actor: UserActor, licenceId: string, note?: string) => decide(actor, licenceId, 'approve', note),
    suspendLicence: (actor: UserActor, licenceId: string, note?: string) => decide(actor, licenceId, 'suspend', note),
    rejectLicence: (actor: UserActor, licenceId: string, note: string) => decide(actor, licenceId, 'reject', note),
    reinstateLicence: (actor: UserActor, licenceId: string, note?: string) => decide(actor, licenceId, 'reinstate', note),
    revokeLicence: (actor: UserActor, licenceId: string, note?: string) => decide(actor, licenceId, 'revoke', note),

    licencesFor,
    getOrgRow,

    ...createCarrierDirectory(ctx),
    ...createRegistrySync({ clock: ctx.clock, ids: ctx.ids, recordCreditEvent, toLicence }),
  };
}
