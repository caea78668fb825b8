import { Alert } from '../../../components/Alert';
import { useI18n } from '../../../i18n';

/** The catalogue's codes are from the 2021 list; the 2025 edition applies since 2025-01-01 (DESIGN §6.6). */
export function EditionNote() {
  const { t } = useI18n();
  return (
    <Alert tone="info" testId="edition-note">
      {t('catalogue.editionNote')}
    </Alert>
  );
}
