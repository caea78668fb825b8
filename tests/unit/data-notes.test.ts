import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import { noteZh } from '../../client/src/features/catalog/dataNotes.js';
import { composeBand } from '../../server/src/modules/prices/bands.js';

const data = async <T>(name: string): Promise<T> =>
  JSON.parse(await readFile(new URL(`../../shared/data/${name}`, import.meta.url), 'utf8')) as T;

/** Issue 13 item 9: the catalogue notes the UI shows have Chinese, not only the data's English. */
describe('catalogue and band notes in Chinese', () => {
  it('every material note in waste-codes.json has a Chinese translation', async () => {
    const codes = await data<{ code: string; note?: string }[]>('waste-codes.json');
    const notes = codes.filter((c) => c.note);
    expect(notes).to.not.be.empty;
    expect(notes.filter((c) => !noteZh(c.note)).map((c) => c.code)).to.deep.equal([]);
  });

  it('every seeded band source in reference-prices.json has a Chinese translation', async () => {
    const { bands } = await data<{ bands: { materialCode: string; source: string }[] }>('reference-prices.json');
    expect(bands.filter((b) => !noteZh(b.source)).map((b) => b.materialCode)).to.deep.equal([]);
  });

  it('the notes the server writes on a band from trades and on a pin are translated with their figures', () => {
    const trade = {
      lowFen: 30_800,
      medianFen: 34_000,
      highFen: 37_200,
      observations: 5,
      trades: 6,
      generators: 5,
      receivers: 4,
      windowDays: 180,
    };
    const seed = { lowFen: 20_000, medianFen: 25_000, highFen: 30_000, source: 'seed' as const, note: 'x', pinnedAt: null };
    const widened = composeBand('HH-01', seed, trade)!;
    expect(noteZh(widened.note)).to.equal(
      '近 180 天 5 个“买卖双方-周”观测值的 p10/p50/p90（6 笔已结算成交，5 家产废单位，4 家接收单位）；已放宽至初始区间的相对宽度',
    );
    const unseeded = composeBand('X', null, { ...trade, lowFen: 10_000, highFen: 90_000 })!;
    expect(noteZh(unseeded.note)).to.match(/^近 180 天 5 个.*4 家接收单位）$/);
    expect(noteZh('pinned by a regulator')).to.equal('由监管部门固定');
    expect(noteZh('something new')).to.equal(null);
    expect(noteZh(null)).to.equal(null);
  });
});
