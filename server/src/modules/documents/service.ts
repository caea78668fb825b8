/**
 * Documents (issue 13 item 10): a listing's lab report, a trip's weighbridge ticket or disposal
 * certificate, dispute evidence. The bytes are stored in PostgreSQL (bytea, ADR 0021) with their
 * SHA-256 and the type read from the content; one that belongs to a manifest puts its hash on the
 * trip's chain (a `document` event, manifests module) in the same transaction. A document is served
 * to whoever may read its record, under the same rule, and is a 404 to anyone else.
 *
 * Dispute evidence notes (issue 13 item 3) live here too: a party's note on its disputed trade.
 */
import { createHash } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { Clock, Ids } from '../../clock.js';
import type { Db, DbOrTx } from '../../db/client.js';
import { inTransaction } from '../../db/tx.js';
import { disputeNotes, documents, listings, manifestEvents, manifests } from '../../db/schema.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import {
  KINDS_OF_SUBJECT,
  type TDocument,
  type TDocumentSubjectQuery,
  type TEvidence,
  type TEvidenceRequest,
  type TEvidenceNote,
  type TUploadDocumentQuery,
} from '../../../../shared/src/schemas/documents.js';
import type { UserActor } from '../../http/actor.js';
import { canSeeTrade, getTradeRow } from '../trades/index.js';
import { canSeeManifest, partsOf, type ManifestsService } from '../manifests/index.js';
import { sniffType } from './sniff.js';

export interface DocumentsDeps {
  db: Db;
  ids: Ids;
  clock: Clock;
  manifests: Pick<ManifestsService, 'appendDocumentEvent'>;
}

type DocumentRow = typeof documents.$inferSelect;
type Subject = TDocumentSubjectQuery;

const notFound = (what: string) => new AppError(ErrorCodes.NOT_FOUND, `no such ${what}`);

export type DocumentsService = ReturnType<typeof createDocumentsService>;

