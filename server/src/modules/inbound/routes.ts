import { route } from '../../http/route.js';
import { ZIdParams } from '../../../../shared/src/schemas/common.js';
import {
  ZInboundLicenceRequest,
  ZInboundResult,
  ZInboundSanctionRequest,
  ZOfficialNumberRequest,
  ZLicenceNumberParams,
  ZUsccVerificationRequest,
} from '../../../../shared/src/schemas/clients.js';
import type { InboundService } from './service.js';

export function inboundRoutes({ inbound }: { inbound: InboundService }) {
  return [
    route({
      key: 'PUT /inbound/licences/:number',
      summary:
        'The government licensing register: create or update a licence by its number (licences:write); suspended or revoked stops eligibility at once; idempotent by sourceId',
      tags: ['inbound'],
      params: ZLicenceNumberParams,
      body: ZInboundLicenceRequest,
      response: ZInboundResult,
      handle: ({ actor, params, body }) => inbound.upsertLicence(actor, params.number, body),
    }),
    route({
      key: 'PUT /inbound/manifests/:id/official-number',
      summary:
        "The national system's number for a manifest (manifests:write-official), recorded as an event on the trip's chain; idempotent by sourceId",
      tags: ['inbound'],
      params: ZIdParams,
      body: ZOfficialNumberRequest,
      response: ZInboundResult,
      handle: ({ actor, params, body }) => inbound.setOfficialNumber(actor, params.id, body),
    }),
    route({
      key: 'POST /inbound/sanctions',
      summary:
        'The government system records a sanction (sanctions:write) for the regulator org it acts for; the same effect as a regulator’s; idempotent by sourceId',
      tags: ['inbound'],
      body: ZInboundSanctionRequest,
      response: ZInboundResult,
      status: 200,
      handle: ({ actor, body }) => inbound.recordSanction(actor, body),
    }),
    route({
      key: 'POST /inbound/orgs/:id/uscc-verification',
      summary: "The enterprise registry confirmed an organisation's USCC (orgs:verify); idempotent by sourceId",
      tags: ['inbound'],
      params: ZIdParams,
      body: ZUsccVerificationRequest,
      response: ZInboundResult,
      status: 200,
      handle: ({ actor, params, body }) => inbound.verifyUscc(actor, params.id, body),
    }),
  ];
}
