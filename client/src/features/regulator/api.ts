import { markStale, useWrite } from '../../lib/query';
import { API_BASE, ApiError, api, getAccessToken, refreshSession } from '../../lib/api';
import type { TPage } from '../../../../shared/src/schemas/common.js';
import type {
  TAlert,
  TCapacity,
  TFlowGrouping,
  TFlowTrade,
  TFlows,
  TIndicators,
} from '../../../../shared/src/schemas/regulator.js';
import type { TStream } from '../../../../shared/src/schemas/catalog.js';

export type Flows = TFlows;
export type FlowEdge = TFlows['edges'][number];
export type FlowTrade = TFlowTrade;
export type Alert = TAlert;
export type Indicators = TIndicators;
export type Capacity = TCapacity;
export type Stream = TStream;
export type Grouping = TFlowGrouping;

// Values from the zod-free shared module (the schemas' values would bring zod into the bundle).
export { STREAMS, ALERT_KIND_VALUES as ALERT_KINDS } from '../../../../shared/src/enums.js';

export interface RangeFilter {
  from: string;
  to: string;
  stream: Stream | '';
}

export interface EdgeRef {
  fromDistrict: string;
  toDistrict: string;
  category?: string;
  materialCode?: string;
}

/** Query keys (lib/query.ts); trade and trip events invalidate ['regulator', 'flows'], alerts ['regulator', 'alerts']. */
export const regulatorKeys = {
  flows: (range: RangeFilter, groupBy: Grouping) => ['regulator', 'flows', range, groupBy] as const,
  flowTrades: (range: RangeFilter, edge: EdgeRef) => ['regulator', 'flows', 'trades', range, edge] as const,
  alerts: (q: { status: string; kind: string }) => ['regulator', 'alerts', q] as const,
  indicators: (year: number) => ['regulator', 'indicators', year] as const,
  capacity: (year: number) => ['regulator', 'capacity', year] as const,
};

export const regulatorApi = {
  flows: (f: RangeFilter, groupBy: Grouping, signal?: AbortSignal) =>
    api.get<Flows>('/regulator/flows', { query: { from: f.from, to: f.to, stream: f.stream, groupBy }, signal }),
  flowTrades: (f: RangeFilter, edge: EdgeRef, cursor: string | null, signal?: AbortSignal) =>
    api.get<TPage<FlowTrade>>('/regulator/flows/trades', {
      query: {
        from: f.from,
        to: f.to,
        stream: f.stream,
        fromDistrict: edge.fromDistrict,
        toDistrict: edge.toDistrict,
        category: edge.category,
        material: edge.materialCode,
        cursor,
        limit: 20,
      },
      signal,
    }),
  alerts: (q: { status?: 'open' | 'resolved' | ''; kind?: string }, cursor: string | null, signal?: AbortSignal) =>
    api.get<TPage<Alert>>('/regulator/alerts', { query: { status: q.status, kind: q.kind, cursor, limit: 20 }, signal }),
  resolve: (id: string, note: string) => api.post<Alert>(`/regulator/alerts/${encodeURIComponent(id)}/resolve`, { note }),
  indicators: (year: number, signal?: AbortSignal) => api.get<Indicators>('/regulator/indicators', { query: { year }, signal }),
  capacity: (year: number, signal?: AbortSignal) => api.get<Capacity>('/regulator/capacity', { query: { year }, signal }),

  /** The flows as CSV (Accept: text/csv), saved by the browser under the server's file name. */
  async downloadFlowsCsv(f: RangeFilter, groupBy: Grouping): Promise<void> {
    const params = new URLSearchParams({ from: f.from, to: f.to, groupBy, ...(f.stream ? { stream: f.stream } : {}) });
    const get = () =>
      fetch(`${API_BASE}/regulator/flows?${params}`, {
        headers: { Accept: 'text/csv', ...(getAccessToken() ? { Authorization: `Bearer ${getAccessToken()}` } : {}) },
        credentials: 'same-origin',
      });
    let res = await get();
    if (res.status === 401 && (await refreshSession())) res = await get();
    if (!res.ok)
      throw new ApiError(
        res.status,
        `HTTP_${res.status}`,
        res.statusText,
        undefined,
        res.headers.get('X-Request-Id') ?? undefined,
      );
    const name = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') ?? '')?.[1] ?? 'flows.csv';
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  },
};

/** Resolving an alert (lib/query.ts useWrite): the alert lists are read again. */
export const useResolveAlert = () =>
  useWrite(
    (v: { id: string; note: string }) => regulatorApi.resolve(v.id, v.note),
    (client) => markStale(client, [['regulator', 'alerts']]),
  );
