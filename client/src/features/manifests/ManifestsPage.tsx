import { useState } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { Alert } from '../../components/Alert';
import { useI18n } from '../../i18n';
import { errorText } from '../../lib/errors';
import { formatDateTime } from '../../lib/units';
import { RequireSignIn } from '../auth/components/RequireSignIn';
import { MANIFEST_STATUSES, manifestKeys, manifestsApi, type ManifestStatus, type ManifestSummary } from './api';
import { ManifestStatusBadge, NextStepText, OverdueBadge, kgText } from './components/ManifestBits';
import { mk } from './labels';
import { BulkExport } from './components/BulkExport';
import './manifests.css';

/** /manifests — every trip the signed-in org ships, carries or receives (regulators: those in scope). */
export function ManifestsPage() {
  return (
    <RequireSignIn>
      {(me) => <ManifestsList exporter={me.roles.includes('regulator') || me.roles.includes('admin')} />}
    </RequireSignIn>
  );
}

function ManifestsList({ exporter }: { exporter: boolean }) {
  const { t } = useI18n();
  const [status, setStatus] = useState<ManifestStatus | ''>('');
  const [overdue, setOverdue] = useState(false);
  const filter = { status: status || undefined, overdue: overdue || undefined };
  // manifest.updated in the org's room refetches the list (realtime/invalidation.ts).
  const query = useInfiniteQuery({
    queryKey: manifestKeys.list(filter),
    queryFn: ({ pageParam, signal }) => manifestsApi.list({ ...filter, cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
  const items: ManifestSummary[] | null = query.data ? query.data.pages.flatMap((p) => p.items) : null;
  const cursor = query.hasNextPage;
  const problem = query.error;
  const more = () => void query.fetchNextPage();

  return (
    <div className="page" data-testid="manifests-page">
      <header className="page__header">
        <h1>{t('manifests.title')}</h1>
        <p className="page__lead">{t('manifests.intro')}</p>
      </header>
      {exporter && <BulkExport />}
      <div className="filters filters--inline">
        <label>
          {t('manifests.filter.status')}{' '}
          <select
            className="input"
            value={status}
            onChange={(e) => setStatus(e.target.value as ManifestStatus | '')}
            data-testid="manifests-status"
          >
            <option value="">{t('manifests.filter.any')}</option>
            {MANIFEST_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(mk(`manifest.status.${s}`))}
              </option>
            ))}
          </select>
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={overdue}
            onChange={(e) => setOverdue(e.target.checked)}
            data-testid="manifests-overdue"
          />{' '}
          {t('manifests.filter.overdue')}
        </label>
      </div>
      {problem != null && <Alert>{errorText(problem, t)}</Alert>}
      {items && items.length === 0 && <p className="empty">{t('manifests.empty')}</p>}
      {items && items.length > 0 && <TripsTable items={items} />}
      {cursor && (
        <div className="list-footer">
          <button type="button" className="btn btn--secondary" onClick={more}>
            {t('catalogue.loadMore')}
          </button>
        </div>
      )}
    </div>
  );
}

/** Trips as a table: number, waste, vehicle, weights, status with overdue badge, and the next step. */
export function TripsTable({ items }: { items: ManifestSummary[] }) {
  const { t, lang } = useI18n();
  return (
    <table className="table mf-trips" data-testid="manifests-table">
      <thead>
        <tr>
          <th>{t('manifests.col.number')}</th>
          <th>{t('manifests.col.material')}</th>
          <th>{t('manifests.col.vehicle')}</th>
          <th>{t('manifests.col.weights')}</th>
          <th>{t('manifests.col.status')}</th>
          <th>{t('manifests.col.next')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((m) => (
          <tr key={m.id} data-testid="manifest-row" data-id={m.id} data-status={m.status}>
            <td>
              <Link to={`/manifests/${m.id}`} className="code" data-testid="manifest-link">
                {m.number}
              </Link>
              <div className="muted small">{formatDateTime(m.createdAt, lang)}</div>
            </td>
            <td>
              {lang === 'en' ? m.lines[0]?.nameEn : m.lines[0]?.nameZh}
              <div className="muted small code">{m.wasteCode}</div>
            </td>
            <td className="code">{m.vehiclePlate}</td>
            <td className="small">
              <div>
                {t('manifest.declared')} {kgText(m.declaredKg, lang)}
              </div>
              {m.loadedKg != null && (
                <div>
                  {t('manifest.loaded')} {kgText(m.loadedKg, lang)}
                </div>
              )}
              {m.receivedKg != null && (
                <div>
                  {t('manifest.received')} {kgText(m.receivedKg, lang)}
                </div>
              )}
              {m.acceptedKg != null && (
                <div>
                  {t('manifest.accepted')} {kgText(m.acceptedKg, lang)}
                </div>
              )}
            </td>
            <td>
              <div className="badges">
                <ManifestStatusBadge status={m.status} />
                <OverdueBadge overdue={m.overdue} />
              </div>
            </td>
            <td>
              <NextStepText m={m} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
