import { useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert } from '../../components/Alert';
import { FormActions } from '../../components/FormActions';
import { QueryState } from '../../components/QueryState';
import { useI18n, type MessageKey } from '../../i18n';
import { errorText } from '../../lib/errors';
import type { Me } from '../auth/api';
import { AccountFields, EMPTY_ACCOUNT, type AccountDraft } from '../auth/components/AccountFields';
import { useFieldForm } from '../../lib/useFieldForm';
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
      <QueryState query={query}>
        {(data) => (
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
                {data.items.map((m) => (
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
      </QueryState>
      {owner && <AddMemberForm orgId={orgId} onAdded={(name) => setNotice(t('members.added', { name }))} />}
    </section>
  );
}

function AddMemberForm({ orgId, onAdded }: { orgId: string; onAdded: (name: string) => void }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const [account, setAccount] = useState<AccountDraft>(EMPTY_ACCOUNT);
  const { name, email, password } = account;
  const { errors, problemText, busy, submit } = useFieldForm(PATHS);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const local: Record<string, string> = {};
    if (!name.trim()) local.name = t('common.required');
    if (!email.trim()) local.email = t('common.required');
    if (password.length < 10) local.password = t('field.password.hint');
    await submit(local, async () => {
      const added = await membersApi.add(orgId, { name: name.trim(), email: email.trim(), password });
      setAccount(EMPTY_ACCOUNT);
      onAdded(added.name);
      await client.invalidateQueries({ queryKey: memberKeys.list(orgId) });
    });
  }

  return (
    <form className="form" onSubmit={onSubmit} noValidate data-testid="member-add-form" aria-labelledby="member-add-title">
      <h3 id="member-add-title">{t('members.add.title')}</h3>
      {problemText && <Alert testId="member-add-error">{problemText}</Alert>}
      <AccountFields
        ids={{ name: 'member-name', email: 'member-email', password: 'member-password' }}
        testIds={{ name: 'member-name', email: 'member-email', password: 'member-password' }}
        nameLabel={t('field.userName')}
        value={account}
        onChange={setAccount}
        errors={errors}
        forSomeoneElse
      />
      <FormActions submitting={busy} label={t('members.add.submit')} testId="member-add-submit" />
    </form>
  );
}
