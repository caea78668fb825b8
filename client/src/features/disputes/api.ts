import { useQueries, useQuery } from '@tanstack/react-query';
import { api } from '../../lib/api';
import { markStale, useWrite } from '../../lib/query';
import { manifestKeys, manifestsApi, type Manifest } from '../manifests/api';
import { documentKeys, documentsApi } from '../documents/api';

export const useTripsOfTrade = (tradeId: string) =>
  useQuery({
    queryKey: manifestKeys.ofTrade(tradeId),
    queryFn: ({ signal }) => manifestsApi.list({ tradeId, limit: 100 }, signal),
  });

/** Each trip in full (its dispute and resolution come with the chain). */
export function useTripDetails(ids: string[]) {
  return useQueries({
    queries: ids.map((id) => ({
      queryKey: manifestKeys.detail(id),
      queryFn: ({ signal }: { signal: AbortSignal }) => manifestsApi.get(id, signal),
    })),
  });
}

export const useEvidence = (tradeId: string, enabled: boolean) =>
  useQuery({
    queryKey: documentKeys.evidence(tradeId),
    queryFn: ({ signal }) => documentsApi.evidence(tradeId, signal),
    enabled,
  });

export const useAddEvidenceNote = () =>
  useWrite(
    (v: { tradeId: string; note: string }) => documentsApi.addNote(v.tradeId, v.note),
    (client) => markStale(client, [['documents']]),
  );

export const useResolveTrip = () =>
  useWrite(
    (v: { manifestId: string; acceptedKg: number; note: string }) =>
      api.post<Manifest>(`/manifests/${encodeURIComponent(v.manifestId)}/resolve`, { acceptedKg: v.acceptedKg, note: v.note }),
    (client, m) => {
      client.setQueryData(manifestKeys.detail(m.id), m);
      markStale(client, [['manifests'], ['trades']]);
    },
  );
