import { useCallback } from 'react';
import { useI18n } from '../../i18n';

/** Texts of the continuous market pages, zh-CN first and English second, kept with the feature. */
const zhCN = {
  title: '{name} 连续交易市场',
  intro:
    '标准品级连续撮合：买单（收购方）与卖单（产废方）按价格优先、时间优先成交，成交价为挂单方的价格。每笔成交都是一笔普通交易：托管付款、联单运输、结算。',
  terms: '最小手数 {lot}，价格最小变动 {tick}。',
  back: '← 返回市场',
  'book.title': '盘口',
  'book.asks': '卖单',
  'book.bids': '买单',
  'book.price': '价格',
  'book.quantity': '数量',
  'book.orders': '订单数',
  'book.empty': '暂无挂单。',
  'chart.title': '成交走势',
  'chart.loading': '正在加载图表……',
  'chart.label': '最近成交价格走势图',
  'prints.title': '最近成交',
  'prints.empty': '暂无成交。',
  'prints.time': '时间',
  'prints.side': '主动方',
  'side.buy': '买入',
  'side.sell': '卖出',
  'form.title': '下单',
  'form.side': '方向',
  'form.side.buy': '买入（收购方付款或收取处置费）',
  'form.side.sell': '卖出（产废方）',
  'form.price': '限价',
  'form.quantity': '数量',
  'form.quantity.hint': '须为 {lot} 的整数倍。',
  'form.quantity.lots': '须为 {lot} 的整数倍',
  'form.price.tick': '价格须为 {tick} 的整数倍',
  'form.district': '所在区县',
  'form.district.hint': '卖出：货物所在地（运输起点）；买入：收货地。',
  'form.submit': '提交订单',
  'form.signIn': '登录后即可下单。',
  'form.noRole': '只有产废单位（卖出）和回收利用单位（买入）可以下单。',
  'result.filled': '已成交 {filled}，挂单剩余 {resting}。',
  'result.cancelled': '为避免与本单位的挂单成交，剩余 {cancelled} 已撤销。',
  'result.trades': '查看成交的交易',
  'mine.title': '我的挂单',
  'mine.empty': '暂无挂单。',
  'mine.cancel': '撤单',
  'mine.remaining': '剩余',
  'mine.filled': '已成交',
  'markets.title': '连续交易市场',
  'markets.intro': '标准品级（废钢、黄板纸、PET 瓶片、旧衣物）按盘口连续撮合。',
  'live.on': '实时更新',
  'watch.title': '价格提醒',
  'watch.intro': '有新的挂牌、订单或成交符合条件时，通过通知中心提醒您（每件事只提醒一次）。',
  'watch.max': '最高价格（元/吨，可不填）',
  'watch.add': '关注此品级',
  'watch.remove': '取消关注',
  'watch.any': '任意价格',
  'watch.upTo': '不高于 {price}',
};
type MarketsMessageKey = keyof typeof zhCN;

const en: Record<MarketsMessageKey, string> = {
  title: '{name}: continuous market',
  intro:
    'Standard grades trade continuously: buy orders (receivers) and sell orders (generators) match by price, then time, at the resting order’s price. Each fill is an ordinary trade: escrow, manifests, settlement.',
  terms: 'Minimum lot {lot}, price step {tick}.',
  back: '← Back to the market',
  'book.title': 'Order book',
  'book.asks': 'Sell orders',
  'book.bids': 'Buy orders',
  'book.price': 'Price',
  'book.quantity': 'Quantity',
  'book.orders': 'Orders',
  'book.empty': 'No orders yet.',
  'chart.title': 'Prints',
  'chart.loading': 'Loading the chart…',
  'chart.label': 'Chart of recent trade prices',
  'prints.title': 'Recent trades',
  'prints.empty': 'No trades yet.',
  'prints.time': 'Time',
  'prints.side': 'Aggressor',
  'side.buy': 'Buy',
  'side.sell': 'Sell',
  'form.title': 'Place an order',
  'form.side': 'Side',
  'form.side.buy': 'Buy (you receive the material)',
  'form.side.sell': 'Sell (you generate the material)',
  'form.price': 'Limit price',
  'form.quantity': 'Quantity',
  'form.quantity.hint': 'Whole lots of {lot}.',
  'form.quantity.lots': 'Must be whole lots of {lot}',
  'form.price.tick': 'Must be a whole number of steps of {tick}',
  'form.district': 'District',
  'form.district.hint': 'Selling: where the material is (the trip’s origin); buying: where it is delivered.',
  'form.submit': 'Place order',
  'form.signIn': 'Sign in to place orders.',
  'form.noRole': 'Only generators (selling) and recyclers (buying) place orders.',
  'result.filled': 'Filled {filled}; {resting} rests on the book.',
  'result.cancelled': '{cancelled} was cancelled rather than trade with your own organisation’s order.',
  'result.trades': 'View the trades',
  'mine.title': 'My open orders',
  'mine.empty': 'No open orders.',
  'mine.cancel': 'Cancel',
  'mine.remaining': 'Remaining',
  'mine.filled': 'Filled',
  'markets.title': 'Continuous markets',
  'markets.intro': 'Standard grades (scrap steel, OCC waste paper, PET flakes, used clothing) trade on an order book.',
  'live.on': 'Live',
  'watch.title': 'Price alerts',
  'watch.intro': 'The notification centre tells you when a new listing, order or trade matches (once for each).',
  'watch.max': 'Highest price (yuan/t, optional)',
  'watch.add': 'Watch this grade',
  'watch.remove': 'Stop watching',
  'watch.any': 'any price',
  'watch.upTo': 'at most {price}',
};

const DICTIONARIES = { 'zh-CN': zhCN as Record<MarketsMessageKey, string>, en };

export type MarketsT = (key: MarketsMessageKey, params?: Record<string, string | number>) => string;

/** The feature's texts in the current language. */
export function useMarketsText(): MarketsT {
  const { lang } = useI18n();
  return useCallback(
    (key, params) => {
      const text = DICTIONARIES[lang][key] ?? zhCN[key] ?? key;
      return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : text;
    },
    [lang],
  );
}

/** Every key, for the i18n completeness check. */
export const MARKETS_MESSAGES = { 'zh-CN': zhCN, en } as const;
