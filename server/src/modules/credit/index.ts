/** The credit module's public entry: the read model every module consults, credit inputs, the service. */
export { readCredit, readCreditLevels, type CreditLevel, type CreditReading } from './read-model.js';
export { recordCreditEvent, type CreditEventInput } from './events.js';
export { createCreditService, type CreditService } from './service.js';
// The webhook machinery (signed sends, address checks, backoff), shared with the topic feeds' webhooks.
export { sendWebhook, type SendResult } from './webhooks.js';
export { UnsafeUrlError, validateWebhookUrl } from './ssrf.js';
export { backoffMs } from './kit.js';
export { publicRedBlackList } from './public-list.js';
