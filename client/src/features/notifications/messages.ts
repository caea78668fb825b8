import { useCallback } from 'react';
import { useI18n } from '../../i18n';

/**
 * Texts of the notification centre, zh-CN first and English second, kept with the feature (as
 * payments/messages.ts). A notification's sentence is built here from its kind and data: the server
 * stores facts, not text.
 */
const zhCN = {
  'nav.notifications': '通知',
  'bell.label': '通知',
  'bell.unread': '{count} 条未读通知',
  title: '通知',
  intro: '与贵单位有关的出价、成交、付款、联单、期限提醒、许可证、处罚和信用等级变化。',
  'filter.all': '全部',
  'filter.unread': '未读',
  empty: '暂无通知。',
  emptyUnread: '没有未读通知。',
  markRead: '标为已读',
  read: '已读',
  unread: '未读',
  open: '查看',
  preferences: '通知设置',
  'prefs.title': '通知设置',
  'prefs.intro': '选择接收哪些通知。关闭后不再生成该类通知；其他同事的设置不受影响。',
  'prefs.saved': '已保存。',
  'prefs.save': '保存',
  'prefs.back': '返回通知',
  'kind.bid_received': '收到出价',
  'kind.outbid': '出价被超过',
  'kind.auction_won': '竞价中标',
  'kind.auction_lost': '竞价未中标',
  'kind.trade_created': '新成交',
  'kind.payment_due': '待付款',
  'kind.payment_received': '已收到付款',
  'kind.trade_updated': '交易进展',
  'kind.manifest_step': '联单进展',
  'kind.deadline_reminder': '期限提醒',
  'kind.licence_decision': '许可证审批',
  'kind.sanction': '行政处罚',
  'kind.credit_level': '信用等级变化',
  'kind.watch_match': '关注提醒',
  'text.watch_match': '您关注的 {material} 有新{what}：{tonnes}，{price}。',
  'what.supply_listing': '供应挂牌',
  'what.demand_listing': '求购挂牌',
  'what.sell_order': '卖单',
  'what.buy_order': '买单',
  'what.print': '成交',
  'text.bid_received': '您的挂牌收到新出价（共 {bidCount} 个）。',
  'text.outbid': '您在竞价挂牌中的出价已被更高的出价超过。',
  'text.auction_won': '竞价结束：您的出价中标，成交 {tonnes}。',
  'text.auction_lost': '竞价结束：您的出价未中标。',
  'text.trade_created': '新的交易已成交，状态：{status}。',
  'text.payment_due': '交易已成交，请您付款进入托管。',
  'text.payment_received': '付款已进入托管，可以安排运输。',
  'text.trade_updated': '交易状态变为：{status}。',
  'text.manifest_step': '联单 {number}：{status}。',
  'text.deadline.receipt': '联单 {number} 须在 {due} 前确认接收（截止前 {lead}提醒）。',
  'text.deadline.disposal': '联单 {number} 须在 {due} 前报告处置（截止前 {lead}提醒）。',
  'lead.underHour': '不到 1 小时',
  'lead.hour1': '1 小时',
  'lead.hours': '{n} 小时',
  'lead.day1': '1 天',
  'lead.days': '{n} 天',
  'text.licence.approve': '许可证 {number} 已获批准。',
  'text.licence.suspend': '许可证 {number} 已被暂停。',
  'text.licence.reject': '许可证 {number} 的申请被驳回。',
  'text.licence.reinstate': '许可证 {number} 已恢复。',
  'text.licence.revoke': '许可证 {number} 已被吊销。',
  'text.licence.other': '许可证 {number} 的状态已变更。',
  'text.sanction': '监管部门记录了一项{severity}处罚：{reason}',
  'severity.minor': '轻微',
  'severity.major': '较重',
  'severity.serious': '严重',
  'text.credit_level': '贵单位的信用等级由{from}变为{to}。',
} as const;

export type NotificationsMessageKey = keyof typeof zhCN;

