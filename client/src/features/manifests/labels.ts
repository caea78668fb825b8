import type { BadgeTone } from '../../components/Badge';
import type { MessageKey } from '../../i18n';
import type { ManifestStatus } from './api';

export const mk = (key: string) => key as MessageKey;

export const STATUS_TONE: Record<ManifestStatus, BadgeTone> = {
  draft: 'muted',
  issued: 'neutral',
  loaded: 'info',
  in_transit: 'info',
  arrived: 'warning',
  received: 'success',
  rejected: 'danger',
  closed: 'success',
  cancelled: 'muted',
};

/** The order of the steps, for the progress line. */
export const STEP_ORDER = ['open', 'issue', 'load', 'depart', 'arrive', 'receive', 'report_disposal'] as const;
