import { useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert } from '../../components/Alert';
import { FormActions } from '../../components/FormActions';
import { TextField } from '../../components/FormField';
import { LoadError } from '../../components/LoadError';
import { useI18n, type MessageKey } from '../../i18n';
import { errorText } from '../../lib/errors';
import type { Me } from '../auth/api';
import { mapFieldErrors } from '../auth/fieldErrors';
import { memberKeys, membersApi, type Member } from './members';

const PATHS = ['email', 'password', 'name'] as const;

/** The org's members (issue 13 item 8): everyone sees the list; the owner adds and removes members. */
export function MembersPanel({ me }: { me: Me }) {
  const { t } = useI18n();
  const orgId = me.org!.id;
  const owner = me.user.orgRole === 'owner';
  const client = useQueryClient();
  const query = useQuery({ queryKey: memberKeys.list(orgId), queryFn: ({ signal }) => membersApi.list(orgId, signal) });
  const [notice, setNotice] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  async function remove(m: Member) {
    if (!window.confirm(t('members.remove.confirm', { name: m.name }))) return;
    setNotice(null);
    setProblem(null);
    try {
      await membersApi.remove(orgId, m.id);
      setNotice(t('members.removed', { name: m.name }));
      await client.invalidateQueries({ queryKey: memberKeys.list(orgId) });
    } catch (err) {
      setProblem(errorText(err, t));
    }
  }

  return (
    <section className="card" aria-labelledby="members-title" data-testid="members">
      <h2 id="members-title">{t('members.title')}</h2>
      <p className="muted small">{t('members.intro')}</p>
      {notice && (
        <Alert tone="info" testId="members-notice">
          {notice}
        </Alert>
      )}
      {problem && <Alert testId="members-error">{problem}</Alert>}
      {query.isError && <LoadError error={query.error} reload={() => void query.refetch()} />}
      {query.data && (
        <div className="table-scroll">
          <table className="table" data-testid="members-table">
            <thead>
              <tr>
                <th scope="col">{t('members.col.name')}</th>
                <th scope="col">{t('members.col.email')}</th>
                <th scope="col">{t('members.col.role')}</th>
                {owner && <th scope="col">{t('members.col.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {query.data.items.map((m) => (
                <tr key={m.id} data-testid="member-row">
                  <td data-label={t('members.col.name')}>
                    {m.name}
                    {m.id === me.user.id && t('members.you')}
                  </td>
                  <td data-label={t('members.col.email')} className="code">
                    {m.email}
                  </td>
                  <td data-label={t('members.col.role')}>{t(`org.orgRole.${m.orgRole}` as MessageKey)}</td>
                  {owner && (
                    <td data-label={t('members.col.actions')}>
                      {m.orgRole === 'member' && (
                        <button
                          type="button"
                          className="btn btn--secondary"
                          onClick={() => void remove(m)}
                          data-testid="member-remove"
                        >
                          {t('members.remove')}
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {owner && <AddMemberForm orgId={orgId} onAdded={(name) => setNotice(t('members.added', { name }))} />}
    </section>
  );
}

function AddMemberForm({ orgId, onAdded }: { orgId: string; onAdded: (name: string) => void }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    const local: Record<string, string> = {};
    if (!name.trim()) local.name = t('common.required');
    if (!email.trim()) local.email = t('common.required');
    if (password.length < 10) local.password = t('field.password.hint');
    setErrors(local);
    if (Object.keys(local).length) return;
    setSubmitting(true);
    try {
      const added = await membersApi.add(orgId, { name: name.trim(), email: email.trim(), password });
      setName('');
      setEmail('');
      setPassword('');
      onAdded(added.name);
      await client.invalidateQueries({ queryKey: memberKeys.list(orgId) });
    } catch (err) {
      const { byPath, rest } = mapFieldErrors(err, PATHS, t);
      // The server's field messages are English: each field gets our sentence for the code.
      const ours = Object.fromEntries(Object.keys(byPath).map((k) => [k, errorText(err, t)]));
      setErrors(ours);
      if (!Object.keys(byPath).length || rest.length) setFormError(errorText(err, t));
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <form className="form" onSubmit={onSubmit} noValidate data-testid="member-add-form" aria-labelledby="member-add-title">
      <h3 id="member-add-title">{t('members.add.title')}</h3>
      {formError && <Alert testId="member-add-error">{formError}</Alert>}
      <TextField
        id="member-name"
        label={t('field.userName')}
        error={errors.name}
        required
        value={name}
        onChange={setName}
        autoComplete="off"
        testId="member-name"
      />
      <TextField
        id="member-email"
        label={t('field.email')}
        error={errors.email}
        required
        type="email"
        value={email}
        onChange={setEmail}
        autoComplete="off"
        testId="member-email"
      />
      <TextField
        id="member-password"
        label={t('field.password')}
        hint={t('field.password.hint')}
        error={errors.password}
        required
        type="password"
        value={password}
        onChange={setPassword}
        autoComplete="new-password"
        testId="member-password"
      />
      <FormActions submitting={submitting} label={t('members.add.submit')} testId="member-add-submit" />
    </form>
  );
}
