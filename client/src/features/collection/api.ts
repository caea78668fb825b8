/** Issue 18: collection points, intakes, stock, lots, the trace and fallback disposal (server: modules/collection). */
import { useQuery } from '@tanstack/react-query';
import { api } from '../../lib/api';
import { markStale, useWrite } from '../../lib/query';
import type {
  TCreateDesignationRequest,
  TCreateLotRequest,
  TDeclareIntakeRequest,
  TDesignation,
  TFallbackRequest,
  TIntake,
  TLot,
  TPoint,
  TRequestFallbackRequest,
  TStock,
  TTariff,
  TTrace,
} from '../../../../shared/src/schemas/collection.js';

export type { TDesignation, TFallbackRequest, TIntake, TPoint, TStock, TTariff, TTrace };

export const collectionApi = {
  points: (signal?: AbortSignal) => api.get<{ items: TPoint[] }>('/collection/points', { signal }),
  intakes: (signal?: AbortSignal) => api.get<{ items: TIntake[] }>('/collection/intakes', { signal }),
  stock: (signal?: AbortSignal) => api.get<TStock>('/collection/stock', { signal }),
  declare: (body: TDeclareIntakeRequest) => api.post<TIntake>('/collection/intakes', body),
  accept: (id: string) => api.post<TIntake>(`/collection/intakes/${encodeURIComponent(id)}/accept`, {}),
  refuse: (v: { id: string; reason: string }) =>
    api.post<TIntake>(`/collection/intakes/${encodeURIComponent(v.id)}/refuse`, { reason: v.reason }),
  createLot: (body: TCreateLotRequest) => api.post<TLot>('/collection/lots', body),
  designations: (signal?: AbortSignal) => api.get<{ items: TDesignation[] }>('/fallback/designations', { signal }),
  designate: (body: TCreateDesignationRequest) => api.post<TDesignation>('/regulator/fallback/designations', body),
  fallbackRequests: (signal?: AbortSignal) => api.get<{ items: TFallbackRequest[] }>('/fallback/requests', { signal }),
  indicator: (signal?: AbortSignal) =>
    api.get<{ year: number; items: { wasteCode: string; requests: number; accepted: number; kg: number }[] }>(
      '/regulator/fallback',
      { signal },
    ),
  /** The regulated tariff in force for the caller's ended hazardous lot (GET /fallback/tariff). */
  tariff: (listingId: string, signal?: AbortSignal) => api.get<TTariff>('/fallback/tariff', { query: { listingId }, signal }),
  /** The producer sends its lot to fallback, repeating the designation and fee it read and accepted. */
  requestFallback: (v: { listingId: string; body: TRequestFallbackRequest }) =>
    api.post<TFallbackRequest>(`/listings/${encodeURIComponent(v.listingId)}/fallback`, v.body),
  trace: (q: { intakeId?: string; producerOrgId?: string }, signal?: AbortSignal) =>
    api.get<TTrace>('/regulator/trace', { query: q, signal }),
};

const all = (client: Parameters<typeof markStale>[0]) => markStale(client, [['collection'], ['fallback']]);

export const usePoints = () =>
  useQuery({ queryKey: ['collection', 'points'], queryFn: ({ signal }) => collectionApi.points(signal) });
export const useIntakes = () =>
  useQuery({ queryKey: ['collection', 'intakes'], queryFn: ({ signal }) => collectionApi.intakes(signal) });
export const useStock = () =>
  useQuery({ queryKey: ['collection', 'stock'], queryFn: ({ signal }) => collectionApi.stock(signal) });
export const useDesignations = () =>
  useQuery({ queryKey: ['fallback', 'designations'], queryFn: ({ signal }) => collectionApi.designations(signal) });
export const useFallbackRequests = () =>
  useQuery({ queryKey: ['fallback', 'requests'], queryFn: ({ signal }) => collectionApi.fallbackRequests(signal) });
export const useFallbackIndicator = () =>
  useQuery({ queryKey: ['fallback', 'indicator'], queryFn: ({ signal }) => collectionApi.indicator(signal) });

/** The tariff for one of the caller's lots; only asked once the lot's market ended (the server refuses an open one). */
export const useFallbackTariff = (listingId: string, enabled: boolean) =>
  useQuery({
    queryKey: ['fallback', 'tariff', listingId],
    queryFn: ({ signal }) => collectionApi.tariff(listingId, signal),
    enabled,
  });

export const useDeclare = () => useWrite(collectionApi.declare, all);
export const useAccept = () => useWrite(collectionApi.accept, all);
export const useRefuse = () => useWrite(collectionApi.refuse, all);
export const useCreateLot = () => useWrite(collectionApi.createLot, all);
export const useDesignate = () => useWrite(collectionApi.designate, all);
export const useRequestFallback = () =>
  useWrite(collectionApi.requestFallback, (client, _r, v) =>
    markStale(client, [['collection'], ['fallback'], ['listings', 'detail', v.listingId]]),
  );
