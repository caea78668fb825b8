import { useState, type FormEvent } from 'react';
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { Alert } from '../../components/Alert';
import { Badge, type BadgeTone } from '../../components/Badge';
import { CreditChip } from '../../components/CreditChip';
import { FilterSelect } from '../../components/Filters';
import { FormField } from '../../components/FormField';
import { ErrorAlert } from '../../components/LoadError';
import { PagedListError, PagedListFooter } from '../../components/PagedListChrome';
import { useI18n, type MessageKey } from '../../i18n';
import { ApiError } from '../../lib/api';
import { fieldErrorFor } from '../../lib/fieldErrors';
import { formatDateTime } from '../../lib/units';
import { usePagedQuery } from '../../lib/query';
import type { Me } from '../auth/api';
import { RequireSignIn } from '../auth/components/RequireSignIn';
import {
  creditApi,
  creditKeys,
  DELIVERY_STATUSES,
  useSubscribe,
  useUnsubscribe,
  type Delivery,
  type DeliveryStatus,
  type Subscription,
} from './api';
import type { TCreditFeedEvent } from '../../../../shared/src/schemas/credit.js';
import './credit.css';

const STATUS_TONE: Record<DeliveryStatus, BadgeTone> = {
  pending: 'warning',
  delivered: 'success',
  dead: 'danger',
  cancelled: 'muted',
};

/** Credit agencies: webhook subscriptions and their deliveries; credit agencies and regulators: the feed. */
export function CreditAgencyPage() {
  return <RequireSignIn>{(me) => <Agency me={me} />}</RequireSignIn>;
}

function Agency({ me }: { me: Me }) {
  const { t } = useI18n();
  const isAgency = me.roles.includes('credit_agency');
  const readsFeed = isAgency || me.roles.includes('regulator');
  return (
    <div className="page credit-page" data-testid="credit-agency-page">
      <header className="page__header">
        <p className="eyebrow">{t('creditPage.eyebrow')}</p>
        <h1>{t('creditAgency.title')}</h1>
        <p className="page__lead">{t('creditAgency.lead')}</p>
      </header>
      {!readsFeed && <Alert tone="info">{t('creditAgency.onlyAuthorities')}</Alert>}
      {isAgency && <Subscriptions />}
      {readsFeed && <Feed />}
    </div>
  );
}