const en: Record<NotificationsMessageKey, string> = {
  'nav.notifications': 'Notifications',
  'bell.label': 'Notifications',
  'bell.unread': '{count} unread notifications',
  title: 'Notifications',
  intro:
    'Bids, trades, payments, manifests, deadline reminders, licences, sanctions and credit level changes that concern your organisation.',
  'filter.all': 'All',
  'filter.unread': 'Unread',
  empty: 'No notifications yet.',
  emptyUnread: 'No unread notifications.',
  markRead: 'Mark read',
  read: 'Read',
  unread: 'Unread',
  open: 'Open',
  preferences: 'Notification settings',
  'prefs.title': 'Notification settings',
  'prefs.intro':
    'Choose which notifications you receive. A kind turned off is no longer written for you; your colleagues keep their own settings.',
  'prefs.saved': 'Saved.',
  'prefs.save': 'Save',
  'prefs.back': 'Back to notifications',
  'kind.bid_received': 'Bid received',
  'kind.outbid': 'Outbid',
  'kind.auction_won': 'Auction won',
  'kind.auction_lost': 'Auction lost',
  'kind.trade_created': 'New trade',
  'kind.payment_due': 'Payment due',
  'kind.payment_received': 'Payment received',
  'kind.trade_updated': 'Trade progress',
  'kind.manifest_step': 'Manifest progress',
  'kind.deadline_reminder': 'Deadline reminder',
  'kind.licence_decision': 'Licence decision',
  'kind.sanction': 'Sanction',
  'kind.credit_level': 'Credit level change',
  'kind.watch_match': 'Watch alert',
  'text.watch_match': 'New {what} on {material} you watch: {tonnes} at {price}.',
  'what.supply_listing': 'supply listing',
  'what.demand_listing': 'demand listing',
  'what.sell_order': 'sell order',
  'what.buy_order': 'buy order',
  'what.print': 'trade',
  'text.bid_received': 'Your listing received a bid ({bidCount} in all).',
  'text.outbid': 'Your bid on an auction was outbid by a higher one.',
  'text.auction_won': 'Auction closed: your bid won {tonnes}.',
  'text.auction_lost': 'Auction closed: your bid did not win.',
  'text.trade_created': 'A new trade was made; status: {status}.',
  'text.payment_due': 'A trade was made; please pay into escrow.',
  'text.payment_received': 'The payment is in escrow; transport can be arranged.',
  'text.trade_updated': 'The trade is now: {status}.',
  'text.manifest_step': 'Manifest {number}: {status}.',
  'text.deadline.receipt': 'Manifest {number}: confirm receipt before {due} (reminder sent {lead} before the deadline).',
  'text.deadline.disposal': 'Manifest {number}: report disposal before {due} (reminder sent {lead} before the deadline).',
  'lead.underHour': 'less than an hour',
  'lead.hour1': '1 hour',
  'lead.hours': '{n} hours',
  'lead.day1': '1 day',
  'lead.days': '{n} days',
  'text.licence.approve': 'Licence {number} was approved.',
  'text.licence.suspend': 'Licence {number} was suspended.',
  'text.licence.reject': 'The application for licence {number} was rejected.',
  'text.licence.reinstate': 'Licence {number} was reinstated.',
  'text.licence.revoke': 'Licence {number} was revoked.',
  'text.licence.other': 'Licence {number} changed status.',
  'text.sanction': 'The regulator recorded a {severity} sanction: {reason}',
  'severity.minor': 'minor',
  'severity.major': 'major',
  'severity.serious': 'serious',
  'text.credit_level': 'Your credit level changed from {from} to {to}.',
};

const DICTIONARIES = { 'zh-CN': zhCN as Record<NotificationsMessageKey, string>, en };

export type NotificationsT = (key: NotificationsMessageKey, params?: Record<string, string | number>) => string;

/** The feature's texts in the current language. */
export function useNotificationsText(): NotificationsT {
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
export const NOTIFICATIONS_MESSAGES = { 'zh-CN': zhCN, en } as const;
