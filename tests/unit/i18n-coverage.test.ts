import { expect } from 'chai';
import { ErrorCodes } from '../../shared/src/errors.js';
import { zhCN } from '../../client/src/i18n/zh-CN.js';
import { en } from '../../client/src/i18n/en.js';

const dictionaries = { 'zh-CN': zhCN as Record<string, string>, en: en as Record<string, string> };

describe('i18n coverage (issue 13 item 9)', () => {
  for (const [lang, dict] of Object.entries(dictionaries)) {
    it(`every API error code has a non-empty ${lang} message`, () => {
      const missing = Object.values(ErrorCodes).filter((code) => !(dict[`error.${code}`] ?? '').trim());
      expect(missing, `error codes without ${lang} text`).to.deep.equal([]);
    });
  }

  it('every zh-CN key exists in en and every en key exists in zh-CN', () => {
    const zhKeys = Object.keys(zhCN);
    const enKeys = new Set(Object.keys(en));
    expect(
      zhKeys.filter((k) => !enKeys.has(k)),
      'keys only in zh-CN',
    ).to.deep.equal([]);
    expect(
      [...enKeys].filter((k) => !(k in zhCN)),
      'keys only in en',
    ).to.deep.equal([]);
  });

  it('no message is empty in either language', () => {
    for (const [lang, dict] of Object.entries(dictionaries)) {
      const empty = Object.entries(dict)
        .filter(([, text]) => !text.trim())
        .map(([k]) => k);
      expect(empty, `empty ${lang} messages`).to.deep.equal([]);
    }
  });

  it('a message uses the same {placeholders} in both languages', () => {
    const names = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const differing = Object.keys(zhCN).filter(
      (k) => k in en && names((zhCN as Record<string, string>)[k]!).join() !== names((en as Record<string, string>)[k]!).join(),
    );
    expect(differing, 'keys whose placeholders differ').to.deep.equal([]);
  });
});
