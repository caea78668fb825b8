import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { Alert } from '../../components/Alert';
import { QueryState } from '../../components/QueryState';
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
  const setData = (m: Manifest) => queryClient.setQueryData(manifestKeys.detail(id), m);

  return (
    <div className="page" data-testid="manifest-page">
      <p className="back-link">
        <Link to="/manifests">← {t('manifest.back')}</Link>
      </p>
      <QueryState query={state} notFound={<Alert>{t('manifest.notFound')}</Alert>}>
        {(m) => (
          <>
            <ManifestDetail m={m} onChange={setData} />
            <TripDisputeOnManifest m={m} />
            <DocumentsPanel
              subjectType="manifest"
              subjectId={m.id}
              kinds={m.yourParts.includes('receiver') ? ['weighbridge_ticket', 'disposal_certificate', 'evidence'] : ['evidence']}
              canUpload={m.yourParts.length > 0}
              title={t('documents.manifest.title')}
            />
          </>
        )}
      </QueryState>
    </div>
  );
}
