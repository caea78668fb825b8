import { route } from '../../http/route.js';
import { ZIdParams, ZPage } from '../../../../shared/src/schemas/common.js';
import { ZAlert, ZAlertsQuery, ZResolveAlertRequest } from '../../../../shared/src/schemas/regulator.js';
import type { AlertsService } from './service.js';

export function alertsRoutes({ alerts }: { alerts: AlertsService }) {
  return [
    route({
      key: 'GET /regulator/alerts',
      summary: 'Alerts in scope (a city regulator also sees alerts without a district), newest first',
      tags: ['regulator'],
      query: ZAlertsQuery,
      response: ZPage(ZAlert),
      handle: ({ actor, query }) => alerts.listAlerts(actor, query),
    }),
    route({
      key: 'POST /regulator/alerts/:id/resolve',
      summary: 'Resolve an open alert with a note; records who and why (audited)',
      tags: ['regulator'],
      params: ZIdParams,
      body: ZResolveAlertRequest,
      response: ZAlert,
      status: 200,
      handle: ({ actor, params, body }) => alerts.resolveAlert(actor, params.id, body.note),
    }),
  ];
}
