import { markStale, useWrite } from '../../lib/query';
import { API_BASE, ApiError, api, getAccessToken, refreshSession } from '../../lib/api';
import type { TPage } from '../../../../shared/src/schemas/common.js';
import type {
  TCloseShipmentsRequest,
  TManifest,
  TManifestAudit,
  TManifestEventRequest,
  TManifestStatus,
  TManifestSummary,
  TOpenManifestRequest,
  TShipmentsClosed,
  TCancelManifestRequest,
  TManifestFormInput,
} from '../../../../shared/src/schemas/manifests.js';

export type Manifest = TManifest;
export type ManifestSummary = TManifestSummary;
export type ManifestStatus = TManifestStatus;
export type ManifestAudit = TManifestAudit;
export type StepBody = TManifestEventRequest;

export { MANIFEST_STATUSES } from '../../../../shared/src/enums.js';

export interface ManifestsQuery {
  status?: ManifestStatus;
  overdue?: boolean;
  tradeId?: string;
  cursor?: string | null;
  limit?: number;
}

export interface OrgProfile {
  id: string;
  name: string;
  uscc: string;
  district: string;
  roles: string[];
}

/** Query keys (lib/query.ts); manifest and trade events invalidate ['manifests']. */
export const manifestKeys = {
  list: (q: { status?: string; overdue?: boolean }) => ['manifests', 'list', q] as const,
  ofTrade: (tradeId: string) => ['manifests', 'trade', tradeId] as const,
  detail: (id: string) => ['manifests', 'detail', id] as const,
  audit: (id: string, events: number) => ['manifests', 'audit', id, events] as const,
  org: (id: string) => ['orgs', id] as const,
};

export const manifestsApi = {
  list: (q: ManifestsQuery, signal?: AbortSignal) =>
    api.get<TPage<ManifestSummary>>('/manifests', {
      query: {
        status: q.status,
        overdue: q.overdue === undefined ? undefined : String(q.overdue),
        tradeId: q.tradeId,
        cursor: q.cursor,
        limit: q.limit ?? 20,
      },
      signal,
    }),
  get: (id: string, signal?: AbortSignal) => api.get<Manifest>(`/manifests/${encodeURIComponent(id)}`, { signal }),
  audit: (id: string, signal?: AbortSignal) => api.get<ManifestAudit>(`/manifests/${encodeURIComponent(id)}/audit`, { signal }),
  open: (tradeId: string, body: TOpenManifestRequest) =>
    api.post<Manifest>(`/trades/${encodeURIComponent(tradeId)}/manifests`, body),
  step: (id: string, body: StepBody) => api.post<Manifest>(`/manifests/${encodeURIComponent(id)}/events`, body),
  closeShipments: (tradeId: string, body: TCloseShipmentsRequest = {}) =>
    api.post<TShipmentsClosed>(`/trades/${encodeURIComponent(tradeId)}/close-shipments`, body),
  org: (id: string, signal?: AbortSignal) => api.get<OrgProfile>(`/orgs/${encodeURIComponent(id)}`, { signal }),
  cancel: (id: string, body: TCancelManifestRequest) => api.post<Manifest>(`/manifests/${encodeURIComponent(id)}/cancel`, body),
  supplement: (id: string, body: TManifestFormInput) => api.post<Manifest>(`/manifests/${encodeURIComponent(id)}/form`, body),
};

/**
 * The printable manifest. The API authenticates with the bearer token, which a plain link cannot
 * send, so the PDF is fetched and handed to the browser as a download.
 */
export function downloadManifestPdf(id: string, number: string): Promise<void> {
  return downloadFile(`/manifests/${encodeURIComponent(id)}/pdf`, `manifest-${number}.pdf`);
}

/** A trip in the national electronic manifest layout (regulators; docs/manifest-export.md). */
export function downloadManifestExport(id: string, number: string, format: 'csv' | 'json'): Promise<void> {
  return downloadFile(`/manifests/${encodeURIComponent(id)}/export?format=${format}`, `manifest-${number}.${format}`);
}

/** Trips opened in [from, to], city-wide or in one district, as CSV in the national layout. */
export function downloadManifestsExport(q: { from: string; to: string; district?: string }): Promise<void> {
  const query = new URLSearchParams({ from: q.from, to: q.to, format: 'csv', ...(q.district ? { district: q.district } : {}) });
  return downloadFile(
    `/manifests/export?${query.toString()}`,
    `manifests-${q.from}-${q.to}${q.district ? `-${q.district}` : ''}.csv`,
  );
}

/** Fetches a file with the bearer token (a plain link cannot send it) and hands it to the browser. */
async function downloadFile(path: string, filename: string): Promise<void> {
  const url = `${API_BASE}${path}`;
  const get = () =>
    fetch(url, { headers: getAccessToken() ? { Authorization: `Bearer ${getAccessToken()}` } : {}, credentials: 'same-origin' });
  let res = await get();
  if (res.status === 401 && (await refreshSession())) res = await get();
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as {
      error?: { code?: string; message?: string };
      requestId?: string;
    } | null;
    throw new ApiError(
      res.status,
      body?.error?.code ?? `HTTP_${res.status}`,
      body?.error?.message ?? res.statusText,
      undefined,
      body?.requestId,
    );
  }
  const blob = await res.blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

// Writes (lib/query.ts useWrite): a trip's step moves the manifest, its trade's trips and the trade.
export const useOpenTrip = () =>
  useWrite(
    (v: { tradeId: string; body: TOpenManifestRequest }) => manifestsApi.open(v.tradeId, v.body),
    (client, m) => {
      client.setQueryData(manifestKeys.detail(m.id), m);
      markStale(client, [['manifests'], ['trades']]);
    },
  );
export const useManifestStep = () =>
  useWrite(
    (v: { id: string; body: StepBody }) => manifestsApi.step(v.id, v.body),
    (client, m) => {
      client.setQueryData(manifestKeys.detail(m.id), m);
      markStale(client, [['manifests', 'list'], ['manifests', 'trade'], ['manifests', 'audit', m.id], ['trades']]);
    },
  );
export const useCloseShipments = () =>
  useWrite(
    (tradeId: string) => manifestsApi.closeShipments(tradeId),
    (client) => markStale(client, [['manifests'], ['trades']]),
  );

/** Issue 14: the shipper cancels a draft or supplements the national form; both append to the chain. */
export const useCancelTrip = () =>
  useWrite(
    (v: { id: string; body: TCancelManifestRequest }) => manifestsApi.cancel(v.id, v.body),
    (client, m) => {
      client.setQueryData(manifestKeys.detail(m.id), m);
      markStale(client, [['manifests', 'list'], ['manifests', 'trade'], ['manifests', 'audit', m.id], ['trades']]);
    },
  );
export const useSupplementForm = () =>
  useWrite(
    (v: { id: string; body: TManifestFormInput }) => manifestsApi.supplement(v.id, v.body),
    (client, m) => {
      client.setQueryData(manifestKeys.detail(m.id), m);
      markStale(client, [['manifests', 'audit', m.id]]);
    },
  );
