import type { BadgeTone } from '../../components/Badge';
import type { MessageKey } from '../../i18n';

export const statusKey = (s: string) => `lic.status.${s}` as MessageKey;
export const kindKey = (k: string) => `lic.kind.${k}` as MessageKey;
export const decisionKey = (d: string) => `lic.decision.${d}` as MessageKey;
export const statusTone = (s: string): BadgeTone =>
  s === 'approved' ? 'success' : s === 'pending' ? 'warning' : s === 'suspended' ? 'warning' : 'danger';
