import { useState, type FormEvent } from 'react';
import { Alert } from '../../components/Alert';
import { QueryState } from '../../components/QueryState';
import { useI18n } from '../../i18n';
import { errorText } from '../../lib/errors';
import { formatDateTime, formatTonnes, tonnesToKg } from '../../lib/units';
import type { TTrade } from '../../../../shared/src/schemas/trades.js';
import type { Me } from '../auth/api';
import type { Manifest } from '../manifests/api';
import { DocumentsPanel } from '../documents/DocumentsPanel';
import { useAddEvidenceNote, useEvidence, useResolveTrip, useTripDetails, useTripsOfTrade } from './api';
import './disputes.css';

const pct = (bp: number | null) => (bp === null ? '—' : `${(bp / 100).toFixed(2)} %`);

/**
 * A disputed trade on its page (issue 13 item 3): why each trip is disputed, both weights, the
 * tolerance, the parties' evidence and what happens next; the admin resolves trip by trip; after
 * that the decision (accepted kg, note, who, when) stays on the trade and on each manifest.
 */
export function DisputePanel({ trade, me }: { trade: TTrade; me: Me }) {
  const { t, lang } = useI18n();
  const trips = useTripsOfTrade(trade.id);
  const details = useTripDetails((trips.data?.items ?? []).map((m) => m.id));
  const open = trade.status === 'disputed';
  // A rejected load alone does not dispute a trade (it settles on what was accepted); its trip shows
  // here only while the trade is disputed or once the admin has decided it.
  const disputed = details
    .map((d) => d.data)
    .filter((m): m is Manifest => !!m && m.dispute !== null && (open || m.resolution !== null));
  const isAdmin = me.roles.includes('admin');
  const party = !!me.org && (me.org.id === trade.generatorOrgId || me.org.id === trade.receiverOrgId);
  const evidence = useEvidence(trade.id, disputed.length > 0 || open);
  if (!open && disputed.length === 0) return null;
  const resolvedSum = disputed.every((m) => m.resolution) ? disputed.reduce((s, m) => s + (m.acceptedKg ?? 0), 0) : null;

  return (
    <section
      className="card dispute"
      aria-labelledby="dispute-title"
      data-testid="dispute-panel"
      data-open={open ? 'true' : 'false'}
    >
      <h2 id="dispute-title">{t(open ? 'dispute.title.open' : 'dispute.title.resolved')}</h2>
      <Alert tone="info" testId="dispute-next">
        {open
          ? t(isAdmin ? 'dispute.next.admin' : 'dispute.next.party')
          : t('dispute.next.done', { kg: formatTonnes(trade.acceptedKg, lang) })}
      </Alert>
      {disputed.map((m) => (
        <TripDispute key={m.id} m={m} canResolve={open && isAdmin && !m.resolution} />
      ))}
      {resolvedSum !== null && (
        <p data-testid="dispute-total" data-accepted-kg={trade.acceptedKg}>
          {t('dispute.total', { kg: formatTonnes(trade.acceptedKg, lang), trips: disputed.length })}
        </p>
      )}
      <h3>{t('dispute.evidence')}</h3>
      <QueryState
        query={evidence}
        isEmpty={(d) => d.notes.length === 0}
        empty={<p className="muted">{t('dispute.evidence.none')}</p>}
      >
        {(data) => (
          <ul className="dispute__notes" data-testid="evidence-notes">
            {data.notes.map((n) => (
              <li key={n.id} data-testid="evidence-note">
                <span className="muted small">
                  {t(
                    n.orgId === trade.generatorOrgId
                      ? 'dispute.by.generator'
                      : n.orgId === trade.receiverOrgId
                        ? 'dispute.by.receiver'
                        : 'dispute.by.other',
                  )}{' '}
                  · {formatDateTime(n.createdAt, lang)}
                </span>
                <p>{n.note}</p>
              </li>
            ))}
          </ul>
        )}
      </QueryState>
      {open && party && <EvidenceNoteForm tradeId={trade.id} />}
      <DocumentsPanel
        subjectType="trade"
        subjectId={trade.id}
        kinds={['evidence']}
        canUpload={open && party}
        title={t('dispute.evidence.documents')}
      />
    </section>
  );
}

function TripDispute({ m, canResolve }: { m: Manifest; canResolve: boolean }) {
  const { t, lang } = useI18n();
  const d = m.dispute!;
  const r = m.resolution;
  return (
    <div className="dispute__trip" data-testid="dispute-trip" data-manifest={m.id}>
      <h3>
        {t('dispute.trip', { number: m.number })}{' '}
        <span className="muted small">
          {d.reasons.map((x) => t(x === 'weight_gap' ? 'dispute.reason.weight_gap' : 'dispute.reason.rejection')).join(' · ')}
        </span>
      </h3>
      <dl className="facts">
        <div>
          <dt>{t('dispute.loaded')}</dt>
          <dd data-testid="dispute-loaded">{d.loadedKg === null ? '—' : formatTonnes(d.loadedKg, lang)}</dd>
        </div>
        <div>
          <dt>{t('dispute.received')}</dt>
          <dd data-testid="dispute-received">{d.receivedKg === null ? '—' : formatTonnes(d.receivedKg, lang)}</dd>
        </div>
        <div>
          <dt>{t('dispute.gap')}</dt>
          <dd>
            {pct(d.gapBp)} <span className="muted small">{t('dispute.tolerance', { tol: pct(d.toleranceBp) })}</span>
          </dd>
        </div>
        <div>
          <dt>{t('dispute.receiverAccepted')}</dt>
          <dd>{d.receiverAcceptedKg === null ? '—' : formatTonnes(d.receiverAcceptedKg, lang)}</dd>
        </div>
        {d.receiverNote && (
          <div>
            <dt>{t('dispute.receiverNote')}</dt>
            <dd>{d.receiverNote}</dd>
          </div>
        )}
      </dl>
      {r && (
        <div className="dispute__resolution" data-testid="dispute-resolution" data-accepted-kg={r.acceptedKg}>
          <strong>{t('dispute.resolved', { kg: formatTonnes(r.acceptedKg, lang) })}</strong>
          <p>{r.note}</p>
          <span className="muted small">{t('dispute.decidedBy', { at: formatDateTime(r.at, lang) })}</span>
        </div>
      )}
      {canResolve && <ResolveTripForm m={m} />}
    </div>
  );
}

