/** The credit module's public entry: the read model every module consults, credit inputs, the service. */
export { readCredit, readCreditLevels, type CreditLevel, type CreditReading } from './read-model.js';
export { recordCreditEvent, type CreditEventInput } from './events.js';
export { createCreditService, type CreditService } from './service.js';
// The webhook machinery (address checks; the delivery runner with its signed sends, retries with
// backoff and dead letters), shared with the topic feeds' webhooks.
export { UnsafeUrlError, validateWebhookUrl } from './ssrf.js';
export { createDeliveryRunner } from './delivery-runner.js';
export { publicRedBlackList } from './public-list.js';