function randomSecret(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function Subscriptions() {
  const { t, lang } = useI18n();
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [formError, setFormError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [selected, setSelected] = useState<string>('');
  const [status, setStatus] = useState<DeliveryStatus | ''>('');

  const queryClient = useQueryClient();
  const subscribe = useSubscribe();
  const unsubscribe = useUnsubscribe();
  const subsQuery = useQuery({ queryKey: creditKeys.subscriptions(), queryFn: ({ signal }) => creditApi.subscriptions(signal) });
  const subs = {
    status: subsQuery.isPending ? 'loading' : subsQuery.isError ? 'error' : 'ready',
    items: subsQuery.data?.items ?? ([] as Subscription[]),
    error: subsQuery.error,
  };

  const deliveriesQuery = { ...(selected ? { subscriptionId: selected } : {}), ...(status ? { status } : {}) };
  const deliveries = usePagedQuery<Delivery>({
    queryKey: creditKeys.deliveries(deliveriesQuery),
    label: JSON.stringify(deliveriesQuery),
    fetchPage: (cursor, signal) => creditApi.deliveries(deliveriesQuery, cursor, signal),
  });
  /** The subscriptions and their deliveries, read again. */
  const reload = () => {
    void queryClient.invalidateQueries({ queryKey: creditKeys.subscriptions() });
    void queryClient.invalidateQueries({ queryKey: ['credit', 'deliveries'] });
  };

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setSaving(true);
    setFormError(null);
    try {
      await subscribe.mutateAsync({ url: url.trim(), secret });
      setUrl('');
      setSecret('');
    } catch (err) {
      setFormError(err);
    } finally {
      setSaving(false);
    }
  }

  async function onDelete(id: string) {
    setConfirming(null);
    try {
      await unsubscribe.mutateAsync(id);
    } catch {
      // The list, read again, shows whether it is gone.
      reload();
    }
  }

  const field = (path: string) => (formError instanceof ApiError ? fieldErrorFor(formError, path, t) : undefined);
  const active = subs.items.filter((s) => s.status === 'active');

  return (
    <>
      <section className="card" aria-labelledby="subs-new-title">
        <h2 id="subs-new-title">{t('creditAgency.new')}</h2>
        <form className="form credit-subscribe" onSubmit={onSubmit} noValidate data-testid="subscribe-form">
          <FormField id="sub-url" label={t('creditAgency.url')} hint={t('creditAgency.url.hint')} error={field('url')} required>
            {(c) => (
              <input
                {...c}
                className="input"
                type="url"
                value={url}
                onChange={(e) => setUrl(e.target.value)}
                placeholder="https://"
                data-testid="subscribe-url"
              />
            )}
          </FormField>
          <FormField
            id="sub-secret"
            label={t('creditAgency.secret')}
            hint={t('creditAgency.secret.hint')}
            error={field('secret')}
            required
          >
            {(c) => (
              <div className="credit-secret">
                <input
                  {...c}
                  className="input code"
                  value={secret}
                  onChange={(e) => setSecret(e.target.value)}
                  autoComplete="off"
                  data-testid="subscribe-secret"
                />
                <button type="button" className="btn btn--secondary btn--small" onClick={() => setSecret(randomSecret())}>
                  {t('creditAgency.secret.generate')}
                </button>
              </div>
            )}
          </FormField>
          {formError !== null && !(formError instanceof ApiError && formError.fields.length > 0) && (
            <ErrorAlert error={formError} />
          )}
          <button type="submit" className="btn btn--primary" disabled={saving} data-testid="subscribe-submit">
            {saving ? t('common.submitting') : t('creditAgency.subscribe')}
          </button>
        </form>
        <p className="muted small">{t('creditAgency.verify')}</p>
      </section>

      <section className="card" aria-labelledby="subs-title">
        <h2 id="subs-title">{t('creditAgency.subscriptions')}</h2>
        {subs.status === 'loading' && <p role="status">{t('common.loading')}</p>}
        {subs.status === 'error' && <ErrorAlert error={subs.error} />}
        {subs.status === 'ready' && subs.items.length === 0 && <p className="muted">{t('creditAgency.subscriptions.none')}</p>}
        {subs.items.length > 0 && (
          <table className="table table--compact" data-testid="subscriptions">
            <thead>
              <tr>
                <th scope="col">{t('creditAgency.url')}</th>
                <th scope="col">{t('creditAgency.col.status')}</th>
                <th scope="col">{t('creditAgency.col.deliveries')}</th>
                <th scope="col">{t('creditAgency.col.last')}</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {subs.items.map((s) => (
                <tr key={s.id} data-testid="subscription-row" data-status={s.status}>
                  <td className="code credit-url">{s.url}</td>
                  <td>
                    <Badge tone={s.status === 'active' ? 'success' : 'muted'}>
                      {t(`creditAgency.sub.${s.status}` as MessageKey)}
                    </Badge>
                  </td>
                  <td className="small">
                    {t('creditAgency.counts', {
                      delivered: s.deliveries.delivered,
                      pending: s.deliveries.pending,
                      dead: s.deliveries.dead,
                    })}
                  </td>
                  <td className="small">{formatDateTime(s.lastDeliveryAt, lang)}</td>
                  <td>
                    {s.status === 'active' &&
                      (confirming === s.id ? (
                        <span className="confirm">
                          <button
                            type="button"
                            className="btn btn--danger btn--small"
                            onClick={() => onDelete(s.id)}
                            data-testid="unsubscribe-yes"
                          >
                            {t('creditAgency.delete.yes')}
                          </button>{' '}
                          <button type="button" className="btn btn--ghost btn--small" onClick={() => setConfirming(null)}>
                            {t('owner.cancel.no')}
                          </button>
                        </span>
                      ) : (
                        <button
                          type="button"
                          className="btn btn--secondary btn--small"
                          onClick={() => setConfirming(s.id)}
                          data-testid="unsubscribe"
                        >
                          {t('creditAgency.delete')}
                        </button>
                      ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="card" aria-labelledby="deliveries-title">
        <h2 id="deliveries-title">{t('creditAgency.deliveries')}</h2>
        <div className="filters filters--inline">
          <FilterSelect id="deliveries-sub" label={t('creditAgency.subscriptions')} value={selected} onChange={setSelected}>
            <option value="">{t('common.all')}</option>
            {subs.items.map((s) => (
              <option key={s.id} value={s.id}>
                {s.url}
                {s.status === 'deleted' ? ` (${t('creditAgency.sub.deleted')})` : ''}
              </option>
            ))}
          </FilterSelect>
          <FilterSelect
            id="deliveries-status"
            label={t('creditAgency.col.status')}
            value={status}
            onChange={(value) => setStatus(value as DeliveryStatus | '')}
            testId="deliveries-status"
          >
            <option value="">{t('common.all')}</option>
            {DELIVERY_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`creditAgency.delivery.${s}` as MessageKey)}
              </option>
            ))}
          </FilterSelect>
          <button type="button" className="btn btn--secondary btn--small" onClick={reload}>
            {t('creditAgency.refresh')}
          </button>
        </div>
        <PagedListError state={deliveries.state} onRetry={deliveries.reload} />
        {deliveries.state.items.length === 0 && deliveries.state.status === 'ready' ? (
          <p className="muted">{active.length ? t('creditAgency.deliveries.none') : t('creditAgency.deliveries.noSubs')}</p>
        ) : (
          <table className="table table--compact" data-testid="deliveries">
            <thead>
              <tr>
                <th scope="col">{t('creditAgency.col.event')}</th>
                <th scope="col">{t('creditAgency.col.status')}</th>
                <th scope="col">{t('creditAgency.col.attempts')}</th>
                <th scope="col">{t('creditAgency.col.answer')}</th>
                <th scope="col">{t('creditAgency.col.when')}</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.state.items.map((d) => (
                <tr key={d.id} data-testid="delivery-row" data-status={d.status}>
                  <td>
                    <span className="code small" title={d.eventId}>
                      {d.eventId.slice(0, 8)}
                    </span>
                    <div className="small">
                      <Link to={`/credit/${d.orgId}`}>{t('creditAgency.viewOrg')}</Link>
                    </div>
                  </td>
                  <td>
                    <Badge tone={STATUS_TONE[d.status]}>{t(`creditAgency.delivery.${d.status}` as MessageKey)}</Badge>
                  </td>
                  <td>
                    {d.attempts} / {d.maxAttempts}
                  </td>
                  <td className="small">
                    {d.lastStatusCode ?? '—'}
                    {d.lastError && <div className="muted credit-error">{d.lastError}</div>}
                  </td>
                  <td className="small">
                    {d.status === 'delivered'
                      ? formatDateTime(d.deliveredAt, lang)
                      : d.status === 'pending' && d.nextAttemptAt
                        ? t('creditAgency.nextAttempt', { at: formatDateTime(d.nextAttemptAt, lang) })
                        : formatDateTime(d.createdAt, lang)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <PagedListFooter state={deliveries.state} busy={deliveries.busy} onMore={deliveries.loadMore} testId="deliveries-more" />
      </section>
    </>
  );
}

/** The feed in order, paged forward with `after`, as a consumer would read it. */
function Feed() {
  const { t, lang } = useI18n();
  // Paged forward: "more" and "poll" both read from the last position, so the next page is always asked for.
  const query = useInfiniteQuery({
    queryKey: creditKeys.feed(),
    queryFn: ({ pageParam, signal }) => creditApi.feed(pageParam.after, 50, signal),
    initialPageParam: { after: null as string | null },
    getNextPageParam: (page) => ({ after: page.after }),
  });
  const items: TCreditFeedEvent[] = (query.data?.pages ?? []).flatMap((p) => p.items);
  const more = query.data?.pages.at(-1)?.hasMore ?? false;
  const status = query.isFetching ? 'loading' : query.isError ? 'error' : 'ready';
  const error = query.error;
  const next = () => void query.fetchNextPage();

  return (
    <section className="card" aria-labelledby="feed-title">
      <h2 id="feed-title">{t('creditAgency.feed')}</h2>
      <p className="muted small">{t('creditAgency.feed.lead')}</p>
      {status === 'error' && <ErrorAlert error={error} />}
      {status === 'ready' && items.length === 0 && <p className="muted">{t('creditAgency.feed.none')}</p>}
      {items.length > 0 && (
        <table className="table table--compact" data-testid="credit-feed">
          <thead>
            <tr>
              <th scope="col">{t('creditAgency.col.org')}</th>
              <th scope="col">{t('creditAgency.col.seq')}</th>
              <th scope="col">{t('creditPage.history.score')}</th>
              <th scope="col">{t('creditPage.history.level')}</th>
              <th scope="col">{t('creditAgency.col.when')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.eventId} data-testid="feed-row">
                <td>
                  <Link to={`/credit/${e.orgId}`}>{e.orgName}</Link>
                  <div className="code small muted">{e.uscc}</div>
                </td>
                <td>#{e.seq}</td>
                <td>
                  {e.previousScore} → <strong>{e.score}</strong>
                </td>
                <td>
                  <CreditChip level={e.level} />
                </td>
                <td className="small">{formatDateTime(e.computedAt, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="list-footer">
        {more && (
          <button type="button" className="btn btn--secondary btn--small" onClick={next} disabled={status === 'loading'}>
            {t('creditAgency.feed.more')}
          </button>
        )}
        {!more && status === 'ready' && (
          <button type="button" className="btn btn--ghost btn--small" onClick={next}>
            {t('creditAgency.feed.poll')}
          </button>
        )}
      </div>
    </section>
  );
}
