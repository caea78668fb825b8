import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { DataText } from '../../components/DataText';
import { QueryState } from '../../components/QueryState';
import { useI18n, type MessageKey } from '../../i18n';
import { formatPricePerTonne } from '../../lib/money';
import { formatDateTime } from '../../lib/units';
import { catalogApi, catalogKeys } from '../catalog/api';
import { districtName } from '../listings/labels';
import { formatIndicator, formatKgShort, formatShare } from '../regulator/labels';
import { publicApi, publicKeys } from './api';
import './public.css';

const mk = (key: string) => key as MessageKey;

/**
 * Public disclosure (公示, issue 14 item 6): the price index per material, flows by stream and month,
 * the plan's indicators, organisations at red and black credit, suspended and revoked licences. No
 * sign-in. Figures of flows and prices appear only where 3 generators and 3 receivers stand behind
 * them; the rest says "suppressed".
 */
export function PublicPage() {
  const { t } = useI18n();
  return (
    <div className="page public-page" data-testid="public-page">
      <header className="page__header">
        <h1>{t('public.title')}</h1>
        <p className="page__lead">{t('public.intro')}</p>
        <nav aria-label={t('public.sections')} className="public-toc">
          <a href="#public-prices">{t('public.prices.title')}</a>
          <a href="#public-flows">{t('public.flows.title')}</a>
          <a href="#public-indicators">{t('public.indicators.title')}</a>
          <a href="#public-credit">{t('public.credit.title')}</a>
          <a href="#public-licences">{t('public.licences.title')}</a>
        </nav>
      </header>
      <Prices />
      <Flows />
      <Indicators />
      <CreditList />
      <Licences />
    </div>
  );
}

function Section({ id, title, lead, children }: { id: string; title: string; lead?: string; children: React.ReactNode }) {
  return (
    <section className="card public-section" aria-labelledby={`${id}-title`} id={id}>
      <h2 id={`${id}-title`}>{title}</h2>
      {lead && <p className="muted small">{lead}</p>}
      {children}
    </section>
  );
}

/** What a section says when nothing is published for it. */
function None() {
  const { t } = useI18n();
  return <p className="muted">{t('public.none')}</p>;
}

