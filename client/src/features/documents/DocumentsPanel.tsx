import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { Alert } from '../../components/Alert';
import { QueryState } from '../../components/QueryState';
import { useI18n, type MessageKey, type TFunction } from '../../i18n';
import { ApiError } from '../../lib/api';
import { errorText } from '../../lib/errors';
import { formatDateTime } from '../../lib/units';
import './documents.css';
import { documentsApi, useDocuments, type Doc, type DocKind, type SubjectType } from './api';

const MAX_BYTES_HINT = '10 MB';

export const kindLabel = (t: TFunction, k: string) => t(`documents.kind.${k}` as MessageKey);

/** The upload's problem in the reader's language (type and size have wording of our own). */
export function uploadProblem(err: unknown, t: TFunction): string {
  if (err instanceof ApiError && err.code === 'UNSUPPORTED_MEDIA_TYPE') return t('documents.error.type');
  if (err instanceof ApiError && err.code === 'PAYLOAD_TOO_LARGE') return t('documents.error.size', { max: MAX_BYTES_HINT });
  return errorText(err, t);
}

/** A document's size in words. */
function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} kB`;
}

/** The list of a record's documents with their SHA-256, and (for those who may) the upload form. */
export function DocumentsPanel({
  subjectType,
  subjectId,
  kinds,
  canUpload,
  title,
  onUploaded,
}: {
  subjectType: SubjectType;
  subjectId: string;
  kinds: readonly DocKind[];
  canUpload: boolean;
  title?: string;
  onUploaded?(doc: Doc): void;
}) {
  const { t, lang } = useI18n();
  const docs = useDocuments(subjectType, subjectId);
  const client = useQueryClient();
  const [kind, setKind] = useState<DocKind>(kinds[0]!);
  const [problem, setProblem] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const file = useRef<HTMLInputElement>(null);
  const headingId = `docs-${subjectType}-${subjectId}`;

  async function upload(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    const f = file.current?.files?.[0];
    if (!f) {
      setProblem(new Error(t('documents.chooseFile')));
      return;
    }
    setBusy(true);
    try {
      const doc = await documentsApi.upload(subjectType, subjectId, kind, f);
      if (file.current) file.current.value = '';
      await client.invalidateQueries({ queryKey: ['documents'] });
      await client.invalidateQueries({ queryKey: ['manifests'] });
      onUploaded?.(doc);
    } catch (err) {
      setProblem(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card documents" aria-labelledby={headingId} data-testid={`documents-${subjectType}`}>
      <h2 id={headingId}>{title ?? t('documents.title')}</h2>
      <QueryState query={docs} isEmpty={(d) => d.items.length === 0} empty={<p className="muted">{t('documents.none')}</p>}>
        {(data) => (
          <ul className="documents__list" data-testid="documents-list">
            {data.items.map((d) => (
              <li key={d.id} data-testid="document-item" data-kind={d.kind} data-sha256={d.sha256}>
                <button type="button" className="btn btn--link" onClick={() => void documentsApi.open(d).catch(setProblem)}>
                  {kindLabel(t, d.kind)}: {d.filename ?? d.id.slice(0, 8)}
                </button>{' '}
                <span className="muted small">
                  {d.contentType === 'application/pdf' ? 'PDF' : d.contentType === 'image/png' ? 'PNG' : 'JPEG'} ·{' '}
                  {size(d.sizeBytes)} · {formatDateTime(d.createdAt, lang)}
                </span>
                <div className="small">
                  SHA-256{' '}
                  <code className="code documents__hash" data-testid="document-hash">
                    {d.sha256}
                  </code>
                  {d.chainSeq !== null && <span className="muted"> · {t('documents.inChain', { seq: d.chainSeq })}</span>}
                </div>
              </li>
            ))}
          </ul>
        )}
      </QueryState>
      {canUpload && (
        <form className="form documents__form" onSubmit={(e) => void upload(e)} data-testid={`documents-form-${subjectType}`}>
          {kinds.length > 1 && (
            <label className="field">
              <span>{t('documents.kind')}</span>
              <select value={kind} onChange={(e) => setKind(e.target.value as DocKind)} data-testid="document-kind">
                {kinds.map((k) => (
                  <option key={k} value={k}>
                    {kindLabel(t, k)}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label className="field">
            <span>{t('documents.file', { max: MAX_BYTES_HINT })}</span>
            <input
              ref={file}
              type="file"
              accept="application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
              data-testid="document-file"
            />
          </label>
          {problem != null && <Alert testId="document-problem">{uploadProblem(problem, t)}</Alert>}
          <div className="form__actions">
            <button type="submit" className="btn" disabled={busy} data-testid="document-upload">
              {busy ? t('common.submitting') : t('documents.upload')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
