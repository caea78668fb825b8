import { route } from '../../http/route.js';
import { ZIdParams, ZPage } from '../../../../shared/src/schemas/common.js';
import {
  ZCloseShipmentsRequest,
  ZManifest,
  ZManifestAudit,
  ZManifestEventRequest,
  ZManifestSummary,
  ZManifestsQuery,
  ZOpenManifestRequest,
  ZShipmentsClosed,
} from '../../../../shared/src/schemas/manifests.js';
import { ZResolveTradeRequest } from '../../../../shared/src/schemas/payments.js';
import {
  ZManifestExport,
  ZManifestExportQuery,
  ZManifestsExportQuery,
  type TManifestExport,
} from '../../../../shared/src/schemas/manifest-export.js';
import { ZCancelManifestRequest, ZManifestFormInput } from '../../../../shared/src/schemas/manifests.js';
import type { Request, Response } from 'express';
import type { ManifestsService } from './service.js';
import { manifestExportCsv } from './export-csv.js';

/** JSON unless the caller asked for CSV (format=csv, or Accept: text/csv). */
function sendExport(
  req: Request,
  res: Response,
  format: 'json' | 'csv',
  e: TManifestExport,
  name: string,
): TManifestExport | undefined {
  const csv = format === 'csv' || /(^|,)\s*text\/csv\b/i.test(req.get('Accept') ?? '');
  res.setHeader('Cache-Control', 'private, no-store');
  if (!csv) return e;
  res.status(200).type('text/csv; charset=utf-8').setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
  res.send(manifestExportCsv(e));
  return undefined;
}

export function manifestsRoutes({ manifests }: { manifests: ManifestsService }) {
  return [
    route({
      key: 'POST /trades/:id/manifests',
      summary: 'Open a trip (manifest, draft) on a funded trade: carrier, vehicle plate, driver, declared kg (the shipper)',
      tags: ['manifests'],
      params: ZIdParams,
      body: ZOpenManifestRequest,
      response: ZManifest,
      status: 201,
      handle: ({ actor, params, body }) => manifests.openManifest(actor, params.id, body),
    }),
    route({
      key: 'POST /trades/:id/close-shipments',
      summary: 'No more trips for this trade (the shipper); once every trip is received or rejected the trade is delivered',
      tags: ['manifests'],
      params: ZIdParams,
      body: ZCloseShipmentsRequest,
      response: ZShipmentsClosed,
      handle: ({ actor, params, body }) => manifests.closeShipments(actor, params.id, body),
    }),
    route({
      key: 'GET /manifests',
      summary: 'Manifests of your trips (shipper, carrier, receiver); regulators: origin or destination in scope',
      tags: ['manifests'],
      query: ZManifestsQuery,
      response: ZPage(ZManifestSummary),
      handle: ({ actor, query }) => manifests.listManifests(actor, query),
    }),
    // Before GET /manifests/:id, which would take `export` for an id.
    route({
      key: 'GET /manifests/export',
      summary:
        'Manifests opened on the Shanghai days [from, to] (at most 366), city-wide or by district, in the national electronic manifest layout; format=csv (or Accept: text/csv) for CSV',
      tags: ['manifests'],
      query: ZManifestsExportQuery,
      response: ZManifestExport,
      handle: async ({ actor, query, req, res }) =>
        sendExport(
          req,
          res,
          query.format,
          await manifests.exportManifests(actor, query),
          `manifests-${query.from}-${query.to}${query.district ? `-${query.district}` : ''}`,
        ),
    }),
    route({
      key: 'GET /manifests/:id',
      summary: 'One manifest with its timeline',
      tags: ['manifests'],
      params: ZIdParams,
      response: ZManifest,
      handle: ({ actor, params }) => manifests.getManifest(actor, params.id),
    }),
    route({
      key: 'POST /manifests/:id/events',
      summary: 'The next step: issue (shipper); load, depart, arrive (carrier); receive, report_disposal (receiver)',
      tags: ['manifests'],
      params: ZIdParams,
      body: ZManifestEventRequest,
      response: ZManifest,
      status: 201,
      handle: ({ actor, params, body }) => manifests.recordManifestEvent(actor, params.id, body),
    }),
    route({
      key: 'POST /manifests/:id/resolve',
      summary:
        "Resolve one disputed trip (admin): accepted kg and a note, a resolve event on the trip's chain; the trade settles on the sum once every disputed trip is resolved",
      tags: ['manifests'],
      params: ZIdParams,
      body: ZResolveTradeRequest,
      response: ZManifest,
      handle: ({ actor, params, body }) => manifests.resolveTrip(actor, params.id, body),
    }),
    route({
      key: 'POST /manifests/:id/cancel',
      summary: 'Cancel a draft trip (the shipper), with the reason: a cancel event in its chain; its kg no longer count',
      tags: ['manifests'],
      params: ZIdParams,
      body: ZCancelManifestRequest,
      response: ZManifest,
      handle: ({ actor, params, body }) => manifests.cancelManifest(actor, params.id, body),
    }),
    route({
      key: 'POST /manifests/:id/form',
      summary:
        "Add the national form's further fields (addresses, contacts, driver's certificate, vehicle permit, constituents, packages, plan, method) while the trip is under way (the shipper): a supplement event",
      tags: ['manifests'],
      params: ZIdParams,
      body: ZManifestFormInput,
      response: ZManifest,
      handle: ({ actor, params, body }) => manifests.supplementManifestForm(actor, params.id, body),
    }),
    route({
      key: 'GET /manifests/:id/export',
      summary: 'One manifest in the national electronic manifest layout (regulators in scope); format=csv for CSV',
      tags: ['manifests'],
      params: ZIdParams,
      query: ZManifestExportQuery,
      response: ZManifestExport,
      handle: async ({ actor, params, query, req, res }) => {
        const e = await manifests.exportManifest(actor, params.id);
        return sendExport(req, res, query.format, e, `manifest-${e.items[0]!.manifestNumber}`);
      },
    }),
    route({
      key: 'GET /manifests/:id/audit',
      summary: 'The stored events with their hashes, recomputed: valid, or the first event where the chain breaks',
      tags: ['manifests'],
      params: ZIdParams,
      response: ZManifestAudit,
      handle: ({ actor, params }) => manifests.auditManifest(actor, params.id),
    }),
    route({
      key: 'GET /manifests/:id/pdf',
      summary: 'The printable manifest (PDF, Chinese, with a QR code of the number)',
      tags: ['manifests'],
      params: ZIdParams,
      raw: true,
      handle: async ({ actor, params, res }) => {
        const { filename, pdf } = await manifests.manifestPdf(actor, params.id);
        res.setHeader('Content-Type', 'application/pdf');
        res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
        res.setHeader('Cache-Control', 'private, no-store');
        res.status(200).send(pdf);
      },
    }),
  ];
}
