import { TextField } from '../../../components/FormField';
import { useI18n } from '../../../i18n';

export interface AccountDraft {
  name: string;
  email: string;
  password: string;
}

export const EMPTY_ACCOUNT: AccountDraft = { name: '', email: '', password: '' };

type Ids = Record<keyof AccountDraft, string>;

/**
 * A person's account: name, email and a new password. Sign-up asks them of the person signing up;
 * the admin's authority-organisation form asks them of the new organisation's owner, so the browser
 * must not fill in the admin's own (`forSomeoneElse`).
 */
export function AccountFields({
  ids,
  testIds,
  nameLabel,
  value,
  onChange,
  errors,
  forSomeoneElse = false,
}: {
  ids: Ids;
  testIds: Ids;
  nameLabel: string;
  value: AccountDraft;
  onChange(next: AccountDraft): void;
  errors: Partial<Record<keyof AccountDraft, string>>;
  forSomeoneElse?: boolean;
}) {
  const { t } = useI18n();
  const set = (k: keyof AccountDraft) => (v: string) => onChange({ ...value, [k]: v });
  return (
    <>
      <TextField
        id={ids.name}
        label={nameLabel}
        error={errors.name}
        required
        value={value.name}
        onChange={set('name')}
        autoComplete={forSomeoneElse ? 'off' : 'name'}
        testId={testIds.name}
      />
      <TextField
        id={ids.email}
        label={t('field.email')}
        error={errors.email}
        required
        type="email"
        value={value.email}
        onChange={set('email')}
        autoComplete={forSomeoneElse ? 'off' : 'email'}
        testId={testIds.email}
      />
      <TextField
        id={ids.password}
        label={t('field.password')}
        hint={t('field.password.hint')}
        error={errors.password}
        required
        type="password"
        value={value.password}
        onChange={set('password')}
        autoComplete="new-password"
        testId={testIds.password}
      />
    </>
  );
}
