import type { MessageKey, TFunction } from '../../i18n';
import type { Lang } from '../../i18n';
import { formatDateTime, formatTonnes } from '../../lib/units';
import { formatPricePerTonne } from '../../lib/money';
import type { Notification } from './api';
import { leadText } from './lead';
import type { NotificationsT } from './messages';

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const num = (v: unknown) => (typeof v === 'number' ? v : 0);

/** A notification's sentence in the user's language, from its kind and data (never a raw status or amount in fen). */
export function describeNotification(n: Notification, nt: NotificationsT, t: TFunction, lang: Lang): string {
  const d = n.data;
  const tradeStatus = () => t(`trade.status.${str(d.status)}` as MessageKey);
  switch (n.kind) {
    case 'bid_received':
      return nt('text.bid_received', { bidCount: num(d.bidCount) });
    case 'auction_won':
      return nt('text.auction_won', { tonnes: formatTonnes(num(d.filledKg), lang) });
    case 'trade_created':
      return nt('text.trade_created', { status: tradeStatus() });
    case 'trade_updated':
      return nt('text.trade_updated', { status: tradeStatus() });
    case 'manifest_step':
      return nt('text.manifest_step', { number: str(d.number), status: t(`manifest.status.${str(d.status)}` as MessageKey) });
    case 'deadline_reminder':
      return nt(d.which === 'disposal' ? 'text.deadline.disposal' : 'text.deadline.receipt', {
        number: str(d.number),
        due: formatDateTime(str(d.dueAt), lang),
        lead: leadText(Date.parse(str(d.dueAt)) - Date.parse(n.createdAt), nt),
      });
    case 'licence_decision': {
      const decision = str(d.decision);
      const key = ['approve', 'suspend', 'reject', 'reinstate', 'revoke'].includes(decision)
        ? (`text.licence.${decision}` as const)
        : 'text.licence.other';
      return nt(key as Parameters<NotificationsT>[0], { number: str(d.number) });
    }
    case 'sanction': {
      const severity = ['minor', 'major', 'serious'].includes(str(d.severity))
        ? nt(`severity.${str(d.severity)}` as Parameters<NotificationsT>[0])
        : '';
      return nt('text.sanction', { severity, reason: str(d.reason) });
    }
    case 'credit_level':
      return nt('text.credit_level', {
        from: t(`credit.${str(d.previousLevel)}` as MessageKey),
        to: t(`credit.${str(d.level)}` as MessageKey),
      });
    case 'watch_match': {
      const what = ['supply_listing', 'demand_listing', 'sell_order', 'buy_order', 'print'].includes(str(d.what))
        ? nt(`what.${str(d.what)}` as Parameters<NotificationsT>[0])
        : '';
      return nt('text.watch_match', {
        what,
        material: str(d.materialCode),
        tonnes: formatTonnes(num(d.quantityKg), lang),
        price: formatPricePerTonne(num(d.pricePerTonneFen), lang),
      });
    }
    default:
      return nt(`text.${n.kind}` as Parameters<NotificationsT>[0]);
  }
}

/** Where a notification leads: the page of its subject. */
export function linkOf(n: Notification): string | null {
  switch (n.subjectType) {
    case 'listing':
      return `/listings/${n.subjectId}`;
    case 'trade':
      return `/trades/${n.subjectId}`;
    case 'manifest':
      return `/manifests/${n.subjectId}`;
    case 'market':
      return `/markets/${n.subjectId}`;
    case 'licence':
    case 'org':
      return n.kind === 'credit_level' ? `/credit/${n.subjectId}` : '/org';
    default:
      return null;
  }
}
