import { api } from '../../lib/api';
import { markStale, useWrite } from '../../lib/query';
import type { TPage } from '../../../../shared/src/schemas/common.js';
import type { TCreateLicenceRequest, THeldLicence, TLicence } from '../../../../shared/src/schemas/orgs.js';

export type Licence = TLicence;
export type HeldLicence = THeldLicence;
export type LicenceDecision = 'approve' | 'reject' | 'suspend' | 'reinstate' | 'revoke';

/** Which decisions each status allows (DESIGN §7; the server checks again). */
export const DECISIONS_BY_STATUS: Record<string, LicenceDecision[]> = {
  pending: ['approve', 'reject'],
  approved: ['suspend', 'revoke'],
  suspended: ['reinstate', 'revoke'],
};

/** Query keys (lib/query.ts): an org's licences, and the regulator's review queue. */
export const licenceKeys = {
  all: () => ['licences'] as const,
  org: (orgId: string) => ['licences', 'org', orgId] as const,
  queue: (status: string) => ['licences', 'queue', status] as const,
};

export const licencesApi = {
  ofOrg: (orgId: string, cursor: string | null, signal?: AbortSignal) =>
    api.get<TPage<HeldLicence>>(`/orgs/${encodeURIComponent(orgId)}/licences`, { query: { cursor, limit: 50 }, signal }),
  queue: (status: string, cursor: string | null, signal?: AbortSignal) =>
    api.get<TPage<Licence>>('/licences', { query: { status, cursor, limit: 50 }, signal }),
  apply: (orgId: string, body: TCreateLicenceRequest) => api.post<Licence>(`/orgs/${encodeURIComponent(orgId)}/licences`, body),
  decide: (id: string, decision: LicenceDecision, note?: string) =>
    api.post<Licence>(`/licences/${encodeURIComponent(id)}/${decision}`, note ? { note } : {}),
};

export const useApplyLicence = () =>
  useWrite(
    (v: { orgId: string; body: TCreateLicenceRequest }) => licencesApi.apply(v.orgId, v.body),
    (client) => markStale(client, [licenceKeys.all()]),
  );

export const useDecideLicence = () =>
  useWrite(
    (v: { id: string; decision: LicenceDecision; note?: string }) => licencesApi.decide(v.id, v.decision, v.note),
    (client) => markStale(client, [licenceKeys.all()]),
  );
