import { Badge } from '../../../components/Badge';
import { useI18n } from '../../../i18n';
import type { Material } from '../api';

/** Hazard, tradeability, grade and list edition of a material, as badges. */
export function MaterialBadges({ material, showEdition = true }: { material: Material; showEdition?: boolean }) {
  const { t } = useI18n();
  const edition = showEdition ? material.edition : null;
  if (material.hazardous === false && material.tradeable && !material.standardisedGrade && !edition) return null;
  return (
    <span className="badges">
      {material.hazardous === true && (
        <Badge tone="danger" testId="badge-hazardous">
          {t('badge.hazardous')}
        </Badge>
      )}
      {material.hazardous === null && (
        <Badge tone="warning" testId="badge-needs-classification">
          {t('badge.needsClassification')}
        </Badge>
      )}
      {!material.tradeable && (
        <Badge tone="muted" testId="badge-not-tradeable">
          {t('badge.notTradeable')}
        </Badge>
      )}
      {material.standardisedGrade && <Badge tone="info">{t('badge.standardised')}</Badge>}
      {edition && (
        <Badge tone="neutral" testId="badge-edition">
          {t('badge.edition', { edition })}
        </Badge>
      )}
    </span>
  );
}
