import { Link } from 'react-router';
import { Badge } from '../../../components/Badge';
import { useI18n } from '../../../i18n';
import type { ManifestStatus, ManifestSummary } from '../api';
import { STATUS_TONE, mk } from '../labels';

export function ManifestStatusBadge({ status }: { status: ManifestStatus }) {
  const { t } = useI18n();
  return (
    <Badge tone={STATUS_TONE[status] ?? 'neutral'} testId="manifest-status">
      {t(mk(`manifest.status.${status}`))}
    </Badge>
  );
}

/** A deadline passed with its step still open: receipt, disposal report, or a trip stuck on the road. */
export function OverdueBadge({ overdue }: { overdue: ManifestSummary['overdue'] }) {
  const { t } = useI18n();
  if (!overdue) return null;
  return (
    <Badge tone="danger" testId="manifest-overdue">
      {t(mk(`manifest.overdue.${overdue}`))}
    </Badge>
  );
}

/**
 * "Waiting for the carrier: Loaded", or our own next step as a button to the manifest's step form
 * (issue 13 item 6: a next step is something to click, not text to read).
 */
export function NextStepText({ m }: { m: Pick<ManifestSummary, 'id' | 'nextActions' | 'yourParts'> }) {
  const { t } = useI18n();
  const next = m.nextActions[0];
  if (!next) return <span className="muted">—</span>;
  const ours = m.yourParts.includes(next.by);
  const step = t(mk(`manifest.event.${next.type}`));
  return ours ? (
    <Link to={`/manifests/${m.id}#next-${m.id}`} className="btn btn--primary btn--small" data-testid="manifest-next-ours">
      {step}
    </Link>
  ) : (
    <span className="muted">{t('manifest.next.waiting', { part: t(mk(`manifest.part.${next.by}`)), step })}</span>
  );
}

/** 12040 → "12.04 吨 (12,040 kg)". */
export function kgText(kg: number | null, lang: 'zh-CN' | 'en'): string {
  if (kg == null) return '—';
  const t = (kg / 1000).toLocaleString('en-US', { maximumFractionDigits: 3 });
  return `${t} ${lang === 'en' ? 't' : '吨'} (${kg.toLocaleString('en-US')} kg)`;
}

/** A deadline (the end of a Shanghai day, DESIGN §6.1) as that day: "2026-12-04 24:00（北京时间）". */
export function dueText(iso: string | null, lang: 'zh-CN' | 'en'): string {
  if (!iso) return '—';
  const day = new Date(new Date(iso).getTime() - 1 + 8 * 3_600_000).toISOString().slice(0, 10);
  return lang === 'en' ? `end of ${day} (Beijing time)` : `${day} 24:00（北京时间）`;
}
