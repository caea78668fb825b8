/**
 * Chinese for the English notes the catalogue data carries (shared/data/waste-codes.json `note`,
 * reference-prices.json band `source`) and for the notes the server writes on a band (a pin, a band
 * from trades). The data files are English-only and are copied from the programme's reference data,
 * so the translation lives here, keyed by the exact English text; tests/unit/data-notes.test.ts fails
 * when the data gains a note without a translation. Verification notes stay as the data states them.
 */

const NOTES_ZH: Record<string, string> = {
  'medical waste goes to designated centralised disposal; listed for reference, not tradeable':
    '医疗废物由指定单位集中处置；仅列出供参考，不可交易',
  "hazardous or not according to the listing's classifiedCode (an HW code, 900-000-NN from a test report, or an SW class)":
    '是否属于危险废物取决于挂牌填写的鉴别代码（危险废物代码、检测报告给出的 900-000-NN，或一般工业固废类别）',
  'heavy scrap steel, Zhangjiagang, March 2024, ex-tax (public market report)':
    '重废钢，张家港，2024 年 3 月，不含税（公开市场报道）',
  'used clothing collection price, public report': '旧衣物回收价格，公开报道',
  'industrial waste salt disposal fee paid by the generator, public report': '工业废盐处置费，由产废单位支付，公开报道',
  'hazardous waste landfill/incineration fee range (Beijing, public price list), used as a proxy':
    '危险废物填埋/焚烧收费区间（北京公开价目表），作为参考替代',
  'HW13 disposal price range posted on the Jiangxi hazardous-waste supply and demand platform (2022)':
    '江西省危险废物供需平台公布的 HW13 处置价格区间（2022 年）',
  'pinned by a regulator': '由监管部门固定',
};

/** The note the server writes on a band from trades (server/src/modules/prices/bands.ts composeBand). */
const TRADES_NOTE =
  /^p10\/p50\/p90 of (\d+) pair-week observations \((\d+) settled trades, (\d+) generators, (\d+) receivers\) in the last (\d+) days(; widened to the seeded band's relative width|; widened to ±15 % of the median)?$/;

/** The Chinese for a data or band note; null when there is none (the UI then shows the English, marked as such). */
export function noteZh(en: string | null | undefined): string | null {
  if (!en) return null;
  const fixed = NOTES_ZH[en];
  if (fixed) return fixed;
  const m = TRADES_NOTE.exec(en);
  if (!m) return null;
  const [, observations, trades, generators, receivers, days, widened] = m;
  const floor = !widened ? '' : widened.includes('seeded') ? '；已放宽至初始区间的相对宽度' : '；已放宽至中位数 ±15 %';
  return `近 ${days} 天 ${observations} 个“买卖双方-周”观测值的 p10/p50/p90（${trades} 笔已结算成交，${generators} 家产废单位，${receivers} 家接收单位）${floor}`;
}
