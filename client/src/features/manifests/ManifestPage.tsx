import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { Alert } from '../../components/Alert';
import { LoadError } from '../../components/LoadError';
import { useI18n } from '../../i18n';
import { RequireSignIn } from '../auth/components/RequireSignIn';
import { manifestKeys, manifestsApi, type Manifest } from './api';
import { ManifestDetail } from './components/ManifestDetail';
import { DocumentsPanel } from '../documents/DocumentsPanel';
import { TripDisputeOnManifest } from '../disputes/DisputePanel';
import './manifests.css';

/** /manifests/:id — one trip's manifest for its shipper, carrier, receiver or a regulator in scope. */
export function ManifestPage() {
  return <RequireSignIn>{() => <ManifestView />}</RequireSignIn>;
}

function ManifestView() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  // manifest.updated in the org's room refetches it (realtime/invalidation.ts).
  const state = useQuery({ queryKey: manifestKeys.detail(id), queryFn: ({ signal }) => manifestsApi.get(id, signal) });
  const reload = () => void state.refetch();
  const setData = (m: Manifest) => queryClient.setQueryData(manifestKeys.detail(id), m);

  return (
    <div className="page" data-testid="manifest-page">
      <p className="back-link">
        <Link to="/manifests">← {t('manifest.back')}</Link>
      </p>
      {state.isPending && <p role="status">{t('common.loading')}</p>}
      {state.isError && <LoadError error={state.error} reload={reload} notFound={<Alert>{t('manifest.notFound')}</Alert>} />}
      {state.isSuccess && <ManifestDetail m={state.data} onChange={setData} />}
      {state.isSuccess && <TripDisputeOnManifest m={state.data} />}
      {state.isSuccess && (
        <DocumentsPanel
          subjectType="manifest"
          subjectId={state.data.id}
          kinds={
            state.data.yourParts.includes('receiver') ? ['weighbridge_ticket', 'disposal_certificate', 'evidence'] : ['evidence']
          }
          canUpload={state.data.yourParts.length > 0}
          title={t('documents.manifest.title')}
        />
      )}
    </div>
  );
}
