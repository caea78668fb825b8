import { route } from '../../http/route.js';
import { ZIdParams, ZPage } from '../../../../shared/src/schemas/common.js';
import {
  ZAddMemberRequest,
  ZCreateAuthorityOrgRequest,
  ZCreateLicenceRequest,
  ZCreatedOrgResponse,
  ZLicence,
  ZLicenceDecisionRequest,
  ZLicencesQuery,
  ZMember,
  ZOrgLicencesQuery,
  ZOrgProfile,
} from '../../../../shared/src/schemas/orgs.js';
import { ZCarrier, ZCarriersQuery } from '../../../../shared/src/schemas/carriers.js';
import type { OrgsService } from './service.js';

export function orgsRoutes({ orgs }: { orgs: OrgsService }) {
  return [
    route({
      key: 'POST /admin/orgs',
      summary: 'Create a regulator or credit agency org and its owner (admin)',
      tags: ['orgs'],
      body: ZCreateAuthorityOrgRequest,
      response: ZCreatedOrgResponse,
      status: 201,
      handle: ({ actor, body }) => orgs.createAuthorityOrg(actor, body),
    }),
    route({
      key: 'GET /orgs/:id',
      summary: "An org's public profile",
      tags: ['orgs'],
      params: ZIdParams,
      response: ZOrgProfile,
      handle: ({ params }) => orgs.getProfile(params.id),
    }),
    route({
      key: 'POST /orgs/:id/users',
      summary: 'Add a member user to your org (owner)',
      tags: ['orgs'],
      params: ZIdParams,
      body: ZAddMemberRequest,
      response: ZMember,
      status: 201,
      handle: ({ actor, params, body }) => orgs.addMember(actor, params.id, body),
    }),
    route({
      key: 'POST /orgs/:id/licences',
      summary: 'Submit a disposal or transport licence for review (owner)',
      tags: ['licences'],
      params: ZIdParams,
      body: ZCreateLicenceRequest,
      response: ZLicence,
      status: 201,
      handle: ({ actor, params, body }) => orgs.createLicence(actor, params.id, body),
    }),
    route({
      key: 'GET /orgs/:id/licences',
      summary: "An org's licences (its users, regulators in scope, admin)",
      tags: ['licences'],
      params: ZIdParams,
      query: ZOrgLicencesQuery,
      response: ZPage(ZLicence),
      handle: ({ actor, params, query }) => orgs.listOrgLicences(actor, params.id, query),
    }),
    route({
      key: 'POST /licences/:id/approve',
      summary: 'Approve a pending licence (regulator in scope, admin); audited',
      tags: ['licences'],
      params: ZIdParams,
      body: ZLicenceDecisionRequest,
      response: ZLicence,
      handle: ({ actor, params, body }) => orgs.approveLicence(actor, params.id, body.note),
    }),
    route({
      key: 'POST /licences/:id/suspend',
      summary: 'Suspend an approved licence (regulator in scope, admin); audited',
      tags: ['licences'],
      params: ZIdParams,
      body: ZLicenceDecisionRequest,
      response: ZLicence,
      handle: ({ actor, params, body }) => orgs.suspendLicence(actor, params.id, body.note),
    }),
    route({
      key: 'GET /licences',
      summary: 'Licences of orgs in your scope, oldest first (regulator, admin)',
      tags: ['licences'],
      query: ZLicencesQuery,
      response: ZPage(ZLicence),
      handle: ({ actor, query }) => orgs.listLicences(actor, query),
    }),
    route({
      key: 'GET /carriers',
      summary: 'The carrier directory by name or USCC; with a hazardous code, only carriers licensed for it today',
      tags: ['orgs'],
      query: ZCarriersQuery,
      response: ZPage(ZCarrier),
      handle: ({ query }) => orgs.listCarriers(query),
    }),
  ];
}
