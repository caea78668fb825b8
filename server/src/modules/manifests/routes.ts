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
import type { ManifestsService } from './service.js';

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
