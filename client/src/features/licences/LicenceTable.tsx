import { Badge } from '../../components/Badge';
import { useI18n } from '../../i18n';
import { formatDateTime, formatTonnes } from '../../lib/units';
import type { HeldLicence, Licence } from './api';
import { kindKey, statusKey, statusTone } from './labels';
import type { ReactNode } from 'react';

/** Licences as a table with its headers (kept at 390 px: the table scrolls inside its box). */
export function LicenceTable({
  items,
  actions,
  testId,
  org,
}: {
  items: (Licence | HeldLicence)[];
  actions?: (l: Licence) => ReactNode;
  testId: string;
  org?: (orgId: string) => ReactNode;
}) {
  const { t, lang } = useI18n();
  return (
    <div className="lic-scroll">
      <table className="table table--compact" data-testid={testId}>
        <thead>
          <tr>
            {org && <th scope="col">{t('lic.org')}</th>}
            <th scope="col">{t('lic.number')}</th>
            <th scope="col">{t('lic.kind')}</th>
            <th scope="col">{t('lic.codes')}</th>
            <th scope="col">{t('lic.capacity')}</th>
            <th scope="col">{t('lic.validity')}</th>
            <th scope="col">{t('lic.status')}</th>
            {actions && <th scope="col">{t('lic.actions')}</th>}
          </tr>
        </thead>
        <tbody>
          {items.map((l) => (
            <tr key={l.id} data-testid="lic-row" data-status={l.status} data-number={l.number}>
              {org && <td>{org(l.orgId)}</td>}
              <td className="code">{l.number}</td>
              <td>{t(kindKey(l.kind))}</td>
              <td className="small">{l.wasteCodes.join('、')}</td>
              <td>
                {formatTonnes(l.annualCapacityKg, lang)}
                {'remainingKg' in l && l.remainingKg !== null && (
                  <div className="small muted" data-testid="lic-remaining">
                    {t('lic.remaining', { t: formatTonnes(l.remainingKg, lang) })}
                  </div>
                )}
              </td>
              <td className="small">
                {l.validFrom} – {l.validTo}
              </td>
              <td>
                <Badge tone={statusTone(l.status)} testId="lic-status">
                  {t(statusKey(l.status))}
                </Badge>
                {l.decisionNote && (
                  <div className="small muted" data-testid="lic-note">
                    {l.decisionNote}
                  </div>
                )}
                {l.decidedAt && <div className="small muted">{formatDateTime(l.decidedAt, lang)}</div>}
              </td>
              {actions && <td>{actions(l)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
