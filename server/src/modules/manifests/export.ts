/**
 * Use cases: the manifest export (issue 14 item 4) in the national electronic manifest's layout, per
 * trip and in bulk by opening date and district, as JSON or CSV (export-csv.ts). For regulators in
 * scope and the admin, and for a machine client holding the `manifests:export` scope (the policy entry
 * of the export routes decides which clients reach here; this check is the object-level one).
 */
import { and, asc, gte, lt, or, eq, inArray, type SQL } from 'drizzle-orm';
import { AppError, ErrorCodes } from '../../../../shared/src/errors.js';
import { startOfShanghaiDay } from '../../../../shared/src/calendar.js';
import { addCalendarDays } from '../../../../shared/src/workdays.js';
import { disposalMethod } from '../../../../shared/src/disposal-methods.js';
import {
  EXPORT_MAX_ROWS,
  type TManifestExport,
  type TManifestExportRecord,
  type TManifestsExportQuery,
} from '../../../../shared/src/schemas/manifest-export.js';
import { isUserActor, type Actor } from '../../http/actor.js';
import { manifests } from '../../db/schema.js';
import { overseenDistricts } from '../orgs/index.js';
import { type ManifestKit, type ManifestRow, type ManifestsDeps, fieldError, iso } from './kit.js';
import * as repo from './repo.js';

/** The machine-client scope that reads the export (issue 14 item 1 grants it to the government's system). */
export const EXPORT_SCOPE = 'manifests:export';

/** The districts an exporter sees: null for all (city regulator, admin, a client with the scope). */
function exportDistricts(actor: Actor): string[] | null {
  if (!isUserActor(actor)) {
    if (actor.scopes.includes(EXPORT_SCOPE)) return null;
    throw new AppError(ErrorCodes.FORBIDDEN_ROLE, `this client lacks the ${EXPORT_SCOPE} scope`);
  }
  if (!actor.roles.includes('regulator') && !actor.roles.includes('admin'))
    throw new AppError(ErrorCodes.FORBIDDEN_ROLE, 'the manifest export is for regulators');
  return overseenDistricts(actor);
}

const nameOf = (code: string | null) => (code ? (disposalMethod(code)?.nameZh ?? null) : null);

/** One trip as the national layout's flat record; every field of the form, null where it has none. */
export function exportRecord(m: ManifestRow): TManifestExportRecord {
  const { shipper, carrier, receiver } = m.parties;
  const line = m.lines[0];
  const f = m.form;
  return {
    manifestNumber: m.number,
    officialNumber: m.officialNumber,
    kind: m.kind,
    status: m.status,
    paperManifest: m.paper !== null,
    paperNumber: m.paper?.paperNumber ?? null,
    paperShippedOn: m.paper?.shippedOn ?? null,
    shipperName: shipper.name,
    shipperUscc: shipper.uscc,
    shipperDistrict: shipper.district,
    shipperContactName: f.shipperContact?.name ?? null,
    shipperContactPhone: f.shipperContact?.phone ?? null,
    managementPlanRef: f.managementPlanRef,
    pickupAddress: f.pickupAddress,
    originDistrict: m.originDistrict,
    carrierName: carrier.name,
    carrierUscc: carrier.uscc,
    carrierLicenceNumber: carrier.licenceNumber,
    carrierContactName: f.carrierContact?.name ?? null,
    carrierContactPhone: f.carrierContact?.phone ?? null,
    vehiclePlate: m.vehiclePlate,
    vehiclePermitNumber: f.vehiclePermitNumber,
    driverName: m.driverName,
    driverCertificateNumber: f.driverCertificateNumber,
    receiverName: receiver.name,
    receiverUscc: receiver.uscc,
    receiverLicenceNumber: receiver.licenceNumber,
    receiverContactName: f.receiverContact?.name ?? null,
    receiverContactPhone: f.receiverContact?.phone ?? null,
    destinationAddress: f.destinationAddress,
    destinationDistrict: m.destinationDistrict,
    wasteCode: line?.wasteCode ?? m.wasteCode,
    wasteCategory: line?.category ?? m.category,
    wasteName: line?.nameZh ?? null,
    hazardCharacteristics: line?.hazardCharacteristics.join('/') || null,
    hazardousConstituents: f.hazardousConstituents,
    physicalForm: line?.form ?? null,
    packaging: line?.packaging ?? null,
    packageCount: f.packageCount,
    declaredKg: m.declaredKg,
    emergencyMeasures: m.emergencyMeasures,
    plannedMethodCode: f.plannedMethodCode,
    plannedMethodName: nameOf(f.plannedMethodCode),
    openedAt: m.createdAt.toISOString(),
    issuedAt: iso(m.issuedAt),
    loadedAt: iso(m.loadedAt),
    loadedKg: m.loadedKg,
    departedAt: iso(m.departedAt),
    arrivedAt: iso(m.arrivedAt),
    receivedAt: iso(m.receivedAt),
    receivedKg: m.receivedKg,
    receiptDecision: m.decision,
    acceptedKg: m.acceptedKg,
    decisionNote: m.decisionNote,
    disposalMethodCode: m.disposalMethodCode,
    disposalMethodName: nameOf(m.disposalMethodCode),
    disposalMethod: m.disposalMethod,
    disposalDate: m.disposalDate,
    closedAt: iso(m.closedAt),
    cancelledAt: iso(m.cancelledAt),
    cancelReason: m.cancelReason,
    chainLastHash: m.lastHash,
  };
}

