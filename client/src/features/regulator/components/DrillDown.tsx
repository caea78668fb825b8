import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useI18n } from '../../../i18n';
import { formatPricePerTonne } from '../../../lib/money';
import { formatDateTime } from '../../../lib/units';
import { errorText } from '../../../lib/errors';
import { districtName, tk } from '../../listings/labels';
import { regulatorApi, regulatorKeys, type EdgeRef, type RangeFilter } from '../api';
import { formatKgShort } from '../labels';

/** One edge's trades with their manifests (trips), newest first, a page at a time. */
export function DrillDown({ edge, range, onClose }: { edge: EdgeRef; range: RangeFilter; onClose: () => void }) {
  const { t, lang } = useI18n();
  const query = useInfiniteQuery({
    queryKey: regulatorKeys.flowTrades(range, edge),
    queryFn: ({ pageParam, signal }) => regulatorApi.flowTrades(range, edge, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
  const items = (query.data?.pages ?? []).flatMap((p) => p.items);
  const cursor = query.hasNextPage;
  const state = query.isFetching ? 'loading' : query.isError ? 'error' : 'idle';
  const error = errorText(query.error, t);

  const title = `${districtName(edge.fromDistrict, lang)} → ${districtName(edge.toDistrict, lang)}${edge.category ? ` · ${edge.category}` : ''}${edge.materialCode ? ` · ${edge.materialCode}` : ''}`;
  return (
    <section className="card drill" aria-labelledby="drill-title" data-testid="drill-down">
      <header className="drill__header">
        <h3 id="drill-title">
          {t('regulator.drill.title')}: {title}
        </h3>
        <button type="button" className="btn btn--ghost btn--small" onClick={onClose} data-testid="drill-close">
          {t('regulator.drill.close')}
        </button>
      </header>
      {state === 'error' && <p className="alert alert--error">{error}</p>}
      {items.length === 0 && state === 'idle' && <p className="empty">{t('regulator.drill.empty')}</p>}
      <ul className="drill__list">
        {items.map((tr) => (
          <li key={tr.id} className="drill__trade" data-testid="drill-trade">
            <div className="drill__trade-head">
              <Link to={`/trades/${tr.id}`} className="code">
                {tr.id.slice(0, 8)}
              </Link>
              <span>{formatDateTime(tr.createdAt, lang)}</span>
              <span className="code">{tr.materialCode}</span>
              {tr.hazardous && <span className="badge badge--danger">{t('stream.hazardous')}</span>}
              <span>
                {tr.generator.name} → {tr.receiver.name}
              </span>
              <span className="num">
                {formatKgShort(tr.quantityKg, lang)} · {t('regulator.flows.received')} {formatKgShort(tr.receivedKg, lang)}
              </span>
              <span>{formatPricePerTonne(tr.pricePerTonneFen, lang)}</span>
              <span className="badge badge--neutral">{t(tk(`trade.status.${tr.status}`))}</span>
            </div>
            {tr.manifests.length === 0 ? (
              <p className="muted small">{t('regulator.drill.noManifests')}</p>
            ) : (
              <table className="table table--compact drill__manifests" data-testid="drill-manifests">
                <thead>
                  <tr>
                    <th scope="col">{t('regulator.drill.manifest')}</th>
                    <th scope="col">{t('regulator.drill.status')}</th>
                    <th scope="col" className="num">
                      {t('regulator.drill.loaded')}
                    </th>
                    <th scope="col" className="num">
                      {t('regulator.drill.accepted')}
                    </th>
                    <th scope="col">{t('regulator.drill.method')}</th>
                    <th scope="col">{t('regulator.drill.receiptDue')}</th>
                  </tr>
                </thead>
                <tbody>
                  {tr.manifests.map((m) => (
                    <tr key={m.id}>
                      <td className="code">{m.number}</td>
                      <td>{t(tk(`regulator.manifest.status.${m.status}`))}</td>
                      <td className="num">{m.loadedKg === null ? '—' : formatKgShort(m.loadedKg, lang)}</td>
                      <td className="num">{m.acceptedKg === null ? '—' : formatKgShort(m.acceptedKg, lang)}</td>
                      <td>{m.disposalMethod ?? '—'}</td>
                      <td>{m.receiptDueAt ? formatDateTime(m.receiptDueAt, lang) : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </li>
        ))}
      </ul>
      {cursor && (
        <button
          type="button"
          className="btn btn--secondary btn--small"
          disabled={state === 'loading'}
          onClick={() => void query.fetchNextPage()}
          data-testid="drill-more"
        >
          {t('regulator.drill.more')}
        </button>
      )}
      {state === 'loading' && <p role="status">{t('common.loading')}</p>}
    </section>
  );
}
