/**
 * GET /regulator/trace (issue 18 item 2): a producer's kilograms from intake to final disposal. An
 * intake's received weight enters its consolidated lot; each trip of the lot's trades carries the
 * intake's share of the trip's accepted kg (received kg / lot kg), so the shares of every source
 * intake of a lot sum to what the disposer accepted.
 */
import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { consolidatedLots, intakes } from '../../db/schema.js';
import { rows } from '../../db/tx.js';
import type { TTrace, TTraceItem, TTraceQuery } from '../../../../shared/src/schemas/collection.js';
import type { UserActor } from '../../http/actor.js';
import { getOrgRow, overseenDistricts } from '../orgs/index.js';
import { receivedKgByIntake, toIntake } from './service.js';

interface TripRow {
  id: string;
  number: string;
  kind: string;
  status: string;
  receiver_org_id: string;
  trade_id: string;
  accepted_kg: string | number | null;
  disposal_method: string | null;
  disposal_date: string | null;
}

function trip(r: TripRow) {
  return {
    manifestId: r.id,
    number: r.number,
    kind: r.kind,
    status: r.status,
    receiverOrgId: r.receiver_org_id,
    acceptedKg: r.accepted_kg === null ? null : Number(r.accepted_kg),
    disposalMethod: r.disposal_method,
    disposalDate: r.disposal_date === null ? null : String(r.disposal_date).slice(0, 10),
  };
}

async function tripsOf(dbx: DbOrTx, where: ReturnType<typeof sql>): Promise<TripRow[]> {
  return rows<TripRow>(
    dbx,
    sql`select m.id, m.number, m.kind, m.status, m.receiver_org_id, m.trade_id, m.accepted_kg, m.disposal_method,
               m.disposal_date::text as disposal_date
          from manifests m where ${where} order by m.seq`,
  );
}

export async function traceIntakes(dbx: DbOrTx, actor: UserActor, q: TTraceQuery): Promise<TTrace> {
  const found = q.intakeId
    ? await dbx.select().from(intakes).where(eq(intakes.id, q.intakeId))
    : await dbx.select().from(intakes).where(eq(intakes.producerOrgId, q.producerOrgId!)).orderBy(intakes.createdAt);
  const districts = overseenDistricts(actor);
  const items: TTraceItem[] = [];
  for (const i of found) {
    if (districts !== null) {
      // In scope: the producer's district (the origin) or the collection point's.
      const producer = await getOrgRow(dbx, i.producerOrgId);
      const point = await rows<{ district: string }>(dbx, sql`select district from collection_points where id = ${i.pointId}`);
      if (!districts.includes(producer?.district ?? '') && !districts.includes(point[0]?.district ?? '')) continue;
    }
    const collection = i.tradeId ? (await tripsOf(dbx, sql`m.trade_id = ${i.tradeId}`)).map(trip) : [];
    const receivedKg = (await receivedKgByIntake(dbx, i.collectorOrgId)).get(i.id) ?? 0;
    const [lot] = i.lotId ? await dbx.select().from(consolidatedLots).where(eq(consolidatedLots.id, i.lotId)) : [];
    const downstream: TTraceItem['downstream'] = [];
    if (lot?.listingId) {
      const trips = await tripsOf(
        dbx,
        sql`m.trade_id in (select id from trades where listing_id = ${lot.listingId} and status <> 'cancelled')`,
      );
      for (const r of trips) {
        const t = trip(r);
        downstream.push({
          ...t,
          tradeId: r.trade_id,
          attributedKg: t.acceptedKg === null ? null : (receivedKg * t.acceptedKg) / lot.quantityKg,
        });
      }
    }
    const disposedKg = downstream.filter((d) => d.status === 'closed').reduce((s, d) => s + (d.attributedKg ?? 0), 0);
    items.push({
      intake: toIntake(i),
      collection,
      receivedKg,
      lot: lot ? { id: lot.id, quantityKg: lot.quantityKg, listingId: lot.listingId } : null,
      downstream,
      disposedKg,
    });
  }
  return { items };
}
