import { expect } from 'chai';
import { BID_STATUSES, LISTING_STATUSES, MANIFEST_STATUSES, TRADE_STATUSES } from '../../shared/src/enums.js';
import { zhCN } from '../../client/src/i18n/zh-CN.js';
import { en } from '../../client/src/i18n/en.js';

// No raw status (`awaiting_payment`) reaches a user (issue 13 item 5): every state of a trade, a
// manifest, a listing and a bid has a label in both languages, under the key the client looks up
// (the status badges and filters), and the label is words, not the enum value.

const dictionaries = { 'zh-CN': zhCN as Record<string, string>, en: en as Record<string, string> };
const walks: { what: string; prefix: string; values: readonly string[] }[] = [
  { what: 'trade', prefix: 'trade.status.', values: TRADE_STATUSES },
  { what: 'manifest', prefix: 'manifest.status.', values: MANIFEST_STATUSES },
  { what: 'listing', prefix: 'listing.status.', values: LISTING_STATUSES },
  { what: 'bid', prefix: 'bid.status.', values: BID_STATUSES },
];

describe('status labels: every trade, manifest, listing and bid state in words, zh-CN and en', () => {
  for (const { what, prefix, values } of walks)
    for (const [lang, dict] of Object.entries(dictionaries))
      it(`each ${what} status has a ${lang} label that is not the raw value`, () => {
        const missing = values.filter((v) => !dict[`${prefix}${v}`]?.trim());
        expect(missing, `no ${lang} label for these ${what} statuses`).to.deep.equal([]);
        const raw = values.filter((v) => {
          const label = dict[`${prefix}${v}`]!;
          return label === v || /^[a-z]+(_[a-z]+)+$/.test(label);
        });
        expect(raw, `${lang} labels that are the enum value`).to.deep.equal([]);
      });
});
