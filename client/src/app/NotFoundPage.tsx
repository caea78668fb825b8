import { Link } from 'react-router';
import { useI18n } from '../i18n';

export function NotFoundPage() {
  const { t } = useI18n();
  return (
    <div className="page page--narrow" data-testid="not-found">
      <h1>{t('notFound.title')}</h1>
      <p>{t('notFound.body')}</p>
      <p>
        <Link to="/catalog" className="btn btn--primary">
          {t('notFound.back')}
        </Link>
      </p>
    </div>
  );
}
