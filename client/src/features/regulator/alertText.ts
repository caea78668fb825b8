import type { Lang, TFunction } from '../../i18n';
import { formatPricePerTonne } from '../../lib/money';
import { formatDateTime } from '../../lib/units';
import { formatDeviation } from '../listings/labels';
import type { Alert } from './api';
import { formatKgShort, rk } from './labels';

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/**
 * The alert in the reader's language, from its kind and details (the modules that raise alerts write
 * `message` in English for logs and exports). null when the details lack what the sentence needs; the
 * caller then shows `message`.
 */
export function alertText(a: Alert, t: TFunction, lang: Lang): string | null {
  const d = a.details;
  const kg = (v: unknown) => (num(v) === null ? null : formatKgShort(num(v)!, lang));
  const pct = (bp: unknown) => (num(bp) === null ? null : `${(num(bp)! / 100).toFixed(2).replace(/\.?0+$/, '')}%`);
  const fill = (params: Record<string, string | number | null>) =>
    Object.values(params).some((v) => v === null) ? null : (params as Record<string, string | number>);
  const key = rk(`regulator.alert.text.${a.kind}`);
  let params: Record<string, string | number> | null = null;
  switch (a.kind) {
    case 'capacity_high':
      params = fill({
        org: str(d.orgName) ?? '',
        year: num(d.year),
        used: kg(d.usedKg),
        permitted: kg(d.permittedKg),
        licence: str(d.licenceNumber),
        pct:
          num(d.usedKg) !== null && num(d.permittedKg) ? `${((num(d.usedKg)! / num(d.permittedKg)!) * 100).toFixed(1)}%` : null,
      });
      break;
    case 'price_flagged':
    case 'price_rejected': {
      const check = (d.priceCheck ?? {}) as { deviation?: unknown; reasons?: { code?: unknown; usual?: unknown }[] };
      const reasons = Array.isArray(check.reasons) ? check.reasons : [];
      const direction = reasons.find((r) => r.code === 'AGAINST_USUAL_DIRECTION');
      if (a.kind === 'price_flagged' && direction && reasons.length === 1) {
        // Flagged only for its sign (a material without a band, mostly): there is no deviation to show.
        params = fill({
          code: str(d.wasteCode) ?? str(d.materialCode),
          price: num(d.pricePerTonneFen) === null ? null : formatPricePerTonne(num(d.pricePerTonneFen)!, lang),
          usual:
            direction.usual === 'fee' || direction.usual === 'price'
              ? t(rk(`price.usualDirection.short.${direction.usual}`))
              : null,
          why: str(d.justification) ?? '—',
        });
        return params ? t(rk('regulator.alert.text.price_flagged.direction'), params) : null;
      }
      params = fill({
        code: str(d.wasteCode) ?? str(d.materialCode),
        price: num(d.pricePerTonneFen) === null ? null : formatPricePerTonne(num(d.pricePerTonneFen)!, lang),
        dev: formatDeviation(num(check.deviation)),
        why: str(d.justification) ?? '—',
      });
      break;
    }
    case 'weight_gap':
      params = fill({
        number: str(d.number),
        loaded: kg(d.loadedKg),
        received: kg(d.receivedKg),
        gap: pct(d.gapBp),
        tol: pct(d.toleranceBp),
      });
      break;
    case 'load_rejected':
      params = fill({ number: str(d.number), received: kg(d.receivedKg), reason: str(d.reason) ?? '—' });
      break;
    case 'receipt_overdue':
      params = fill({ number: str(d.number), due: str(d.receiptDueAt) ? formatDateTime(str(d.receiptDueAt), lang) : null });
      break;
    case 'disposal_overdue':
      params = fill({ number: str(d.number), due: str(d.disposalDueAt) ? formatDateTime(str(d.disposalDueAt), lang) : null });
      break;
    case 'transit_stuck':
      params = fill({ number: str(d.number), plate: str(d.vehiclePlate), hours: num(d.hours) });
      break;
    case 'origin_misattributed':
      params = fill({ count: num(d.count) });
      break;
    case 'delivery_dead':
      params = fill({ event: str(d.eventId)?.slice(0, 8) ?? null, attempts: num(d.attempts) });
      break;
    default:
      return null;
  }
  return params ? t(key, params) : null;
}
