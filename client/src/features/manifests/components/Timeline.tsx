import { useI18n } from '../../../i18n';
import { formatDateTime } from '../../../lib/units';
import type { Manifest } from '../api';
import { mk } from '../labels';
import { kgText } from './ManifestBits';
import { methodName } from './MethodSelect';

/** The manifest's events in order, each with who did it, what it recorded and its place in the chain. */
export function Timeline({ m }: { m: Manifest }) {
  const { t, lang } = useI18n();
  const partOf = (orgId: string | null): string | null => {
    if (!orgId) return null;
    if (orgId === m.shipperOrgId) return t('manifest.part.shipper');
    if (orgId === m.carrierOrgId) return t('manifest.part.carrier');
    if (orgId === m.receiverOrgId) return t('manifest.part.receiver');
    return null;
  };
  return (
    <ol className="mf-timeline" data-testid="manifest-timeline">
      {m.events.map((e) => {
        const d = e.data as Record<string, unknown>;
        const part = e.type === 'resolve' ? t('manifest.timeline.admin') : partOf(e.actorOrgId);
        const facts: string[] = [];
        if (e.type === 'open') facts.push(`${t('manifest.declared')} ${kgText(Number(d.declaredKg), lang)}`);
        if (typeof d.weightKg === 'number')
          facts.push(`${t(e.type === 'load' ? 'manifest.loaded' : 'manifest.received')} ${kgText(d.weightKg, lang)}`);
        if (e.type === 'resolve') facts.push(`${t('dispute.resolved', { kg: kgText(Number(d.acceptedKg), lang) })}`);
        if (e.type === 'document')
          for (const doc of (d.documents as { kind: string; sha256: string }[] | undefined) ?? [])
            facts.push(`${t(mk(`documents.kind.${doc.kind}`))} SHA-256 ${doc.sha256}`);
        if (typeof d.decision === 'string')
          facts.push(`${t(mk(`manifest.decision.${d.decision}`))} ${kgText(Number(d.acceptedKg), lang)}`);
        if (typeof d.methodCode === 'string')
          facts.push(`${methodName(d.methodCode, lang) ?? ''} · ${String(d.disposalDate ?? '')}`);
        else if (typeof d.method === 'string') facts.push(`${d.method} · ${String(d.disposalDate ?? '')}`);
        if (e.type === 'cancel' && typeof d.reason === 'string') facts.push(`“${d.reason}”`);
        if (e.type === 'supplement' && d.form && typeof d.form === 'object')
          facts.push(t('manifest.timeline.supplement', { count: Object.keys(d.form).length }));
        if (e.type === 'open' && d.paper) facts.push(t('manifest.timeline.paper'));
        if (typeof d.officialNumber === 'string') facts.push(`${t('manifest.officialNumber')} ${d.officialNumber}`);
        if (typeof d.note === 'string') facts.push(`“${d.note}”`);
        return (
          <li key={e.seq} className="mf-timeline__item" data-testid={`timeline-${e.type}`}>
            <span className="mf-timeline__dot" aria-hidden="true" />
            <div className="mf-timeline__head">
              <strong>{t(mk(`manifest.event.${e.type}`))}</strong>
              <span className="muted small">{formatDateTime(e.at, lang)}</span>
              {part && <span className="muted small">{t('manifest.timeline.by', { part })}</span>}
            </div>
            {facts.length > 0 && <div className="small">{facts.join(' · ')}</div>}
            <div className="mf-hash code small" title={`prev ${e.prevHash}\nhash ${e.hash}`}>
              #{e.seq} {e.hash.slice(0, 16)}…
            </div>
          </li>
        );
      })}
    </ol>
  );
}
