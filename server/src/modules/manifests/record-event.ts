/** Use case: one step of a manifest's lifecycle, by the party it belongs to. */
import type { Tx } from '../../db/client.js';
import { inTransaction } from '../../db/tx.js';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import { shanghaiDate } from '../../../../shared/src/calendar.js';
import { disposalMethodLabel } from '../../../../shared/src/disposal-methods.js';
import { calendarDaysDeadline, workingDaysDeadline } from '../../../../shared/src/workdays.js';
import { type TManifest, type TManifestEventRequest, type TManifestEventType } from '../../../../shared/src/schemas/manifests.js';
import type { UserActor } from '../../http/actor.js';
import { getTradeForUpdate, type TradeRow } from '../trades/index.js';
import { getListingRow } from '../listings/index.js';
import { bidLot } from '../bids/index.js';
import { markDisputed, markInTransit } from '../settlement/index.js';
import { raiseAlert } from '../alerts/index.js';
import { gapAboveTolerance, nextSteps, project, stepFor, weightGapBp } from './model.js';
import * as repo from './repo.js';
import {
  type ManifestRow,
  type ManifestsDeps,
  PART_FOR,
  PART_ZH,
  MAX_WEIGHT_FACTOR,
  partsOf,
  iso,
  record,
  fieldError,
  invalidState,
  type ManifestKit,
} from './kit.js';

