/** Use case: the shipper opens a trip (a draft manifest) on a funded trade. */
import type { Tx } from '../../db/client.js';
import { inTransaction } from '../../db/tx.js';
import { shanghaiDate, shanghaiYear } from '../../../../shared/src/calendar.js';
import {
  type TManifest,
  type TManifestLine,
  type TManifestParties,
  type TOpenManifest,
  type TPaperRecord,
} from '../../../../shared/src/schemas/manifests.js';
import { addWorkingDays } from '../../../../shared/src/workdays.js';
import type { UserActor } from '../../http/actor.js';
import { getOrgRow, licencesFor } from '../orgs/index.js';
import { getTradeForUpdate, getTradeRow, type TradeRow } from '../trades/index.js';
import { getListingRow } from '../listings/index.js';
import { bidLot } from '../bids/index.js';
import { intakeOfTrade } from '../collection/index.js';
import { GENESIS_HASH } from './chain.js';
import { allocateManifestNumber } from './number.js';
import { defaultEmergencyMeasures } from './forms.js';
import { type OpenData } from './model.js';
import * as repo from './repo.js';
import {
  type Material,
  type ManifestsDeps,
  OPENABLE,
  fieldError,
  invalidState,
  coveringLicence,
  party,
  assertShipper,
  PAPER_ENTRY_WORKING_DAYS,
  type ManifestKit,
} from './kit.js';