function Prices() {
  const { t, lang } = useI18n();
  const [material, setMaterial] = useState('SW17-01');
  const materials = useQuery({ queryKey: catalogKeys.all(), queryFn: ({ signal }) => catalogApi.listAll(null, signal) });
  const index = useQuery({ queryKey: publicKeys.prices(material), queryFn: ({ signal }) => publicApi.prices(material, signal) });
  return (
    <Section id="public-prices" title={t('public.prices.title')} lead={t('public.rule')}>
      <div className="form__row">
        <label htmlFor="public-material">{t('public.prices.material')}</label>
        <select
          id="public-material"
          className="input"
          value={material}
          onChange={(e) => setMaterial(e.target.value)}
          data-testid="public-material"
        >
          {(materials.data?.items ?? [{ code: 'SW17-01', nameZh: 'SW17-01', nameEn: 'SW17-01' }]).map((m) => (
            <option key={m.code} value={m.code}>
              {m.code} {lang === 'en' ? m.nameEn : m.nameZh}
            </option>
          ))}
        </select>
      </div>
      <QueryState query={index} isEmpty={(d) => d.items.length === 0} empty={<None />}>
        {(data) => (
          <div className="table-scroll">
            <table className="table" data-testid="public-prices">
              <thead>
                <tr>
                  <th scope="col">{t('public.prices.period')}</th>
                  <th scope="col" className="num">
                    {t('public.prices.median')}
                  </th>
                  <th scope="col" className="num">
                    {t('public.prices.range')}
                  </th>
                  <th scope="col" className="num">
                    {t('public.flows.trades')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((p) => (
                  <tr key={`${p.period}-${p.start}`}>
                    <td>
                      {p.start} <span className="muted small">{t(mk(`public.period.${p.period}`))}</span>
                    </td>
                    {p.suppressed ? (
                      <td colSpan={3} className="muted">
                        {t('public.suppressed')}
                      </td>
                    ) : (
                      <>
                        <td className="num">{formatPricePerTonne(p.medianFen!, lang)}</td>
                        <td className="num small">
                          {formatPricePerTonne(p.lowFen!, lang)} – {formatPricePerTonne(p.highFen!, lang)}
                        </td>
                        <td className="num">{p.trades}</td>
                      </>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </Section>
  );
}

function Flows() {
  const { t, lang } = useI18n();
  const q = useQuery({ queryKey: publicKeys.flows(), queryFn: ({ signal }) => publicApi.flows(signal) });
  return (
    <Section id="public-flows" title={t('public.flows.title')} lead={t('public.flows.lead')}>
      <QueryState query={q} isEmpty={(d) => d.cells.length === 0} empty={<None />}>
        {(data) => (
          <div className="table-scroll">
            <table className="table" data-testid="public-flows">
              <thead>
                <tr>
                  <th scope="col">{t('public.flows.month')}</th>
                  <th scope="col">{t('public.flows.stream')}</th>
                  <th scope="col" className="num">
                    {t('public.flows.contracted')}
                  </th>
                  <th scope="col" className="num">
                    {t('public.flows.delivered')}
                  </th>
                  <th scope="col" className="num">
                    {t('public.flows.trades')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.cells.map((c) => (
                  <tr key={`${c.month}-${c.stream}`} data-suppressed={c.suppressed}>
                    <td>{c.month}</td>
                    <td>{t(mk(`stream.${c.stream}`))}</td>
                    {c.suppressed ? (
                      <td colSpan={3} className="muted">
                        {t('public.suppressed')}
                      </td>
                    ) : (
                      <>
                        <td className="num">{formatKgShort(c.contractedKg!, lang)}</td>
                        <td className="num">{formatKgShort(c.deliveredKg!, lang)}</td>
                        <td className="num">{c.trades}</td>
                      </>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </Section>
  );
}

function Indicators() {
  const { t, lang } = useI18n();
  const q = useQuery({ queryKey: publicKeys.indicators(), queryFn: ({ signal }) => publicApi.indicators(signal) });
  return (
    <Section id="public-indicators" title={t('public.indicators.title')}>
      <QueryState query={q}>
        {(data) => (
          <>
            <p className="muted small">{lang === 'en' ? data.noteEn : data.noteZh}</p>
            {!data.published && (
              <p className="muted" data-testid="public-indicators-withheld">
                {t('public.indicators.withheld')}
              </p>
            )}
            <dl className="facts" data-testid="public-indicators">
              {data.indicators.map((i) => (
                <div key={i.id}>
                  <dt>{lang === 'en' ? i.nameEn : i.nameZh}</dt>
                  <dd>
                    {formatIndicator(i.value, i.unit, lang)}
                    <div className="muted small">{lang === 'en' ? i.definitionEn : i.definitionZh}</div>
                  </dd>
                </div>
              ))}
            </dl>
            <h3>{t('public.indicators.plan')}</h3>
            <ul className="public-list" data-testid="public-plan">
              {data.planTargets.map((p) => (
                <li key={p.id}>
                  <strong>
                    <DataText zh={p.nameZh} en={p.nameEn} />
                  </strong>{' '}
                  <span className="small">
                    {p.target} ({p.by})
                  </span>
                  <div className="small">
                    {t('public.indicators.measured')}:{' '}
                    {p.measured
                      ? p.measured.unit === 'ratio'
                        ? formatShare(p.measured.value)
                        : formatIndicator(p.measured.value, p.measured.unit, lang)
                      : '—'}
                  </div>
                </li>
              ))}
            </ul>
            <p className="muted small">
              {t('public.indicators.source')}: {data.planSource}
            </p>
          </>
        )}
      </QueryState>
    </Section>
  );
}

function CreditList() {
  const { t, lang } = useI18n();
  const q = useQuery({ queryKey: publicKeys.credit(), queryFn: ({ signal }) => publicApi.credit(signal) });
  return (
    <Section id="public-credit" title={t('public.credit.title')} lead={t('public.credit.lead')}>
      <QueryState query={q} isEmpty={(d) => d.items.length === 0} empty={<None />}>
        {(data) => (
          <ul className="public-list" data-testid="public-credit">
            {data.items.map((o) => (
              <li key={o.uscc}>
                <strong>{o.orgName}</strong>{' '}
                <span className={`public-level public-level--${o.level}`}>{t(mk(`credit.${o.level}`))}</span>
                <div className="muted small code">
                  {o.uscc} · {districtName(o.district, lang)}
                </div>
                <ul className="small">
                  {o.reasons.map((r, i) => (
                    <li key={i}>
                      {r.kind === 'sanction'
                        ? t('public.credit.sanction', {
                            severity: t(mk(`public.severity.${r.severity ?? 'minor'}`)),
                            date: formatDateTime(r.decidedAt, lang),
                            text: r.text ?? '',
                          })
                        : t('public.credit.factor', { factor: t(mk(`creditPage.factor.${r.code}`)), count: r.events })}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </Section>
  );
}

function Licences() {
  const { t, lang } = useI18n();
  const q = useQuery({ queryKey: publicKeys.licences(), queryFn: ({ signal }) => publicApi.licences(signal) });
  return (
    <Section id="public-licences" title={t('public.licences.title')}>
      <QueryState query={q} isEmpty={(d) => d.items.length === 0} empty={<None />}>
        {(data) => (
          <ul className="public-list" data-testid="public-licences">
            {data.items.map((l) => (
              <li key={l.licenceNumber}>
                <strong>{l.orgName}</strong> · <span className="code">{l.licenceNumber}</span>{' '}
                <span className={`public-level public-level--${l.status === 'revoked' ? 'black' : 'red'}`}>
                  {t(mk(`public.licences.${l.status}`))}
                </span>
                <div className="muted small">
                  {t(mk(`public.licences.kind.${l.kind}`))} · {districtName(l.district, lang)} ·{' '}
                  {formatDateTime(l.decidedAt, lang)}
                </div>
                {l.reason && <div className="small">{l.reason}</div>}
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </Section>
  );
}