export function createDocumentsService(deps: DocumentsDeps) {
  const { db, ids, clock } = deps;

  /** The record as the caller may read it (404 otherwise), and whether and how the caller may add to it. */
  async function access(dbx: DbOrTx, actor: UserActor, s: Subject): Promise<{ canAdd: (kind: string) => string | null }> {
    if (s.subjectType === 'listing') {
      const [l] = await dbx.select({ orgId: listings.orgId }).from(listings).where(eq(listings.id, s.subjectId));
      // Listings are public in the market; the lab report goes with the listing.
      if (!l) throw notFound('listing');
      return { canAdd: () => (actor.orgId === l.orgId ? null : "only the listing's owner adds its lab report") };
    }
    if (s.subjectType === 'manifest') {
      const [m] = await dbx.select().from(manifests).where(eq(manifests.id, s.subjectId));
      if (!m || !canSeeManifest(actor, m)) throw notFound('manifest');
      const parts = partsOf(actor.orgId, m);
      return {
        canAdd: (kind) =>
          kind === 'evidence'
            ? parts.length > 0
              ? null
              : 'only a party of this trip adds evidence'
            : parts.includes('receiver')
              ? null
              : `only the receiver (接受人) adds a ${kind.replace('_', ' ')}`,
      };
    }
    const t = await getTradeRow(dbx, s.subjectId);
    if (!t || !canSeeTrade(actor, t)) throw notFound('trade');
    const party = !!actor.orgId && (actor.orgId === t.generatorOrgId || actor.orgId === t.receiverOrgId);
    return {
      canAdd: () =>
        !party
          ? 'only a party of this trade adds evidence'
          : t.status !== 'disputed'
            ? `the trade is ${t.status}; evidence is added while it is disputed`
            : null,
    };
  }

  async function chainSeqs(dbx: DbOrTx, rows: DocumentRow[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const manifestIds = [...new Set(rows.filter((r) => r.subjectType === 'manifest').map((r) => r.subjectId))];
    for (const id of manifestIds) {
      const events = await dbx
        .select()
        .from(manifestEvents)
        .where(and(eq(manifestEvents.manifestId, id), eq(manifestEvents.type, 'document')));
      for (const e of events) for (const d of (e.data.documents as { id: string }[] | undefined) ?? []) out.set(d.id, e.seq);
    }
    return out;
  }

  function toDocument(r: DocumentRow, seqs: Map<string, number>): TDocument {
    return {
      id: r.id,
      subjectType: r.subjectType,
      subjectId: r.subjectId,
      kind: r.kind,
      contentType: r.contentType,
      filename: r.filename,
      sizeBytes: r.sizeBytes,
      sha256: r.sha256,
      uploadedByOrgId: r.uploadedByOrg,
      createdAt: r.createdAt.toISOString(),
      chainSeq: seqs.get(r.id) ?? null,
    };
  }

  async function listOf(dbx: DbOrTx, s: Subject): Promise<TDocument[]> {
    const rows = await dbx
      .select()
      .from(documents)
      .where(and(eq(documents.subjectType, s.subjectType), eq(documents.subjectId, s.subjectId)))
      .orderBy(asc(documents.createdAt), asc(documents.id));
    const seqs = await chainSeqs(dbx, rows);
    return rows.map((r) => toDocument(r, seqs));
  }

  return {
    /** POST /documents: the bytes, typed from their content, hashed, stored; on a manifest, the hash on its chain. */
    async upload(actor: UserActor, q: TUploadDocumentQuery, bytes: Buffer): Promise<TDocument> {
      if (!KINDS_OF_SUBJECT[q.subjectType].includes(q.kind))
        throw new AppError(ErrorCodes.VALIDATION_FAILED, 'invalid request: kind', {
          fields: [{ path: 'query.kind', message: `a ${q.subjectType} takes ${KINDS_OF_SUBJECT[q.subjectType].join(', ')}` }],
        });
      const contentType = sniffType(bytes);
      if (!contentType)
        throw new AppError(
          ErrorCodes.UNSUPPORTED_MEDIA_TYPE,
          'the file is not a PDF, JPEG or PNG (read from its content, whatever its name)',
          {
            allowed: ['application/pdf', 'image/jpeg', 'image/png'],
          },
        );
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      return inTransaction(db, async (tx) => {
        const refusal = (await access(tx, actor, q)).canAdd(q.kind);
        if (refusal) throw new AppError(ErrorCodes.NOT_A_PARTY, refusal);
        const id = ids.uuid();
        const [row] = await tx
          .insert(documents)
          .values({
            id,
            subjectType: q.subjectType,
            subjectId: q.subjectId,
            kind: q.kind,
            contentType,
            filename: q.filename ?? null,
            sizeBytes: bytes.length,
            sha256,
            bytes,
            uploadedBy: actor.userId,
            uploadedByOrg: actor.orgId,
            createdAt: clock.now(),
          })
          .returning();
        if (q.subjectType === 'manifest')
          await deps.manifests.appendDocumentEvent(tx, actor, q.subjectId, { id, kind: q.kind, sha256, contentType });
        return toDocument(row!, await chainSeqs(tx, [row!]));
      });
    },

    /** GET /documents?subjectType=&subjectId=: the record's documents, to whoever may read the record. */
    async list(actor: UserActor, s: Subject): Promise<{ items: TDocument[] }> {
      await access(db, actor, s);
      return { items: await listOf(db, s) };
    },

    /** GET /documents/:id: the bytes, under the record's rule (404 otherwise). */
    async download(actor: UserActor, id: string): Promise<DocumentRow> {
      const [row] = await db.select().from(documents).where(eq(documents.id, id));
      if (!row) throw notFound('document');
      try {
        await access(db, actor, { subjectType: row.subjectType, subjectId: row.subjectId });
      } catch (err) {
        if (err instanceof AppError && err.code === ErrorCodes.NOT_FOUND) throw notFound('document');
        throw err;
      }
      return row;
    },

    /** POST /trades/:id/evidence: a party's note while its trade is disputed. */
    async addEvidence(actor: UserActor, tradeId: string, body: TEvidenceRequest): Promise<TEvidenceNote> {
      const refusal = (await access(db, actor, { subjectType: 'trade', subjectId: tradeId })).canAdd('evidence');
      if (refusal) {
        const t = await getTradeRow(db, tradeId);
        if (t && t.status !== 'disputed')
          throw new AppError(ErrorCodes.INVALID_STATE, refusal, { status: t.status, allowed: ['disputed'] });
        throw new AppError(ErrorCodes.NOT_A_PARTY, refusal);
      }
      const [row] = await db
        .insert(disputeNotes)
        .values({ id: ids.uuid(), tradeId, orgId: actor.orgId, userId: actor.userId, note: body.note, createdAt: clock.now() })
        .returning();
      return { id: row!.id, orgId: row!.orgId, userId: row!.userId, note: row!.note, createdAt: row!.createdAt.toISOString() };
    },

    /** GET /trades/:id/evidence: the notes and the trade's evidence documents. */
    async evidence(actor: UserActor, tradeId: string): Promise<TEvidence> {
      await access(db, actor, { subjectType: 'trade', subjectId: tradeId });
      const notes = await db
        .select()
        .from(disputeNotes)
        .where(eq(disputeNotes.tradeId, tradeId))
        .orderBy(asc(disputeNotes.createdAt), asc(disputeNotes.id));
      return {
        notes: notes.map((n) => ({
          id: n.id,
          orgId: n.orgId,
          userId: n.userId,
          note: n.note,
          createdAt: n.createdAt.toISOString(),
        })),
        documents: await listOf(db, { subjectType: 'trade', subjectId: tradeId }),
      };
    },
  };
}
