import { useState } from 'react';
import { Link } from 'react-router';
import { keepPreviousData, useInfiniteQuery, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import type { TPage } from '../../../../../shared/src/schemas/common.js';
import { useI18n } from '../../../i18n';
import { errorText } from '../../../lib/errors';
import { formatDateTime } from '../../../lib/units';
import { districtName } from '../../listings/labels';
import { LiveBadge } from '../../listings/components/LiveBadge';
import { useLive } from '../../realtime/LiveFeed';
import { ALERT_KINDS, regulatorApi, regulatorKeys, useResolveAlert, type Alert } from '../api';
import { rk } from '../labels';
import { alertText } from '../alertText';

type StatusFilter = 'open' | 'resolved' | '';

/**
 * Alerts in the regulator's scope, newest first. New ones arrive live (`alert.raised` in the
 * regulator's rooms) and are shown at the top, marked new; a reconnect or a gap refetches. Each open
 * alert can be resolved with a note saying what was checked or done.
 */
export function AlertsPanel() {
  const { t, lang } = useI18n();
  const [status, setStatus] = useState<StatusFilter>('open');
  const [kind, setKind] = useState('');
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const queryClient = useQueryClient();
  const queryKey = regulatorKeys.alerts({ status, kind });
  // alert.raised in the regulator's rooms refetches the list (realtime/invalidation.ts).
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam, signal }) => regulatorApi.alerts({ status, kind }, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    placeholderData: keepPreviousData,
  });
  // A city regulator's socket is in one room, a district regulator's in one per district: an alert may arrive once per room.
  const seen = new Set<string>();
  const items = (query.data?.pages ?? []).flatMap((p) => p.items).filter((a) => !seen.has(a.id) && !!seen.add(a.id));
  const cursor = query.hasNextPage;
  const error = query.isFetching || !query.error ? null : errorText(query.error, t);
  const more = () => query.fetchNextPage();

  const live = useLive({
    accept: (e) => e.type === 'alert.raised' && e.room.startsWith('regulator:'),
    onEvent: (e) => {
      const a = e.alert as Alert | undefined;
      if (a && status !== 'resolved' && (!kind || a.kind === kind)) setFresh((s) => new Set(s).add(a.id));
    },
  });

  /** A resolved alert leaves the open list, and is replaced in the others. */
  function onResolved(r: Alert) {
    queryClient.setQueryData<InfiniteData<TPage<Alert>, string | null>>(
      queryKey,
      (data) =>
        data && {
          ...data,
          pages: data.pages.map((p) => ({
            ...p,
            items: status === 'open' ? p.items.filter((x) => x.id !== r.id) : p.items.map((x) => (x.id === r.id ? r : x)),
          })),
        },
    );
  }

  return (
    <section className="card reg-alerts" aria-labelledby="alerts-title" data-testid="alerts-panel">
      <header className="reg-section__header">
        <h2 id="alerts-title">{t('regulator.alerts.title')}</h2>
        <LiveBadge status={live} />
      </header>
      <div className="filters filters--inline">
        <div className="field">
          <label className="field__label" htmlFor="alerts-status">
            {t('regulator.alerts.status')}
          </label>
          <select
            id="alerts-status"
            className="input"
            value={status}
            onChange={(e) => setStatus(e.target.value as StatusFilter)}
            data-testid="alerts-status"
          >
            <option value="open">{t('regulator.alerts.status.open')}</option>
            <option value="resolved">{t('regulator.alerts.status.resolved')}</option>
            <option value="">{t('common.all')}</option>
          </select>
        </div>
        <div className="field">
          <label className="field__label" htmlFor="alerts-kind">
            {t('regulator.alerts.kind')}
          </label>
          <select
            id="alerts-kind"
            className="input"
            value={kind}
            onChange={(e) => setKind(e.target.value)}
            data-testid="alerts-kind"
          >
            <option value="">{t('common.all')}</option>
            {ALERT_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(rk(`regulator.alert.kind.${k}`))}
              </option>
            ))}
          </select>
        </div>
      </div>
      {error && <p className="alert alert--error">{error}</p>}
      {items.length === 0 && !error && <p className="empty">{t('regulator.alerts.empty')}</p>}
      <ul className="reg-alerts__list" data-testid="alerts-list">
        {items.map((a) => (
          <AlertItem key={a.id} alert={a} fresh={fresh.has(a.id)} onResolved={onResolved} lang={lang} />
        ))}
      </ul>
      {cursor && (
        <button type="button" className="btn btn--secondary btn--small" onClick={() => void more()}>
          {t('regulator.alerts.more')}
        </button>
      )}
    </section>
  );
}

