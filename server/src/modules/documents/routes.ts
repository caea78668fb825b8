import { route } from '../../http/route.js';
import { ZIdParams } from '../../../../shared/src/schemas/common.js';
import {
  DOCUMENT_TYPES,
  ZDocument,
  ZDocumentList,
  ZDocumentSubjectQuery,
  ZEvidence,
  ZEvidenceNote,
  ZEvidenceRequest,
  ZUploadDocumentQuery,
} from '../../../../shared/src/schemas/documents.js';
import type { Config } from '../../config.js';
import type { DocumentsService } from './service.js';

export function documentsRoutes({
  documents,
  config,
}: {
  documents: DocumentsService;
  config: Pick<Config, 'DOCUMENT_MAX_BYTES'>;
}) {
  return [
    route({
      key: 'POST /documents',
      summary:
        "Upload a PDF, JPEG or PNG for a listing (lab report), a trip (weighbridge ticket, disposal certificate) or a disputed trade (evidence); the body is the file's bytes",
      tags: ['documents'],
      query: ZUploadDocumentQuery,
      rawBody: { types: DOCUMENT_TYPES, limit: config.DOCUMENT_MAX_BYTES },
      response: ZDocument,
      status: 201,
      handle: ({ actor, query, body }) => documents.upload(actor, query, body as unknown as Buffer),
    }),
    route({
      key: 'GET /documents',
      summary: "A record's documents with their SHA-256 (and, on a trip, the chain event that carries it)",
      tags: ['documents'],
      query: ZDocumentSubjectQuery,
      response: ZDocumentList,
      handle: ({ actor, query }) => documents.list(actor, query),
    }),
    route({
      key: 'GET /documents/:id',
      summary: "A document's bytes, to whoever may read its record",
      tags: ['documents'],
      params: ZIdParams,
      raw: true,
      handle: async ({ actor, params, res }) => {
        const doc = await documents.download(actor, params.id);
        res.setHeader('Content-Type', doc.contentType);
        const ext = doc.contentType === 'application/pdf' ? 'pdf' : doc.contentType === 'image/png' ? 'png' : 'jpg';
        res.setHeader('Content-Disposition', `inline; filename="${doc.kind}-${doc.id.slice(0, 8)}.${ext}"`);
        res.setHeader('X-Content-Type-Options', 'nosniff');
        res.setHeader('Cache-Control', 'private, no-store');
        res.setHeader('Digest', `sha-256=${Buffer.from(doc.sha256, 'hex').toString('base64')}`);
        res.status(200).send(doc.bytes);
      },
    }),
    route({
      key: 'GET /trades/:id/evidence',
      summary: "A disputed trade's evidence: the parties' notes and documents",
      tags: ['trades'],
      params: ZIdParams,
      response: ZEvidence,
      handle: ({ actor, params }) => documents.evidence(actor, params.id),
    }),
    route({
      key: 'POST /trades/:id/evidence',
      summary: 'Add a note of evidence to a disputed trade (either party, while it is disputed)',
      tags: ['trades'],
      params: ZIdParams,
      body: ZEvidenceRequest,
      response: ZEvidenceNote,
      status: 201,
      handle: ({ actor, params, body }) => documents.addEvidence(actor, params.id, body),
    }),
  ];
}
