import { Badge } from '../../components/Badge';
import { LoadError } from '../../components/LoadError';
import { useI18n, type MessageKey } from '../../i18n';
import { usePagedQuery } from '../../lib/query';
import { formatDateTime } from '../../lib/units';
import { oversightApi, oversightKeys, type Sanction } from './api';
import { OrgName } from './OrgName';

/** Sanctions in the regulator's scope, newest first; of one organisation when `orgId` is given. */
export function SanctionList({ orgId = '' }: { orgId?: string }) {
  const { t, lang } = useI18n();
  const list = usePagedQuery<Sanction>({
    queryKey: orgId ? oversightKeys.sanctions(orgId) : [...oversightKeys.allSanctions(), 'all'],
    label: orgId || 'all',
    fetchPage: (cursor, signal) => oversightApi.sanctions(orgId, cursor, signal),
  });
  if (list.state.status === 'error') return <LoadError error={list.state.error} reload={list.retry} />;
  if (list.state.items.length === 0)
    return (
      <p className="empty" data-testid="sanc-empty">
        {list.state.status === 'loading' ? t('common.loading') : t('sanc.none')}
      </p>
    );
  return (
    <div className="lic-scroll">
      <table className="table table--compact" data-testid="sanc-list">
        <thead>
          <tr>
            {!orgId && <th scope="col">{t('lic.org')}</th>}
            <th scope="col">{t('sanc.decidedAt')}</th>
            <th scope="col">{t('sanc.kind')}</th>
            <th scope="col">{t('sanc.severity')}</th>
            <th scope="col">{t('sanc.reason')}</th>
            <th scope="col">{t('sanc.evidence')}</th>
          </tr>
        </thead>
        <tbody>
          {list.state.items.map((s) => (
            <tr key={s.id} data-testid="sanc-row" data-severity={s.severity}>
              {!orgId && (
                <td>
                  <OrgName id={s.orgId} />
                </td>
              )}
              <td className="small">{formatDateTime(s.decidedAt, lang)}</td>
              <td>{t(`sanc.kind.${s.kind}` as MessageKey)}</td>
              <td>
                <Badge tone={s.severity === 'serious' ? 'danger' : s.severity === 'major' ? 'warning' : 'neutral'}>
                  {t(`sanc.severity.${s.severity}` as MessageKey)}
                </Badge>
              </td>
              <td>{s.reason}</td>
              <td className="small">{s.evidenceRef ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.state.nextCursor && (
        <button type="button" className="btn btn--secondary btn--small" onClick={list.loadMore}>
          {t('lic.more')}
        </button>
      )}
    </div>
  );
}
