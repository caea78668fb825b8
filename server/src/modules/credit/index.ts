/** The credit module's public entry: the read model every module consults, credit inputs, the service. */
export { readCredit, readCreditLevels, type CreditLevel, type CreditReading } from './read-model.js';
export { recordCreditEvent, type CreditEventInput } from './events.js';
export { createCreditService, type CreditService } from './service.js';
export { publicRedBlackList } from './public-list.js';
