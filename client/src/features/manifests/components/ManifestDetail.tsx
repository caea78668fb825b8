import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { Alert } from '../../../components/Alert';
import { useI18n } from '../../../i18n';
import { errorText } from '../../../lib/errors';
import { districtName } from '../../listings/labels';
import {
  downloadManifestExport,
  downloadManifestPdf,
  manifestKeys,
  manifestsApi,
  type Manifest,
  type ManifestAudit,
} from '../api';
import { mk } from '../labels';
import { ManifestStatusBadge, NextStepText, OverdueBadge, dueText, kgText } from './ManifestBits';
import { StepForm } from './StepForm';
import { Timeline } from './Timeline';
import { NationalForm } from './NationalForm';
import { methodName } from './MethodSelect';

const pct = (bp: number) => `${(bp / 100).toFixed(2).replace(/\.?0+$/, '')} %`;

/** One manifest: the form as filled in, its deadlines, its timeline, the tamper check and our next step. */
export function ManifestDetail({ m, onChange }: { m: Manifest; onChange(m: Manifest): void }) {
  const { t, lang } = useI18n();
  const [pdfProblem, setPdfProblem] = useState<unknown>(null);
  const [downloading, setDownloading] = useState(false);
  const [done, setDone] = useState<string | null>(null);

  // Checked again whenever the timeline grows.
  const auditQuery = useQuery({
    queryKey: manifestKeys.audit(m.id, m.events.length),
    queryFn: ({ signal }) => manifestsApi.audit(m.id, signal),
  });
  const audit: ManifestAudit | null = auditQuery.data ?? null;

  async function pdf(format: 'pdf' | 'csv' | 'json' = 'pdf') {
    setPdfProblem(null);
    setDownloading(true);
    try {
      if (format === 'pdf') await downloadManifestPdf(m.id, m.number);
      else await downloadManifestExport(m.id, m.number, format);
    } catch (err) {
      setPdfProblem(err);
    } finally {
      setDownloading(false);
    }
  }

  const ours = m.nextActions.some((a) => m.yourParts.includes(a.by));
  const tradeParty = m.yourParts.includes('shipper') || m.yourParts.includes('receiver');
  const { shipper, carrier, receiver } = m.parties;
  return (
    <article className="mf" data-testid="manifest-detail" data-id={m.id} data-status={m.status}>
      <header className="listing__header">
        <div className="listing__code">
          <span className="code" data-testid="manifest-number">
            {m.number}
          </span>
        </div>
        <h1 className="mf__title">{t(m.kind === 'hazardous' ? 'manifest.kind.hazardous' : 'manifest.kind.general')}</h1>
        <div className="badges">
          <ManifestStatusBadge status={m.status} />
          <OverdueBadge overdue={m.overdue} />
        </div>
        <div className="mf__actions">
          <button
            type="button"
            className="btn btn--secondary btn--small"
            onClick={() => void pdf()}
            disabled={downloading}
            data-testid="manifest-pdf"
          >
            {t('manifest.pdf')}
          </button>
          {m.yourParts.length === 0 && (
            <>
              <button
                type="button"
                className="btn btn--secondary btn--small"
                onClick={() => void pdf('csv')}
                disabled={downloading}
                data-testid="manifest-export-csv"
              >
                {t('manifest.export.csv')}
              </button>
              <button
                type="button"
                className="btn btn--ghost btn--small"
                onClick={() => void pdf('json')}
                disabled={downloading}
                data-testid="manifest-export-json"
              >
                {t('manifest.export.json')}
              </button>
            </>
          )}
          {tradeParty && (
            <Link to={`/trades/${m.tradeId}`} className="btn btn--ghost btn--small">
              {t('manifest.toTrade')}
            </Link>
          )}
        </div>
      </header>
      {pdfProblem != null && <Alert>{errorText(pdfProblem, t)}</Alert>}
      {done && (
        <Alert tone="info" testId="manifest-step-done">
          {done}
        </Alert>
      )}

      <section className="card mf__next" aria-labelledby={`next-${m.id}`}>
        <h2 id={`next-${m.id}`}>{t('manifest.next')}</h2>
        {m.nextActions.length === 0 ? (
          <p className="muted">{t('manifest.next.none')}</p>
        ) : ours ? (
          <StepForm
            key={`${m.id}-${m.status}`}
            m={m}
            onDone={(updated) => {
              setDone(t('step.done', { step: t(mk(`manifest.event.${updated.events.at(-1)?.type ?? 'open'}`)) }));
              onChange(updated);
            }}
          />
        ) : (
          <p>
            <NextStepText m={m} />
          </p>
        )}
      </section>

      <div className="material__grid">
        <section className="card" aria-labelledby={`facts-${m.id}`}>
          <h2 id={`facts-${m.id}`}>{t('manifest.number')}</h2>
          <dl className="facts">
            <div>
              <dt>{t('manifest.officialNumber')}</dt>
              <dd>{m.officialNumber ?? <span className="muted">{t('manifest.officialNumber.none')}</span>}</dd>
            </div>
            <div>
              <dt>{t('manifest.yourPart')}</dt>
              <dd data-testid="manifest-your-part">
                {m.yourParts.length
                  ? m.yourParts.map((p) => t(mk(`manifest.part.${p}`))).join('、')
                  : t('manifest.yourPart.none')}
              </dd>
            </div>
            <div>
              <dt>{t('manifest.vehicle')}</dt>
              <dd className="code">{`${m.vehiclePlate.slice(0, 2)}·${m.vehiclePlate.slice(2)}`}</dd>
            </div>
            <div>
              <dt>{t('manifest.driver')}</dt>
              <dd>{m.driverName}</dd>
            </div>
            <div>
              <dt>{t('manifest.declared')}</dt>
              <dd>{kgText(m.declaredKg, lang)}</dd>
            </div>
            <div>
              <dt>{t('manifest.loaded')}</dt>
              <dd data-testid="manifest-loaded">{kgText(m.loadedKg, lang)}</dd>
            </div>
            <div>
              <dt>{t('manifest.received')}</dt>
              <dd data-testid="manifest-received">{kgText(m.receivedKg, lang)}</dd>
            </div>
            <div>
              <dt>{t('manifest.accepted')}</dt>
              <dd data-testid="manifest-accepted">
                {kgText(m.acceptedKg, lang)}
                {m.decision && <span className="muted small"> · {t(mk(`manifest.decision.${m.decision}`))}</span>}
              </dd>
            </div>
            {m.decisionNote && (
              <div>
                <dt>{t('manifest.reason')}</dt>
                <dd>{m.decisionNote}</dd>
              </div>
            )}
            {m.weightGapBp != null && (
              <div>
                <dt>{t('manifest.weightGap')}</dt>
                <dd data-testid="manifest-gap">
                  <span className={m.weightGapBp > m.weightToleranceBp ? 'check check--bad' : ''}>{pct(m.weightGapBp)}</span>
                  <div className="muted small">{t('manifest.weightGap.note', { tolerance: pct(m.weightToleranceBp) })}</div>
                </dd>
              </div>
            )}
            <div>
              <dt>{t('manifest.receiptDue')}</dt>
              <dd>
                {dueText(m.receiptDueAt, lang)}
                <div className="muted small">{t('manifest.receiptDue.explain')}</div>
              </dd>
            </div>
            <div>
              <dt>{t('manifest.disposalDue')}</dt>
              <dd>{dueText(m.disposalDueAt, lang)}</dd>
            </div>
            {m.disposalMethod && (
              <div>
                <dt>{t('manifest.disposal')}</dt>
                <dd data-testid="manifest-disposal">
                  {m.disposalMethodCode ? methodName(m.disposalMethodCode, lang) : m.disposalMethod} · {m.disposalDate}
                  {m.disposalMethodCode && m.disposalMethod && <div className="muted small">{m.disposalMethod}</div>}
                </dd>
              </div>
            )}
          </dl>
        </section>

        <section className="card" aria-labelledby={`parties-${m.id}`}>
          <h2 id={`parties-${m.id}`}>{t('manifest.parties')}</h2>
          <dl className="facts">
            {(
              [
                ['shipper', shipper],
                ['carrier', carrier],
                ['receiver', receiver],
              ] as const
            ).map(([part, p]) => (
              <div key={part}>
                <dt>{t(mk(`manifest.part.${part}`))}</dt>
                <dd>
                  {p.name}
                  <div className="muted small code">{p.uscc}</div>
                  <div className="muted small">
                    {districtName(p.district, lang)}
                    {p.licenceNumber ? ` · ${t('manifest.licence')} ${p.licenceNumber}` : ''}
                  </div>
                </dd>
              </div>
            ))}
          </dl>
        </section>
      </div>

      <section className="card" aria-labelledby={`waste-${m.id}`}>
        <h2 id={`waste-${m.id}`}>{t('manifest.waste')}</h2>
        {m.lines.map((l, i) => (
          <dl className="facts" key={i}>
            <div>
              <dt className="code">{l.wasteCode}</dt>
              <dd data-testid="manifest-waste-name">
                {lang === 'en' ? l.nameEn : l.nameZh}{' '}
                <span className="muted small">
                  ({l.category}
                  {l.categoryNameZh && lang !== 'en' ? ` ${l.categoryNameZh}` : ''})
                </span>
              </dd>
            </div>
            <div>
              <dt>{t('manifest.waste.characteristics')}</dt>
              <dd>
                {l.hazardCharacteristics.length
                  ? l.hazardCharacteristics.map((c) => t(mk(`hazard.${c}`))).join('、')
                  : t('hazard.characteristics.none')}
              </dd>
            </div>
            <div>
              <dt>{t('manifest.waste.formPackaging')}</dt>
              <dd>
                {l.form ? t(mk(`form.${l.form}`)) : '—'} / {l.packaging ? t(mk(`packaging.${l.packaging}`)) : '—'}
              </dd>
            </div>
          </dl>
        ))}
        <h3>{t('manifest.emergency')}</h3>
        <p className="small">{m.emergencyMeasures}</p>
        <p className="muted small">
          {districtName(m.originDistrict, lang)} → {districtName(m.destinationDistrict, lang)}
        </p>
      </section>

      <NationalForm m={m} onChange={onChange} />

      <section className="card" aria-labelledby={`timeline-${m.id}`}>
        <h2 id={`timeline-${m.id}`}>{t('manifest.timeline')}</h2>
        <Timeline m={m} />
        {audit && (
          <Alert tone={audit.valid && audit.projectionValid ? 'info' : 'error'} testId="manifest-audit">
            <strong>{t('manifest.audit')}: </strong>
            {audit.valid
              ? t('manifest.audit.valid', { count: audit.events.length })
              : t('manifest.audit.broken', { seq: audit.brokenAt ?? '?' })}
            {audit.valid &&
              !audit.projectionValid &&
              ` ${t('manifest.audit.projection', { fields: audit.projectionMismatches.join(', ') })}`}
          </Alert>
        )}
      </section>
    </article>
  );
}
