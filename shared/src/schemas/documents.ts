/** Documents (issue 13 item 10) and dispute evidence notes (item 3). */
import { z } from 'zod';
import { zMultilineText, zText } from './text.js';

export const DOCUMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type TDocumentType = (typeof DOCUMENT_TYPES)[number];
export const DOCUMENT_SUBJECTS = ['listing', 'manifest', 'trade'] as const;
export const DOCUMENT_KINDS = ['lab_report', 'weighbridge_ticket', 'disposal_certificate', 'evidence'] as const;
export type TDocumentKind = (typeof DOCUMENT_KINDS)[number];
/** Which kinds belong to which record. */
export const KINDS_OF_SUBJECT: Record<(typeof DOCUMENT_SUBJECTS)[number], readonly TDocumentKind[]> = {
  listing: ['lab_report'],
  manifest: ['weighbridge_ticket', 'disposal_certificate', 'evidence'],
  trade: ['evidence'],
};

export const ZDocumentSubjectQuery = z.strictObject({
  subjectType: z.enum(DOCUMENT_SUBJECTS, { message: `one of ${DOCUMENT_SUBJECTS.join(', ')}` }),
  subjectId: z.uuid('not a valid id'),
});
export const ZUploadDocumentQuery = ZDocumentSubjectQuery.extend({
  kind: z.enum(DOCUMENT_KINDS, { message: `one of ${DOCUMENT_KINDS.join(', ')}` }),
  /** The file's name as the uploader had it; shown only, never trusted for the type. */
  filename: zText().trim().min(1).max(200).optional(),
});
export type TUploadDocumentQuery = z.infer<typeof ZUploadDocumentQuery>;
export type TDocumentSubjectQuery = z.infer<typeof ZDocumentSubjectQuery>;

export const ZDocument = z.object({
  id: z.uuid(),
  subjectType: z.enum(DOCUMENT_SUBJECTS),
  subjectId: z.uuid(),
  kind: z.enum(DOCUMENT_KINDS),
  /** Read from the bytes (magic numbers), not from the name or the request's header. */
  contentType: z.enum(DOCUMENT_TYPES),
  filename: z.string().nullable(),
  sizeBytes: z.number().int(),
  sha256: z.string(),
  uploadedByOrgId: z.uuid().nullable(),
  createdAt: z.string(),
  /** The manifest event whose data carries this hash, when the document belongs to a manifest. */
  chainSeq: z.number().int().nullable(),
});
export type TDocument = z.infer<typeof ZDocument>;
export const ZDocumentList = z.object({ items: z.array(ZDocument) });

export const ZEvidenceRequest = z.strictObject({ note: zMultilineText().trim().min(1, 'say what the evidence shows').max(2000) });
export type TEvidenceRequest = z.infer<typeof ZEvidenceRequest>;
export const ZEvidenceNote = z.object({
  id: z.uuid(),
  orgId: z.uuid().nullable(),
  userId: z.uuid(),
  note: z.string(),
  createdAt: z.string(),
});
export const ZEvidence = z.object({ notes: z.array(ZEvidenceNote), documents: z.array(ZDocument) });
export type TEvidence = z.infer<typeof ZEvidence>;
export type TEvidenceNote = z.infer<typeof ZEvidenceNote>;
