/** Use cases that read manifests: the list, one manifest, its audit and its printable PDF. */
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import { encodeCursor, type TPage } from '../../../../shared/src/schemas/common.js';
import {
  type TManifest,
  type TManifestAudit,
  type TManifestsQuery,
  type TManifestSummary,
} from '../../../../shared/src/schemas/manifests.js';
import type { UserActor } from '../../http/actor.js';
import { overseenDistricts } from '../orgs/index.js';
import { verifyChain } from './chain.js';
import { project, projectionMismatches } from './model.js';
import { choosePrintFont } from './pdf-font.js';
import * as repo from './repo.js';
import { type ManifestsDeps, toEvent, chained, record, beforeSeqFromCursor, type ManifestKit } from './kit.js';

export function createManifestReads(deps: ManifestsDeps, kit: ManifestKit) {
  const { db, clock, logger, config } = deps;
  const { transitStuckMs, toSummary, toManifest, visibleRow } = kit;
  const configuredFont = {
    path: config.MANIFEST_PDF_FONT,
    ...(config.MANIFEST_PDF_FONT_NAME ? { name: config.MANIFEST_PDF_FONT_NAME } : {}),
  };
  // Said once at boot, so an operator sees which font prints before anyone asks for a PDF; each
  // request chooses again, so installing fonts-noto-cjk later takes effect without a restart.
  const bootFont = choosePrintFont(configuredFont);
  if (bootFont?.source === 'configured')
    logger.info({ font: bootFont.path, source: bootFont.source }, 'printable manifests use the configured CJK font');
  else if (bootFont)
    logger.warn(
      { font: bootFont.path, source: bootFont.source, missing: config.MANIFEST_PDF_FONT },
      'MANIFEST_PDF_FONT not found: printable manifests use the bundled Noto Sans S Chinese (characters outside it print as □ and their code point)',
    );
  else
    logger.error(
      { missing: config.MANIFEST_PDF_FONT },
      'no CJK font for printable manifests: MANIFEST_PDF_FONT not found and @embedpdf/fonts-sc not installed; the PDF route answers 503',
    );
  const useCases = {
    /** GET /manifests: parties and the carrier see theirs; regulators those with origin or destination in scope. */
    async listManifests(actor: UserActor, q: TManifestsQuery): Promise<TPage<TManifestSummary>> {
      const now = clock.now();
      const rows = await repo.listManifests(db, {
        partyOrgId: actor.orgId,
        districts: overseenDistricts(actor),
        ...(q.status ? { status: q.status } : {}),
        ...(q.overdue !== undefined ? { overdue: q.overdue } : {}),
        ...(q.district ? { district: q.district } : {}),
        ...(q.material ? { material: q.material } : {}),
        ...(q.tradeId ? { tradeId: q.tradeId } : {}),
        now,
        transitStuckMs,
        beforeSeq: beforeSeqFromCursor(q.cursor),
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      return {
        items: page.map((r) => toSummary(r, actor, now)),
        nextCursor: rows.length > q.limit ? encodeCursor([page.at(-1)!.seq]) : null,
      };
    },

    /** GET /manifests/:id: the manifest with its timeline. */
    async getManifest(actor: UserActor, id: string): Promise<TManifest> {
      return toManifest(db, await visibleRow(actor, id), actor);
    },

    /** GET /manifests/:id/audit: the chain recomputed from the stored events, and the row compared with their replay. */
    async auditManifest(actor: UserActor, id: string): Promise<TManifestAudit> {
      const row = await visibleRow(actor, id);
      const events = await repo.eventsOf(db, id);
      const verdict = verifyChain(events.map(chained));
      let mismatches: string[];
      try {
        const replay = project(events.map(record));
        mismatches = replay ? projectionMismatches(row as unknown as Record<string, unknown>, replay) : ['(no events)'];
      } catch (err) {
        mismatches = [`(replay failed: ${(err as Error).message})`];
      }
      return {
        manifestId: row.id,
        number: row.number,
        events: events.map(toEvent),
        valid: verdict.valid,
        ...(verdict.valid ? {} : { brokenAt: verdict.brokenAt, reason: verdict.reason }),
        projectionValid: mismatches.length === 0,
        projectionMismatches: mismatches,
        algorithm: 'sha256(utf8(prevHash + JCS(event))), RFC 8785; first prevHash 64 zeros',
      };
    },

    /** GET /manifests/:id/pdf: the printable manifest. */
    async manifestPdf(actor: UserActor, id: string): Promise<{ filename: string; pdf: Buffer }> {
      const manifest = await toManifest(db, await visibleRow(actor, id), actor);
      const font = choosePrintFont(configuredFont);
      if (!font) {
        logger.error(
          { missing: config.MANIFEST_PDF_FONT },
          'no CJK font for printable manifests (MANIFEST_PDF_FONT not found, @embedpdf/fonts-sc not installed)',
        );
        throw new AppError(
          ErrorCodes.UNAVAILABLE,
          'printable manifests are unavailable: the server has no Chinese font installed (fonts-noto-cjk)',
        );
      }
      // pdfkit and its fonts load on the first print, not at start (≈ 12 MB of RSS an idle server need not hold).
      const { renderManifestPdf } = await import('./pdf.js');
      const pdf = await renderManifestPdf(manifest, { font, now: clock.now() });
      return { filename: `manifest-${manifest.number}.pdf`, pdf };
    },
  };

  return useCases;
}
