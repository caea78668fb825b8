import { useQuery } from '@tanstack/react-query';
import { API_BASE, ApiError, api, getAccessToken, refreshSession } from '../../lib/api';
import type { TDocument, TDocumentKind, TEvidence, TEvidenceNote } from '../../../../shared/src/schemas/documents.js';

export type Doc = TDocument;
export type DocKind = TDocumentKind;
export type Evidence = TEvidence;
export type EvidenceNote = TEvidenceNote;
export type SubjectType = 'listing' | 'manifest' | 'trade';

export const documentKeys = {
  of: (subjectType: SubjectType, subjectId: string) => ['documents', subjectType, subjectId] as const,
  evidence: (tradeId: string) => ['documents', 'evidence', tradeId] as const,
};

async function withToken(run: (headers: Record<string, string>) => Promise<Response>): Promise<Response> {
  const headers = () => (getAccessToken() ? { Authorization: `Bearer ${getAccessToken()}` } : ({} as Record<string, string>));
  let res = await run(headers());
  if (res.status === 401 && (await refreshSession())) res = await run(headers());
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
  return res;
}

export const documentsApi = {
  list: (subjectType: SubjectType, subjectId: string, signal?: AbortSignal) =>
    api.get<{ items: Doc[] }>('/documents', { query: { subjectType, subjectId }, signal }),
  /** The file's bytes as the body; the server reads the type from them (the name is shown only). */
  async upload(subjectType: SubjectType, subjectId: string, kind: DocKind, file: File): Promise<Doc> {
    const q = new URLSearchParams({ subjectType, subjectId, kind, filename: file.name.slice(0, 200) || 'file' });
    const type = ['application/pdf', 'image/jpeg', 'image/png'].includes(file.type) ? file.type : 'application/pdf';
    const res = await withToken((headers) =>
      fetch(`${API_BASE}/documents?${q}`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': type },
        body: file,
        credentials: 'same-origin',
      }),
    );
    return (await res.json()) as Doc;
  },
  async open(doc: Doc): Promise<void> {
    const res = await withToken((headers) =>
      fetch(`${API_BASE}/documents/${encodeURIComponent(doc.id)}`, { headers, credentials: 'same-origin' }),
    );
    const href = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = href;
    a.download = doc.filename ?? `${doc.kind}-${doc.id.slice(0, 8)}`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(href), 10_000);
  },
  evidence: (tradeId: string, signal?: AbortSignal) =>
    api.get<Evidence>(`/trades/${encodeURIComponent(tradeId)}/evidence`, { signal }),
  addNote: (tradeId: string, note: string) => api.post<EvidenceNote>(`/trades/${encodeURIComponent(tradeId)}/evidence`, { note }),
};

export function useDocuments(subjectType: SubjectType, subjectId: string) {
  return useQuery({
    queryKey: documentKeys.of(subjectType, subjectId),
    queryFn: ({ signal }) => documentsApi.list(subjectType, subjectId, signal),
  });
}
