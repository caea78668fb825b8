/** The orgs module's public entry: organisations, their licences and regulator scope, the service. */
export {
  assertOrgFree,
  createOrgRow,
  createOrgsService,
  getOrgRow,
  licencesFor,
  overseenDistricts,
  oversees,
  toOrg,
  type HeldLicence,
  type OrgRow,
  type OrgsPorts,
  type OrgsService,
} from './service.js';
export { orgIdByUscc } from './registry.js';
