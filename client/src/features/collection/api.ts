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
  TStock,
  TTrace,
} from '../../../../shared/src/schemas/collection.js';

export type { TDesignation, TFallbackRequest, TIntake, TPoint, TStock, TTrace };

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

export const useDeclare = () => useWrite(collectionApi.declare, all);
export const useAccept = () => useWrite(collectionApi.accept, all);
export const useRefuse = () => useWrite(collectionApi.refuse, all);
export const useCreateLot = () => useWrite(collectionApi.createLot, all);
export const useDesignate = () => useWrite(collectionApi.designate, all);