function ResolveTripForm({ m }: { m: Manifest }) {
  const { t } = useI18n();
  const initial = m.dispute?.receiverAcceptedKg ?? m.acceptedKg ?? 0;
  const [tonnes, setTonnes] = useState(String(initial / 1000));
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<unknown>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const resolve = useResolveTrip();
  const id = (f: string) => `resolve-${m.id}-${f}`;
  async function submit(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    const kg = tonnesToKg(tonnes);
    const local: Record<string, string> = {};
    if (kg === null || kg < 0) local.acceptedKg = t('dispute.resolve.kgInvalid');
    else if (kg > m.declaredKg) local.acceptedKg = t('dispute.resolve.kgTooMuch');
    if (!note.trim()) local.note = t('dispute.resolve.noteRequired');
    setErrors(local);
    if (Object.keys(local).length) return;
    try {
      await resolve.mutateAsync({ manifestId: m.id, acceptedKg: kg!, note: note.trim() });
    } catch (err) {
      setProblem(err);
    }
  }
  return (
    <form className="form dispute__resolve" onSubmit={(e) => void submit(e)} data-testid="resolve-form" noValidate>
      <label className="field" htmlFor={id('kg')}>
        <span>{t('dispute.resolve.kg')}</span>
        <input
          id={id('kg')}
          inputMode="decimal"
          value={tonnes}
          onChange={(e) => {
            setTonnes(e.target.value);
            setErrors((x) => ({ ...x, acceptedKg: '' }));
          }}
          aria-invalid={!!errors.acceptedKg}
          data-testid="resolve-kg"
        />
        {errors.acceptedKg && <span className="field__error">{errors.acceptedKg}</span>}
      </label>
      <label className="field" htmlFor={id('note')}>
        <span>{t('dispute.resolve.note')}</span>
        <textarea
          id={id('note')}
          value={note}
          onChange={(e) => {
            setNote(e.target.value);
            setErrors((x) => ({ ...x, note: '' }));
          }}
          aria-invalid={!!errors.note}
          rows={2}
          data-testid="resolve-note"
        />
        {errors.note && <span className="field__error">{errors.note}</span>}
      </label>
      {problem != null && <Alert testId="resolve-problem">{errorText(problem, t)}</Alert>}
      <div className="form__actions">
        <button type="submit" className="btn btn--primary" disabled={resolve.isPending} data-testid="resolve-submit">
          {t('dispute.resolve.submit')}
        </button>
      </div>
    </form>
  );
}

function EvidenceNoteForm({ tradeId }: { tradeId: string }) {
  const { t } = useI18n();
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<unknown>(null);
  const add = useAddEvidenceNote();
  async function submit(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    if (!note.trim()) {
      setProblem(new Error(t('dispute.evidence.noteRequired')));
      return;
    }
    try {
      await add.mutateAsync({ tradeId, note: note.trim() });
      setNote('');
    } catch (err) {
      setProblem(err);
    }
  }
  return (
    <form className="form" onSubmit={(e) => void submit(e)} data-testid="evidence-form" noValidate>
      <label className="field" htmlFor={`evidence-${tradeId}`}>
        <span>{t('dispute.evidence.note')}</span>
        <textarea
          id={`evidence-${tradeId}`}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          rows={3}
          data-testid="evidence-note-input"
        />
      </label>
      {problem != null && <Alert testId="evidence-problem">{errorText(problem, t)}</Alert>}
      <div className="form__actions">
        <button type="submit" className="btn" disabled={add.isPending} data-testid="evidence-submit">
          {t('dispute.evidence.add')}
        </button>
      </div>
    </form>
  );
}

/** On a manifest's page: why the trip is disputed and, once decided, the admin's resolution. */
export function TripDisputeOnManifest({ m }: { m: Manifest }) {
  const { t } = useI18n();
  if (!m.dispute || (!m.resolution && !m.dispute.reasons.includes('weight_gap'))) return null;
  return (
    <section className="card dispute" aria-labelledby={`trip-dispute-${m.id}`} data-testid="manifest-dispute">
      <h2 id={`trip-dispute-${m.id}`}>{t(m.resolution ? 'dispute.title.resolved' : 'dispute.title.open')}</h2>
      <TripDispute m={m} canResolve={false} />
    </section>
  );
}
