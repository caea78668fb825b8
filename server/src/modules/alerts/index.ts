/** The alerts module's public entry: raising an alert, the capacity rule, the service. */
export { createAlertsService, raiseAlert, type AlertsService, type RaiseAlert } from './service.js';
export { alertIfCapacityHigh, CAPACITY_HIGH_BP, isCapacityHigh, permittedCapacity } from './capacity.js';
