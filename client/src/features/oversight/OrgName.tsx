import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { oversightApi, oversightKeys } from './api';

/** An organisation's name, linked to its oversight page (never its raw id once loaded). */
export function OrgName({ id }: { id: string }) {
  const q = useQuery({
    queryKey: oversightKeys.org(id),
    queryFn: ({ signal }) => oversightApi.org(id, signal),
    staleTime: 60_000,
  });
  return (
    <Link to={`/regulator/orgs/${id}`} data-testid="org-link">
      {q.data?.name ?? '…'}
    </Link>
  );
}
