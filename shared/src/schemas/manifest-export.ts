/**
 * The manifest export (issue 14 item 4): one record per trip in the layout of the national electronic
 * manifest (危险废物转移联单, 危险废物转移管理办法 2021), flat so that JSON and CSV carry the same
 * columns in the same order. docs/manifest-export.md describes each field.
 */
import { z } from 'zod';
import { ZDistrict } from './common.js';
import { ZCalendarDate } from './regulator.js';

/** The columns, in order: the JSON keys and the CSV header are both this list. */
export const MANIFEST_EXPORT_FIELDS = [
  'manifestNumber',
  'officialNumber',
  'kind',
  'status',
  'paperManifest',
  'paperNumber',
  'paperShippedOn',
  'shipperName',
  'shipperUscc',
  'shipperDistrict',
  'shipperContactName',
  'shipperContactPhone',
  'managementPlanRef',
  'pickupAddress',
  'originDistrict',
  'carrierName',
  'carrierUscc',
  'carrierLicenceNumber',
  'carrierContactName',
  'carrierContactPhone',
  'vehiclePlate',
  'vehiclePermitNumber',
  'driverName',
  'driverCertificateNumber',
  'receiverName',
  'receiverUscc',
  'receiverLicenceNumber',
  'receiverContactName',
  'receiverContactPhone',
  'destinationAddress',
  'destinationDistrict',
  'wasteCode',
  'wasteCategory',
  'wasteName',
  'hazardCharacteristics',
  'hazardousConstituents',
  'physicalForm',
  'packaging',
  'packageCount',
  'declaredKg',
  'emergencyMeasures',
  'plannedMethodCode',
  'plannedMethodName',
  'openedAt',
  'issuedAt',
  'loadedAt',
  'loadedKg',
  'departedAt',
  'arrivedAt',
  'receivedAt',
  'receivedKg',
  'receiptDecision',
  'acceptedKg',
  'decisionNote',
  'disposalMethodCode',
  'disposalMethodName',
  'disposalMethod',
  'disposalDate',
  'closedAt',
  'cancelledAt',
  'cancelReason',
  'chainLastHash',
] as const;
export type TManifestExportField = (typeof MANIFEST_EXPORT_FIELDS)[number];

const s = z.string().nullable();
const n = z.number().int().nullable();
const numeric = new Set<TManifestExportField>(['packageCount', 'declaredKg', 'loadedKg', 'receivedKg', 'acceptedKg']);

/** One exported trip: every column present, null where the form has no value. */
export const ZManifestExportRecord = z.object(
  Object.fromEntries(
    MANIFEST_EXPORT_FIELDS.map((f) => [f, f === 'paperManifest' ? z.boolean() : numeric.has(f) ? n : s]),
  ) as unknown as Record<TManifestExportField, z.ZodType<string | number | boolean | null>>,
);
export type TManifestExportRecord = Record<TManifestExportField, string | number | boolean | null>;

export const ZManifestExport = z.object({
  layout: z.literal('national-electronic-manifest'),
  version: z.literal(1),
  generatedAt: z.string(),
  /** The bulk query, echoed (null on a single manifest's export). */
  range: z.object({ from: z.string(), to: z.string(), district: z.string().nullable() }).nullable(),
  items: z.array(ZManifestExportRecord),
});
export type TManifestExport = z.infer<typeof ZManifestExport>;

export const EXPORT_FORMATS = ['json', 'csv'] as const;
const ZFormat = z.enum(EXPORT_FORMATS, { message: 'json or csv' }).default('json');

/** GET /manifests/:id/export */
export const ZManifestExportQuery = z.strictObject({ format: ZFormat });

/** At most this many days in one bulk export, and at most this many trips. */
export const EXPORT_MAX_DAYS = 366;
export const EXPORT_MAX_ROWS = 5000;

/** GET /manifests/export: trips opened on the Shanghai days [from, to], city-wide or in one district. */
export const ZManifestsExportQuery = z
  .strictObject({
    from: ZCalendarDate,
    to: ZCalendarDate,
    /** Trips whose origin or destination is this district. */
    district: ZDistrict.optional(),
    format: ZFormat,
  })
  .superRefine((q, ctx) => {
    if (q.from > q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
    const days = (Date.parse(`${q.to}T00:00:00Z`) - Date.parse(`${q.from}T00:00:00Z`)) / 86_400_000 + 1;
    if (days > EXPORT_MAX_DAYS)
      ctx.addIssue({ code: 'custom', path: ['to'], message: `at most ${EXPORT_MAX_DAYS} days from from` });
  });
export type TManifestsExportQuery = z.infer<typeof ZManifestsExportQuery>;
