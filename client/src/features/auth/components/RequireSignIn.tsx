import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useI18n } from '../../../i18n';
import type { Me } from '../api';
import { useSession } from '../session';

/** Renders its children for a signed-in user; sends anyone else to sign in and back here after. */
export function RequireSignIn({ children }: { children: (me: Me) => ReactNode }) {
  const { t } = useI18n();
  const { session } = useSession();
  const location = useLocation();
  if (session.status === 'loading') return <p role="status">{t('common.loading')}</p>;
  if (session.status === 'signedOut')
    return <Navigate to={`/signin?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return <>{children(session.me)}</>;
}
