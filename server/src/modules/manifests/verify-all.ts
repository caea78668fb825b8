/**
 * Every manifest's hash chain verified, batch by batch (the restore drill, scripts/restore-drill.ts,
 * and anyone auditing a whole database): the same verifyChain the audit endpoint runs on one manifest.
 */
import { asc, gt, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { manifestEvents, manifests } from '../../db/schema.js';
import { verifyChain } from './chain.js';
import { chained } from './kit.js';

export interface BrokenChain {
  manifestId: string;
  number: string;
  brokenAt: number;
  reason: 'hash' | 'link' | 'sequence' | 'no events';
}

export interface ChainsReport {
  manifests: number;
  events: number;
  broken: BrokenChain[];
}

export async function verifyAllManifestChains(db: Db, batchSize = 500): Promise<ChainsReport> {
  const report: ChainsReport = { manifests: 0, events: 0, broken: [] };
  let after = '';
  for (;;) {
    const batch = await db
      .select({ id: manifests.id, number: manifests.number })
      .from(manifests)
      .where(after ? gt(manifests.id, after) : undefined)
      .orderBy(asc(manifests.id))
      .limit(batchSize);
    if (batch.length === 0) return report;
    after = batch.at(-1)!.id;
    const events = await db
      .select()
      .from(manifestEvents)
      .where(
        inArray(
          manifestEvents.manifestId,
          batch.map((m) => m.id),
        ),
      )
      .orderBy(asc(manifestEvents.manifestId), asc(manifestEvents.seq), asc(manifestEvents.id));
    const byManifest = new Map<string, typeof events>();
    for (const e of events) {
      const list = byManifest.get(e.manifestId) ?? [];
      list.push(e);
      byManifest.set(e.manifestId, list);
    }
    for (const m of batch) {
      const own = byManifest.get(m.id) ?? [];
      report.manifests += 1;
      report.events += own.length;
      if (own.length === 0) {
        report.broken.push({ manifestId: m.id, number: m.number, brokenAt: 0, reason: 'no events' });
        continue;
      }
      const verdict = verifyChain(own.map(chained));
      if (!verdict.valid)
        report.broken.push({ manifestId: m.id, number: m.number, brokenAt: verdict.brokenAt, reason: verdict.reason });
    }
  }
}
