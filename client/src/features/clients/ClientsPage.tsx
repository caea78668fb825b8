import { useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert } from '../../components/Alert';
import { QueryState } from '../../components/QueryState';
import { FormActions } from '../../components/FormActions';
import { TextField } from '../../components/FormField';
import { useI18n } from '../../i18n';
import { api } from '../../lib/api';
import { errorText } from '../../lib/errors';
import { formatDateTime } from '../../lib/units';
import { RequireAdmin } from '../admin/RequireAdmin';
import { CLIENT_SCOPES, type TClient, type TClientWithSecret } from '../../../../shared/src/schemas/clients.js';

const clientsKey = ['admin', 'clients'] as const;

/**
 * The admin registers, rotates and revokes machine clients (issue 14; POST /admin/clients, ADR 0020).
 * A secret is shown once, right after registering or rotating; the exchange keeps only its hash.
 */
export function ClientsPage() {
  return <RequireAdmin>{() => <Clients />}</RequireAdmin>;
}

function Clients() {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const list = useQuery({
    queryKey: clientsKey,
    queryFn: ({ signal }) => api.get<{ items: TClient[] }>('/admin/clients', { signal }),
  });
  const [secret, setSecret] = useState<{ name: string; id: string; secret: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function act(run: () => Promise<TClient | TClientWithSecret>) {
    setError(null);
    try {
      const r = await run();
      if ('clientSecret' in r) setSecret({ name: r.name, id: r.id, secret: r.clientSecret });
      await queryClient.invalidateQueries({ queryKey: clientsKey });
    } catch (err) {
      setError(errorText(err, t));
    }
  }

  return (
    <div className="page" data-testid="clients-page">
      <header className="page__header">
        <h1>{t('clients.title')}</h1>
        <p className="page__lead">{t('clients.intro')}</p>
      </header>
      {secret && (
        <Alert tone="info" testId="client-secret">
          <p>{t('clients.secretOnce', { name: secret.name })}</p>
          <p>
            {t('clients.id')}: <code className="code">{secret.id}</code>
          </p>
          <p>
            {t('clients.secret')}:{' '}
            <code className="code" data-testid="client-secret-value">
              {secret.secret}
            </code>
          </p>
        </Alert>
      )}
      {error && <Alert testId="clients-error">{error}</Alert>}
      <RegisterClient onDone={(run) => act(run)} />
      <section className="card">
        <h2>{t('clients.list')}</h2>
        <QueryState
          query={list}
          isEmpty={(d) => d.items.length === 0}
          empty={<p data-testid="clients-empty">{t('clients.empty')}</p>}
        >
          {(data) => (
            <table className="table" data-testid="clients-table">
              <thead>
                <tr>
                  <th>{t('clients.name')}</th>
                  <th>{t('clients.scopes')}</th>
                  <th>{t('clients.created')}</th>
                  <th>{t('clients.status')}</th>
                  <th>{t('clients.action')}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((c) => (
                  <tr key={c.id} data-testid="client-row">
                    <td data-label={t('clients.name')}>
                      {c.name}
                      <div className="code small muted">{c.id}</div>
                    </td>
                    <td data-label={t('clients.scopes')} className="small">
                      {c.scopes.join(' ')}
                    </td>
                    <td data-label={t('clients.created')}>{formatDateTime(c.createdAt, lang)}</td>
                    <td data-label={t('clients.status')}>
                      {c.revokedAt
                        ? t('clients.revoked')
                        : c.previousValidUntil && new Date(c.previousValidUntil) > new Date()
                          ? t('clients.overlap', { until: formatDateTime(c.previousValidUntil, lang) })
                          : t('clients.active')}
                    </td>
                    <td data-label={t('clients.action')}>
                      {!c.revokedAt && (
                        <div className="input-group">
                          <button
                            type="button"
                            className="btn btn--small btn--secondary"
                            data-testid="client-rotate"
                            onClick={() =>
                              void act(() =>
                                api.post<TClientWithSecret>(`/admin/clients/${c.id}/rotate`, { overlapSeconds: 86_400 }),
                              )
                            }
                          >
                            {t('clients.rotate')}
                          </button>
                          <button
                            type="button"
                            className="btn btn--small btn--danger"
                            data-testid="client-revoke"
                            onClick={() => {
                              if (window.confirm(t('clients.revokeConfirm', { name: c.name })))
                                void act(() => api.post<TClient>(`/admin/clients/${c.id}/revoke`, {}));
                            }}
                          >
                            {t('clients.revoke')}
                          </button>
                        </div>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryState>
      </section>
    </div>
  );
}

function RegisterClient({ onDone }: { onDone(run: () => Promise<TClientWithSecret>): Promise<void> }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>([]);
  const [orgId, setOrgId] = useState('');
  const [submitting, setSubmitting] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!name.trim() || scopes.length === 0) return;
    setSubmitting(true);
    await onDone(() =>
      api.post<TClientWithSecret>('/admin/clients', {
        name: name.trim(),
        scopes,
        ...(orgId.trim() ? { orgId: orgId.trim() } : {}),
      }),
    );
    setSubmitting(false);
    setName('');
    setScopes([]);
    setOrgId('');
  }

  return (
    <section className="card">
      <h2>{t('clients.register')}</h2>
      <form className="form" onSubmit={(e) => void submit(e)} noValidate data-testid="client-form">
        <TextField id="client-name" label={t('clients.name')} required value={name} onChange={setName} testId="client-name" />
        <fieldset className="field">
          <legend className="field__label">{t('clients.scopes')}</legend>
          {CLIENT_SCOPES.map((s) => (
            <label key={s} className="checkbox">
              <input
                type="checkbox"
                checked={scopes.includes(s)}
                onChange={(e) => setScopes(e.target.checked ? [...scopes, s] : scopes.filter((x) => x !== s))}
                data-testid={`client-scope-${s}`}
              />{' '}
              <code className="code small">{s}</code>
            </label>
          ))}
        </fieldset>
        <TextField
          id="client-org"
          label={t('clients.orgId')}
          hint={t('clients.orgIdHint')}
          value={orgId}
          onChange={setOrgId}
          testId="client-org"
        />
        <FormActions submitting={submitting} label={t('clients.submit')} testId="client-submit" />
      </form>
    </section>
  );
}
