import { Link } from 'react-router';
import { useI18n } from '../../../i18n';
import { formatTonnes } from '../../../lib/units';
import type { Listing } from '../api';
import { districtName, listingMaterialName } from '../labels';
import { HazardBadge, ListingStatusBadge, ModeLabel, Price, SideBadge } from './ListingBits';
import { PriceCheckBadge } from './PriceCheckFeedback';

/** Listings as a table: material, side, quantity, price, mode, district, status and bids. */
export function ListingsTable({
  items,
  fresh,
  testId = 'listings-table',
}: {
  items: Listing[];
  fresh?: ReadonlySet<string>;
  testId?: string;
}) {
  const { t, lang } = useI18n();
  return (
    <table className="table listings" data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">{t('market.col.material')}</th>
          <th scope="col">{t('market.col.side')}</th>
          <th scope="col" className="num">
            {t('market.col.quantity')}
          </th>
          <th scope="col" className="num">
            {t('market.col.price')}
          </th>
          <th scope="col">{t('market.col.mode')}</th>
          <th scope="col">{t('market.col.district')}</th>
          <th scope="col">{t('market.col.status')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((l) => (
          <tr
            key={l.id}
            data-testid="listing-row"
            data-id={l.id}
            data-code={l.materialCode}
            className={fresh?.has(l.id) ? 'row--fresh' : undefined}
          >
            <td data-label={t('market.col.material')}>
              <Link to={`/listings/${l.id}`} className="listings__name" data-testid="listing-link">
                {listingMaterialName(l, lang)}
              </Link>
              <div className="listings__meta">
                <span className="code">{l.classifiedCode ? `${l.materialCode} → ${l.classifiedCode}` : l.materialCode}</span>
                <HazardBadge hazardous={l.hazardous} />
                <PriceCheckBadge check={l.priceCheck} />
              </div>
              {l.description && <div className="listings__desc muted small">{l.description}</div>}
            </td>
            <td data-label={t('market.col.side')}>
              <SideBadge side={l.side} />
            </td>
            <td className="num" data-label={t('market.col.quantity')} data-testid="listing-row-quantity">
              {formatTonnes(l.remainingKg, lang)}
              {l.remainingKg !== l.quantityKg && (
                <div className="muted small">{t('market.ofTotal', { total: formatTonnes(l.quantityKg, lang) })}</div>
              )}
            </td>
            <td className="num" data-label={t('market.col.price')}>
              <Price fen={l.pricePerTonneFen} testId="listing-row-price" />
            </td>
            <td data-label={t('market.col.mode')}>
              <ModeLabel listing={l} />
            </td>
            <td data-label={t('market.col.district')}>{districtName(l.district, lang)}</td>
            <td data-label={t('market.col.status')}>
              <ListingStatusBadge status={l.status} />
              <div className="muted small" data-testid="listing-row-bids">
                {t('market.bids', { count: l.bidCount })}
              </div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