export function createRecordManifestEvent(deps: ManifestsDeps, kit: ManifestKit) {
  const { db, ids, clock, config } = deps;
  const { calendar, toManifest, append, announce, deliverIfComplete, creditInput, visibleRow } = kit;
  /** Checks a step's input against the manifest (400s naming the field) and returns the event data to store. */
  function stepData(m: ManifestRow, e: TManifestEventRequest, at: Date): Record<string, unknown> {
    const maxWeight = MAX_WEIGHT_FACTOR * m.declaredKg;
    const note = e.note !== undefined ? { note: e.note } : {};
    switch (e.type) {
      case 'issue':
        return { ...note, ...(e.officialNumber ? { officialNumber: e.officialNumber } : {}) };
      case 'load':
        if (e.weightKg! > maxWeight)
          throw fieldError('weightKg', `more than ${MAX_WEIGHT_FACTOR}× the declared ${m.declaredKg} kg; check the weight`);
        return { weightKg: e.weightKg!, ...note };
      case 'depart':
        return { ...note };
      case 'arrive':
        return { ...note, receiptDueAt: workingDaysDeadline(at, config.RECEIPT_DUE_WORKING_DAYS, calendar).toISOString() };
      case 'receive': {
        const received = e.weightKg!;
        if (received > maxWeight)
          throw fieldError('weightKg', `more than ${MAX_WEIGHT_FACTOR}× the declared ${m.declaredKg} kg; check the weight`);
        const cap = Math.min(received, m.declaredKg);
        let accepted: number;
        if (e.decision === 'reject') accepted = 0;
        else if (e.decision === 'accept') {
          if (e.acceptedKg !== undefined && e.acceptedKg !== cap)
            throw fieldError('acceptedKg', `an acceptance takes min(received, declared) = ${cap} kg; use partial for less`);
          accepted = cap;
        } else {
          if (e.acceptedKg! > m.declaredKg) throw fieldError('acceptedKg', `at most the declared ${m.declaredKg} kg`);
          accepted = e.acceptedKg!;
        }
        const gap = weightGapBp(m.loadedKg, received);
        return {
          weightKg: received,
          decision: e.decision!,
          acceptedKg: accepted,
          ...note,
          weightGapBp: gap,
          weightGapAboveTolerance: m.loadedKg != null && gapAboveTolerance(m.loadedKg, received, config.WEIGHT_TOLERANCE_BP),
          toleranceBp: config.WEIGHT_TOLERANCE_BP,
          late: !!m.receiptDueAt && at > m.receiptDueAt,
          ...(e.decision === 'reject' ? {} : { disposalDueAt: calendarDaysDeadline(at, config.DISPOSAL_DUE_DAYS).toISOString() }),
        };
      }
      case 'report_disposal': {
        const today = shanghaiDate(at);
        const receivedOn = m.receivedAt ? shanghaiDate(m.receivedAt) : today;
        if (e.disposalDate! > today) throw fieldError('disposalDate', `must not be in the future (today is ${today})`);
        if (e.disposalDate! < receivedOn) throw fieldError('disposalDate', `must not be before the receipt on ${receivedOn}`);
        // The label is fixed now, code first (the regulator rollup classifies it); free text only as a note.
        const label = disposalMethodLabel(e.methodCode!);
        return {
          methodCode: e.methodCode!,
          methodLabel: e.method ? `${label}（${e.method}）` : label,
          ...(e.method ? { method: e.method } : {}),
          disposalDate: e.disposalDate!,
          ...note,
          late: !!m.disposalDueAt && at > m.disposalDueAt,
        };
      }
    }
  }

  /** What a step changes beyond the manifest: the trade, alerts, credit inputs. */
  async function consequences(
    tx: Tx,
    trade: TradeRow,
    m: ManifestRow,
    type: TManifestEventType,
    data: Record<string, unknown>,
    at: Date,
  ): Promise<void> {
    if (type === 'load') {
      await markInTransit(tx, { clock }, trade.id);
      const listing = trade.listingId ? await getListingRow(tx, trade.listingId) : null;
      // An offer into a demand listing stated its own pickup window; otherwise the listing's holds.
      const offer = trade.bidId ? await bidLot(tx, trade.bidId) : null;
      const pickupTo = offer?.pickupTo ?? listing?.pickupTo ?? null;
      if (pickupTo && at > pickupTo)
        await creditInput(tx, {
          orgId: m.shipperOrgId,
          kind: 'late_pickup',
          manifest: m,
          occurredAt: at,
          details: { pickupTo: pickupTo.toISOString(), carrierOrgId: m.carrierOrgId },
        });
    }
    if (type === 'receive') {
      if (data.late === true)
        await creditInput(tx, {
          orgId: m.receiverOrgId,
          kind: 'receipt_overdue',
          manifest: m,
          occurredAt: at,
          details: { receiptDueAt: iso(m.receiptDueAt) },
        });
      const trips = await repo.manifestsOfTrade(tx, trade.id);
      const acceptedSoFar = trips.reduce((s, x) => s + (x.acceptedKg ?? 0), 0);
      if (data.decision === 'reject')
        await raiseAlert(tx, ids, {
          kind: 'load_rejected',
          district: m.destinationDistrict,
          subjectType: 'manifest',
          subjectId: m.id,
          message:
            `manifest ${m.number}: the receiver rejected the load of ${m.declaredKg} kg ${m.wasteCode}: ${String(data.note ?? '')}`.slice(
              0,
              500,
            ),
          details: {
            manifestId: m.id,
            number: m.number,
            tradeId: trade.id,
            receivedKg: data.weightKg,
            reason: data.note ?? null,
          },
        });
      if (data.weightGapAboveTolerance === true) {
        await raiseAlert(tx, ids, {
          kind: 'weight_gap',
          district: m.destinationDistrict,
          subjectType: 'manifest',
          subjectId: m.id,
          message: `manifest ${m.number}: loaded ${m.loadedKg} kg, received ${String(data.weightKg)} kg (gap ${(Number(data.weightGapBp) / 100).toFixed(2)} %, tolerance ${(config.WEIGHT_TOLERANCE_BP / 100).toFixed(2)} %)`,
          details: {
            manifestId: m.id,
            number: m.number,
            tradeId: trade.id,
            loadedKg: m.loadedKg,
            receivedKg: data.weightKg,
            gapBp: data.weightGapBp,
            toleranceBp: config.WEIGHT_TOLERANCE_BP,
          },
        });
        await markDisputed(tx, { clock }, trade.id, acceptedSoFar);
      }
      await deliverIfComplete(tx, (await getTradeForUpdate(tx, trade.id))!);
    }
    if (type === 'report_disposal' && data.late === true)
      await creditInput(tx, {
        orgId: m.receiverOrgId,
        kind: 'disposal_overdue',
        manifest: m,
        occurredAt: at,
        details: { disposalDueAt: iso(m.disposalDueAt) },
      });
  }

  const useCases = {
    /** POST /manifests/:id/events: one step of the lifecycle, by the party it belongs to. */
    async recordManifestEvent(actor: UserActor, manifestId: string, input: TManifestEventRequest): Promise<TManifest> {
      const before = await visibleRow(actor, manifestId);
      return inTransaction(db, async (tx) => {
        const trade = (await getTradeForUpdate(tx, before.tradeId))!;
        const m = (await repo.findManifest(tx, manifestId, true))!;
        const by = PART_FOR[input.type];
        if (!partsOf(actor.orgId, m).includes(by))
          throw new AppError(
            ErrorCodes.NOT_A_PARTY,
            `only the ${PART_ZH[by]} of this manifest can ${input.type.replace('_', ' ')}`,
            { requiredPart: by },
          );
        const step = stepFor(m.status, input.type);
        if (!step) {
          const allowed = nextSteps(m.status).map((s) => s.type);
          throw invalidState(
            m.status,
            allowed.length
              ? `the manifest is ${m.status}; the next step is ${allowed.join(' or ')}, not ${input.type}`
              : `the manifest is ${m.status}; no further steps`,
            allowed,
          );
        }
        const at = clock.now();
        const data = stepData(m, input, at);
        const events = await repo.eventsOf(tx, m.id);
        const state = project(events.map(record));
        await append(
          tx,
          { id: m.id, state, lastHash: m.lastHash, eventCount: m.eventCount },
          { type: input.type, at, actor, data },
        );
        const after = (await repo.findManifest(tx, m.id))!;
        await consequences(tx, trade, after, input.type, data, at);
        await announce(tx, after, input.type, actor);
        return toManifest(tx, after, actor);
      });
    },
  };

  return useCases;
}
