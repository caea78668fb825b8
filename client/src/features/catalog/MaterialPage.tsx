import { useQuery } from '@tanstack/react-query';
import { DataText } from '../../components/DataText';
import { Link, useParams } from 'react-router';
import { Alert } from '../../components/Alert';
import { QueryState } from '../../components/QueryState';
import { PriceBandBar, bandSourceText } from '../../components/PriceBandBar';
import { useI18n, type MessageKey } from '../../i18n';
import { catalogApi, catalogKeys, type Material } from './api';
import { noteZh } from './dataNotes';
import { EditionNote } from './components/EditionNote';
import { MaterialBadges } from './components/MaterialBadges';
import { MaterialName } from './components/MaterialName';
import { useMarketsText } from '../markets/messages';
import { formatPricePerTonne } from '../../lib/money';
import { formatTonnes } from '../../lib/units';

export function MaterialPage() {
  const { code = '' } = useParams();
  const { t } = useI18n();
  const state = useQuery({ queryKey: catalogKeys.material(code), queryFn: ({ signal }) => catalogApi.get(code, signal) });

  return (
    <div className="page" data-testid="material-page">
      <p className="back-link">
        <Link to="/catalog">← {t('material.back')}</Link>
      </p>
      <QueryState query={state} notFound={<Alert>{t('material.notFound', { code })}</Alert>} notFoundCodes={['NOT_FOUND']}>
        {(m) => <MaterialDetail material={m} />}
      </QueryState>
    </div>
  );
}

function MaterialDetail({ material: m }: { material: Material }) {
  const { t, lang } = useI18n();
  const mt = useMarketsText();
  const band = m.band;
  return (
    <article className="material" data-testid="material-detail" data-code={m.code}>
      <header className="material__header">
        <div className="material__code code" data-testid="material-code">
          {m.code}
        </div>
        <div className="material__title">
          <MaterialName material={m} as="h1" />
        </div>
        <MaterialBadges material={m} />
      </header>

      {!m.tradeable && (
        <Alert tone="warning" testId="not-tradeable-note">
          {t('material.notTradeable')}
        </Alert>
      )}
      {m.hazardous === null && <Alert tone="warning">{t('material.needsClassification')}</Alert>}
      {m.market && (
        <p data-testid="material-market">
          <Link to={`/markets/${m.code}`}>{mt('markets.title')}</Link>{' '}
          <span className="muted small">
            {mt('terms', { lot: formatTonnes(m.market.minLotKg, lang), tick: formatPricePerTonne(m.market.priceTickFen, lang) })}
          </span>
        </p>
      )}

      <div className="material__grid">
        <section className="card" aria-labelledby="material-facts">
          <h2 id="material-facts" className="visually-hidden">
            {t('material.code')}
          </h2>
          <dl className="facts">
            <div>
              <dt>{t('material.code')}</dt>
              <dd className="code">{m.code}</dd>
            </div>
            <div>
              <dt>{t('material.edition')}</dt>
              <dd data-testid="material-edition">{m.edition ?? t('material.edition.none')}</dd>
            </div>
            <div>
              <dt>{t('material.stream')}</dt>
              <dd>{t(`stream.${m.stream}` as MessageKey)}</dd>
            </div>
            <div>
              <dt>{t('material.category')}</dt>
              <dd>
                {m.category}
                {m.categoryNameZh && <span lang="zh-CN"> {m.categoryNameZh}</span>}
              </dd>
            </div>
            <div>
              <dt>{t('price.direction')}</dt>
              <dd data-testid="material-usual-direction" data-usual={m.usualDirection}>
                {t(`price.usualDirection.${m.usualDirection}`)}
              </dd>
            </div>
            <div>
              <dt>{t('material.verification')}</dt>
              <dd data-testid="material-verification" lang="en">
                {m.verification}
              </dd>
            </div>
            {m.note && (
              <div>
                <dt>{t('material.note')}</dt>
                <dd data-testid="material-note">
                  <DataText zh={noteZh(m.note)} en={m.note} />
                </dd>
              </div>
            )}
          </dl>
        </section>

        <section className="card" aria-labelledby="band-title" data-testid="band-section">
          <h2 id="band-title">{t('material.band.title')}</h2>
          {band ? (
            <>
              <PriceBandBar band={band} />
              <dl className="facts facts--compact">
                <div>
                  <dt>{t('material.band.source')}</dt>
                  <dd>{bandSourceText(t, band)}</dd>
                </div>
                {band.note && (
                  <div>
                    <dt>{t('material.band.basis')}</dt>
                    <dd data-testid="band-note">
                      <DataText zh={noteZh(band.note)} en={band.note} />
                    </dd>
                  </div>
                )}
              </dl>
              <p className="muted small">{t('material.band.explain')}</p>
            </>
          ) : (
            <p className="muted" data-testid="band-none">
              {t('material.band.none')}
            </p>
          )}
        </section>
      </div>

      <EditionNote />
    </article>
  );
}
