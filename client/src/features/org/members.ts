import { api } from '../../lib/api';
import type { TMember } from '../../../../shared/src/schemas/orgs.js';

export type Member = TMember;

export const memberKeys = { list: (orgId: string) => ['orgs', orgId, 'members'] as const };

export const membersApi = {
  list: (orgId: string, signal?: AbortSignal) =>
    api.get<{ items: Member[] }>(`/orgs/${encodeURIComponent(orgId)}/users`, { signal }),
  add: (orgId: string, body: { email: string; password: string; name: string }) =>
    api.post<Member>(`/orgs/${encodeURIComponent(orgId)}/users`, body),
  remove: (orgId: string, userId: string) =>
    api.delete<void>(`/orgs/${encodeURIComponent(orgId)}/users/${encodeURIComponent(userId)}`),
};
