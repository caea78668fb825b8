import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { CreditChip } from '../../../components/CreditChip';
import { useI18n } from '../../../i18n';
import { creditApi } from '../../credit/api';
import { districtName } from '../../listings/labels';

/**
 * An organisation by name, never by id (issue 13 item 5): its name links to its public profile and
 * credit page, with its USCC, district and credit level when the caller may see it (GET /credit/orgs/:id
 * answers parties to a trade with it). Credit events invalidate ['credit'] (realtime/invalidation.ts).
 */
export function OrgName({ orgId, testId }: { orgId: string; testId?: string }) {
  const { t, lang } = useI18n();
  const org = useQuery({
    queryKey: ['orgs', orgId],
    queryFn: ({ signal }) => creditApi.org(orgId, signal),
    staleTime: 5 * 60_000,
  });
  const credit = useQuery({
    queryKey: ['credit', 'chip', orgId],
    queryFn: ({ signal }) => creditApi.score(orgId, signal),
    retry: false,
  });
  return (
    <span className="org-name" data-testid={testId} data-org-id={orgId}>
      <Link to={`/credit/${orgId}`} data-testid={testId ? `${testId}-link` : undefined}>
        {org.data?.name ?? (org.isError ? t('tradeView.org.unknown') : t('common.loading'))}
      </Link>
      {credit.data && (
        <>
          {' '}
          <CreditChip level={credit.data.level} />
        </>
      )}
      {org.data && (
        <span className="muted small org-name__meta">
          {' '}
          <span className="code">{org.data.uscc}</span> · {districtName(org.data.district, lang)}
        </span>
      )}
    </span>
  );
}
