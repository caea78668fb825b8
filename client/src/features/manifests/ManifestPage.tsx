import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Alert } from '../../components/Alert';
import { useI18n } from '../../i18n';
import { ApiError } from '../../lib/api';
import { errorText } from '../../lib/errors';
import { RequireSignIn } from '../auth/components/RequireSignIn';
import { useLive } from '../realtime/LiveFeed';
import { manifestsApi, type Manifest } from './api';
import { ManifestDetail } from './components/ManifestDetail';
import './manifests.css';

type State = { status: 'loading' } | { status: 'ready'; m: Manifest } | { status: 'error'; error: unknown };

/** /manifests/:id — one trip's manifest for its shipper, carrier, receiver or a regulator in scope. */
export function ManifestPage() {
  return <RequireSignIn>{() => <ManifestView />}</RequireSignIn>;
}

function ManifestView() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const [state, setState] = useState<State>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);

  useEffect(() => {
    const controller = new AbortController();
    manifestsApi
      .get(id, controller.signal)
      .then((m) => setState({ status: 'ready', m }))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setState({ status: 'error', error });
      });
    return () => controller.abort();
  }, [id, attempt]);

  useLive({
    accept: (e) => e.type === 'manifest.updated' && (e as { manifestId?: string }).manifestId === id,
    onEvent: reload,
    onResync: reload,
  });

  return (
    <div className="page" data-testid="manifest-page">
      <p className="back-link">
        <Link to="/manifests">← {t('manifest.back')}</Link>
      </p>
      {state.status === 'loading' && <p role="status">{t('common.loading')}</p>}
      {state.status === 'error' &&
        (state.error instanceof ApiError && (state.error.code === 'NOT_FOUND' || state.error.code === 'VALIDATION_FAILED') ? (
          <Alert>{t('manifest.notFound')}</Alert>
        ) : (
          <Alert>
            {t('common.errorPrefix')}
            {errorText(state.error, t)}{' '}
            <button type="button" className="btn btn--link" onClick={reload}>
              {t('common.retry')}
            </button>
          </Alert>
        ))}
      {state.status === 'ready' && <ManifestDetail m={state.m} onChange={(m) => setState({ status: 'ready', m })} />}
    </div>
  );
}