export function createManifestExport(deps: ManifestsDeps, _kit: ManifestKit) {
  const { db, clock } = deps;
  return {
    /** GET /manifests/:id/export: one trip in the national layout. */
    async exportManifest(actor: Actor, id: string): Promise<TManifestExport> {
      const districts = exportDistricts(actor);
      const m = await repo.findManifest(db, id);
      if (!m || (districts !== null && !districts.includes(m.originDistrict) && !districts.includes(m.destinationDistrict)))
        throw new AppError(ErrorCodes.NOT_FOUND, 'no such manifest');
      return {
        layout: 'national-electronic-manifest',
        version: 1,
        generatedAt: clock.now().toISOString(),
        range: null,
        items: [exportRecord(m)],
      };
    },

    /** GET /manifests/export: the trips opened on the Shanghai days [from, to], in scope and the district asked for. */
    async exportManifests(actor: Actor, q: TManifestsExportQuery): Promise<TManifestExport> {
      const districts = exportDistricts(actor);
      if (q.district && districts !== null && !districts.includes(q.district)) throw fieldError('district', 'outside your scope');
      const wanted = q.district ? [q.district] : districts;
      const conds: (SQL | undefined)[] = [
        gte(manifests.createdAt, startOfShanghaiDay(q.from)),
        lt(manifests.createdAt, startOfShanghaiDay(addCalendarDays(q.to, 1))),
      ];
      if (wanted !== null)
        conds.push(
          wanted.length === 0
            ? eq(manifests.id, '00000000-0000-0000-0000-000000000000')
            : or(inArray(manifests.originDistrict, wanted), inArray(manifests.destinationDistrict, wanted)),
        );
      const rows = await db
        .select()
        .from(manifests)
        .where(and(...conds))
        .orderBy(asc(manifests.createdAt), asc(manifests.seq))
        .limit(EXPORT_MAX_ROWS + 1);
      if (rows.length > EXPORT_MAX_ROWS)
        throw fieldError('to', `more than ${EXPORT_MAX_ROWS} manifests in the range; export a shorter range or one district`);
      return {
        layout: 'national-electronic-manifest',
        version: 1,
        generatedAt: clock.now().toISOString(),
        range: { from: q.from, to: q.to, district: q.district ?? null },
        items: rows.map(exportRecord),
      };
    },
  };
}