function AlertItem({
  alert: a,
  fresh,
  onResolved,
  lang,
}: {
  alert: Alert;
  fresh: boolean;
  onResolved: (a: Alert) => void;
  lang: 'zh-CN' | 'en';
}) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const resolveAlert = useResolveAlert();
  const tone =
    a.kind === 'price_rejected' || a.kind === 'weight_gap' || a.kind === 'load_rejected' || a.kind === 'red_party'
      ? 'danger'
      : 'warning';

  async function resolve() {
    setBusy(true);
    setError(null);
    try {
      onResolved(await resolveAlert.mutateAsync({ id: a.id, note: note.trim() }));
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className={`reg-alert${fresh ? ' row--fresh' : ''}`} data-testid="alert-item" data-kind={a.kind} data-status={a.status}>
      <div className="reg-alert__head">
        <span className={`badge badge--${a.status === 'resolved' ? 'muted' : tone}`}>
          {t(rk(`regulator.alert.kind.${a.kind}`))}
        </span>
        <span className="muted small">
          {a.district ? districtName(a.district, lang) : t('regulator.alerts.cityWide')} · {formatDateTime(a.createdAt, lang)}
        </span>
        {fresh && <span className="badge badge--info">{t('regulator.alerts.new')}</span>}
      </div>
      <p className="reg-alert__message" title={a.message} data-testid="alert-text">
        {alertText(a, t, lang) ?? a.message}
      </p>
      {a.status === 'resolved' ? (
        <p className="small muted" data-testid="alert-resolution">
          {t('regulator.alerts.resolvedBy', {
            name: a.resolvedBy?.name ?? '—',
            org: a.resolvedBy?.orgName ?? '',
            at: formatDateTime(a.resolvedAt, lang),
          })}
          ：{a.resolutionNote}
        </p>
      ) : open ? (
        <div className="reg-alert__resolve">
          <label className="field__label" htmlFor={`note-${a.id}`}>
            {t('regulator.alerts.note')}
          </label>
          <textarea
            id={`note-${a.id}`}
            className="input"
            rows={2}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            placeholder={t('regulator.alerts.notePlaceholder')}
            data-testid="alert-note"
          />
          {error && <p className="field__error">{error}</p>}
          <div className="form__actions">
            <button
              type="button"
              className="btn btn--primary btn--small"
              disabled={busy || note.trim().length < 2}
              onClick={() => void resolve()}
              data-testid="alert-confirm"
            >
              {busy ? t('common.submitting') : t('regulator.alerts.confirm')}
            </button>
            <button type="button" className="btn btn--ghost btn--small" onClick={() => setOpen(false)}>
              {t('regulator.alerts.cancel')}
            </button>
          </div>
        </div>
      ) : (
        <button type="button" className="btn btn--secondary btn--small" onClick={() => setOpen(true)} data-testid="alert-resolve">
          {t('regulator.alerts.resolve')}
        </button>
      )}
      {alertOrgId(a) && (
        <Link
          to={`/regulator/orgs/${alertOrgId(a)}?alert=${a.id}`}
          className="btn btn--ghost btn--small"
          data-testid="alert-sanction"
        >
          {t('sanc.fromAlert.link')}
        </Link>
      )}
    </li>
  );
}

/** The organisation an alert is about, when it names one (for recording a sanction from it). */
function alertOrgId(a: Alert): string | null {
  if (a.subjectType === 'org' && a.subjectId) return a.subjectId;
  for (const k of ['orgId', 'receiverOrgId', 'carrierOrgId'] as const) {
    const v = a.details[k];
    if (typeof v === 'string') return v;
  }
  return null;
}
