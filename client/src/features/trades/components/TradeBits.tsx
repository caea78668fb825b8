import { Badge, type BadgeTone } from '../../../components/Badge';
import { Tabs } from '../../../components/Tabs';
import { useI18n } from '../../../i18n';
import { tk } from '../../listings/labels';
import type { Trade, TradeStatus } from '../api';

const TONE: Record<TradeStatus, BadgeTone> = {
  awaiting_payment: 'warning',
  funded: 'info',
  in_transit: 'info',
  delivered: 'success',
  disputed: 'danger',
  settled: 'success',
  cancelled: 'muted',
};

export function TradeStatusBadge({ status }: { status: TradeStatus }) {
  const { t } = useI18n();
  return (
    <Badge tone={TONE[status] ?? 'neutral'} testId="trade-status">
      {t(tk(`trade.status.${status}`))}
    </Badge>
  );
}

/** Which way the money goes for us: we pay, we are paid, or no payment (price 0). */
export type MoneyRole = 'payer' | 'payee' | 'none' | 'observer';

export function moneyRole(trade: Trade, orgId: string | null | undefined): MoneyRole {
  if (!trade.payerOrgId) return 'none';
  if (orgId && trade.payerOrgId === orgId) return 'payer';
  if (orgId && trade.payeeOrgId === orgId) return 'payee';
  return 'observer';
}

export function MoneyRoleBadge({ role }: { role: MoneyRole }) {
  const { t } = useI18n();
  const tone: BadgeTone = role === 'payer' ? 'warning' : role === 'payee' ? 'success' : 'neutral';
  return (
    <Badge tone={tone} testId="trade-money-role">
      {t(tk(`trade.money.${role}`))}
    </Badge>
  );
}

/** Tabs over the signed-in org's own trading: trades, listings, bids. */
export function MyTradingTabs() {
  const { t } = useI18n();
  return (
    <Tabs
      label={t('my.tabs')}
      tabs={[
        { to: '/trades', end: true, label: t('my.trades'), testId: 'tab-trades' },
        { to: '/my/listings', label: t('my.listings'), testId: 'tab-listings' },
        { to: '/my/bids', label: t('my.bids'), testId: 'tab-bids' },
      ]}
    />
  );
}