export function createOpenManifest(deps: ManifestsDeps, kit: ManifestKit) {
  const { db, ids, clock, logger } = deps;
  const { toManifest, append, announce } = kit;
  async function buildOpenData(
    tx: Tx,
    trade: TradeRow,
    input: TOpenManifest,
    number: string,
    material: Material,
  ): Promise<OpenData> {
    const today = shanghaiDate(clock.now());
    const carrier = await getOrgRow(tx, input.carrierOrgId);
    if (!carrier) throw fieldError('carrierOrgId', 'no such organisation');
    if (!carrier.roles.includes('carrier'))
      throw fieldError('carrierOrgId', 'this organisation is not registered as a carrier (运输单位)');
    const category = trade.category.startsWith('HW') ? trade.category : null;
    let carrierLicence: string | null = null;
    let receiverLicence: string | null = null;
    // A collection intake's trip (issue 18) goes to a collection point under a collection licence.
    const intake = await intakeOfTrade(tx, trade.id);
    if (trade.hazardous) {
      const c = coveringLicence(await licencesFor(tx, carrier.id, 'transport'), {
        wasteCode: trade.wasteCode,
        category,
        today,
        whose: 'the carrier',
        kind: 'transport',
      });
      if ('error' in c) throw c.error;
      carrierLicence = c.licence.number;
      const receiverKind = intake ? 'collection' : 'disposal';
      const r = coveringLicence(await licencesFor(tx, trade.receiverOrgId, receiverKind), {
        wasteCode: trade.wasteCode,
        category,
        today,
        whose: 'the receiver',
        kind: receiverKind,
      });
      // The receiver was eligible when it bid; the form records its licence number, or none if it lapsed since.
      receiverLicence = 'licence' in r ? r.licence.number : null;
    } else {
      const approved = (await licencesFor(tx, carrier.id, 'transport')).find(
        (l) => l.status === 'approved' && l.validFrom <= today && today <= l.validTo,
      );
      carrierLicence = approved?.number ?? null;
    }
    const shipper = (await getOrgRow(tx, trade.generatorOrgId))!;
    const receiver = (await getOrgRow(tx, trade.receiverOrgId))!;
    const parties: TManifestParties = {
      shipper: party(shipper, null),
      carrier: party(carrier, carrierLicence),
      receiver: party(receiver, receiverLicence),
    };
    const classified = trade.classifiedCode && trade.classifiedCode !== trade.materialCode;
    const listing = trade.listingId ? await getListingRow(tx, trade.listingId) : null;
    // The side that ships declares the hazard (DESIGN §6.3): an offer into a demand listing carries its
    // own declaration; otherwise it is the supply listing's.
    const offer = trade.bidId ? await bidLot(tx, trade.bidId) : null;
    const hazard = (offer?.hazard ?? listing?.hazard ?? null) as {
      characteristics?: string[];
      form?: string;
      packaging?: string;
    } | null;
    const line: TManifestLine = {
      wasteCode: trade.wasteCode,
      category: trade.category,
      categoryNameZh: classified ? null : material.categoryNameZh,
      nameZh: material.nameZh,
      nameEn: material.nameEn,
      hazardCharacteristics: hazard?.characteristics ?? [],
      form: hazard?.form ?? null,
      packaging: hazard?.packaging ?? null,
      quantityKg: input.declaredKg,
    };
    return {
      tradeId: trade.id,
      number,
      officialNumber: input.officialNumber ?? null,
      kind: intake ? 'collection' : trade.hazardous ? 'hazardous' : 'general',
      shipperOrgId: trade.generatorOrgId,
      carrierOrgId: carrier.id,
      receiverOrgId: trade.receiverOrgId,
      parties,
      vehiclePlate: input.vehiclePlate,
      driverName: input.driverName,
      materialCode: trade.materialCode,
      wasteCode: trade.wasteCode,
      category: trade.category,
      lines: [line],
      emergencyMeasures:
        input.emergencyMeasures ??
        defaultEmergencyMeasures({ hazardous: trade.hazardous, characteristics: line.hazardCharacteristics, form: line.form }),
      originDistrict: trade.originDistrict,
      destinationDistrict: trade.destinationDistrict,
      declaredKg: input.declaredKg,
      // Only the fields given go into the event: an empty form is what an old `open` replays to too.
      ...(input.form && Object.keys(input.form).length > 0 ? { form: input.form } : {}),
      ...(input.paper ? { paper: paperRecord(input.paper, today) } : {}),
    };
  }

  /**
   * A trip that ran on a paper manifest during an outage: the rules allow entering it within 10
   * working days of the shipment (PAPER_ENTRY_WORKING_DAYS), so a later or future date is refused.
   */
  function paperRecord(paper: NonNullable<TOpenManifest['paper']>, today: string): TPaperRecord {
    if (paper.shippedOn > today) throw fieldError('paper.shippedOn', `must not be in the future (today is ${today})`);
    const enterBy = addWorkingDays(paper.shippedOn, PAPER_ENTRY_WORKING_DAYS, kit.calendar);
    if (today > enterBy)
      throw fieldError(
        'paper.shippedOn',
        `a paper manifest is entered within ${PAPER_ENTRY_WORKING_DAYS} working days of the shipment; the last day for ${paper.shippedOn} was ${enterBy}`,
      );
    return { paperNumber: paper.paperNumber, shippedOn: paper.shippedOn, reason: paper.reason, enterBy };
  }

  const useCases = {
    /** POST /trades/:id/manifests: the shipper opens a trip (draft) on a funded trade. */
    async openManifest(actor: UserActor, tradeId: string, input: TOpenManifest): Promise<TManifest> {
      const pre = await getTradeRow(db, tradeId);
      assertShipper(actor, pre);
      // Read before the transaction: the catalogue reads on its own handle, which on PGlite would
      // wait for this transaction's connection.
      const material = await deps.catalog.getMaterial(pre.materialCode);
      return inTransaction(db, async (tx) => {
        const trade = await getTradeForUpdate(tx, tradeId);
        assertShipper(actor, trade);
        if (!OPENABLE.includes(trade.status))
          throw invalidState(
            trade.status,
            trade.status === 'awaiting_payment'
              ? 'the trade is not funded yet; trips are opened once the payer has paid into escrow'
              : `the trade is ${trade.status}; trips are opened while it is funded or in transit`,
            [...OPENABLE],
          );
        if (await repo.findClosure(tx, trade.id))
          throw invalidState(trade.status, 'shipments of this trade are closed; no more trips', []);
        const trips = await repo.manifestsOfTrade(tx, trade.id);
        const declared = trips.reduce((s, m) => s + m.declaredKg, 0);
        if (declared + input.declaredKg > trade.quantityKg)
          throw fieldError(
            'declaredKg',
            `the trips of this trade already declare ${declared} kg of ${trade.quantityKg} kg; at most ${trade.quantityKg - declared} kg remain`,
          );
        const number = await allocateManifestNumber(tx, shanghaiYear(clock.now()));
        const data = await buildOpenData(tx, trade, input, number, material);
        const id = ids.uuid();
        const { projection } = await append(
          tx,
          { id, state: null, lastHash: GENESIS_HASH, eventCount: 0 },
          {
            type: 'open',
            at: clock.now(),
            actor,
            data: data as unknown as Record<string, unknown>,
          },
        );
        const row = (await repo.findManifest(tx, id))!;
        await announce(tx, row, 'open', actor);
        logger.info({ manifestId: id, number: projection.number, tradeId }, 'manifest opened');
        return toManifest(tx, row, actor);
      });
    },
  };

  return useCases;
}
