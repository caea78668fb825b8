import { api, request } from '../../lib/api';
import { markStale, useWrite } from '../../lib/query';
import type { TPage } from '../../../../shared/src/schemas/common.js';
import type { TOrgProfile } from '../../../../shared/src/schemas/orgs.js';
import type { TCreateSanctionRequest, TSanction } from '../../../../shared/src/schemas/credit.js';
import type { TTrade } from '../../../../shared/src/schemas/trades.js';
import type { TBandPin, TPinBandRequest, TReferenceBand, TUnpinBandResult } from '../../../../shared/src/schemas/prices.js';

export type OrgProfile = TOrgProfile;
export type Sanction = TSanction;
export type ReferenceBand = TReferenceBand;
export type BandPin = TBandPin;

export const SANCTION_KINDS = ['warning', 'fine', 'rectification', 'suspension', 'other'] as const;
export const SANCTION_SEVERITIES = ['minor', 'major', 'serious'] as const;

/** Query keys (lib/query.ts): org lookup, sanctions in scope, reference bands. */
export const oversightKeys = {
  orgs: (q: string) => ['oversight', 'orgs', q] as const,
  org: (id: string) => ['oversight', 'org', id] as const,
  sanctions: (orgId: string) => ['oversight', 'sanctions', orgId] as const,
  allSanctions: () => ['oversight', 'sanctions'] as const,
  band: (code: string) => ['oversight', 'band', code] as const,
  trades: (orgId: string) => ['oversight', 'trades', orgId] as const,
  pins: (code: string) => ['oversight', 'band', code, 'pins'] as const,
};

export const oversightApi = {
  searchOrgs: (q: string, cursor: string | null, signal?: AbortSignal) =>
    api.get<TPage<OrgProfile>>('/orgs', { query: { q, cursor, limit: 20 }, signal }),
  org: (id: string, signal?: AbortSignal) => api.get<OrgProfile>(`/orgs/${encodeURIComponent(id)}`, { signal }),
  sanctions: (orgId: string, cursor: string | null, signal?: AbortSignal) =>
    api.get<TPage<Sanction>>('/regulator/sanctions', { query: { orgId: orgId || undefined, cursor, limit: 20 }, signal }),
  recordSanction: (body: TCreateSanctionRequest) => api.post<Sanction>('/regulator/sanctions', body),
  trades: (orgId: string, cursor: string | null, signal?: AbortSignal) =>
    api.get<TPage<TTrade>>('/trades', { query: { org: orgId, cursor, limit: 10 }, signal }),
  pins: (code: string, cursor: string | null, signal?: AbortSignal) =>
    api.get<TPage<BandPin>>(`/prices/reference/${encodeURIComponent(code)}/pins`, { query: { cursor, limit: 20 }, signal }),
  band: (code: string, signal?: AbortSignal) =>
    api.get<ReferenceBand>(`/prices/reference/${encodeURIComponent(code)}`, { signal }),
  pinBand: (code: string, body: TPinBandRequest) =>
    request<ReferenceBand>('PUT', `/prices/reference/${encodeURIComponent(code)}`, { body }),
  unpinBand: (code: string) => api.delete<TUnpinBandResult>(`/prices/reference/${encodeURIComponent(code)}/pin`),
};

export const useRecordSanction = () =>
  useWrite(oversightApi.recordSanction, (client) => markStale(client, [oversightKeys.allSanctions(), ['credit']]));

export const usePinBand = () =>
  useWrite(
    (v: { code: string; body: TPinBandRequest }) => oversightApi.pinBand(v.code, v.body),
    (client, _r, v) => markStale(client, [oversightKeys.band(v.code), ['catalog']]),
  );

export const useUnpinBand = () =>
  useWrite(
    (code: string) => oversightApi.unpinBand(code),
    (client, _r, code) => markStale(client, [oversightKeys.band(code), ['catalog']]),
  );
