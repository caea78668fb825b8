import { Link, useParams } from 'react-router';
import { Alert } from '../../components/Alert';
import { LoadError } from '../../components/LoadError';
import { useI18n } from '../../i18n';
import { useResource } from '../../lib/useResource';
import { RequireSignIn } from '../auth/components/RequireSignIn';
import { useLive } from '../realtime/LiveFeed';
import { manifestsApi } from './api';
import { ManifestDetail } from './components/ManifestDetail';
import './manifests.css';

/** /manifests/:id — one trip's manifest for its shipper, carrier, receiver or a regulator in scope. */
export function ManifestPage() {
  return <RequireSignIn>{() => <ManifestView />}</RequireSignIn>;
}

function ManifestView() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const { state, reload, setData } = useResource((signal) => manifestsApi.get(id, signal), [id]);

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
      {state.status === 'error' && <LoadError error={state.error} reload={reload} notFound={<Alert>{t('manifest.notFound')}</Alert>} />}
      {state.status === 'ready' && <ManifestDetail m={state.data} onChange={setData} />}
    </div>
  );
}
