import { useI18n } from '../../../i18n';
import type { Material } from '../api';

/** The name in the current language first, the other underneath (codes are read in both). */
export function MaterialName({ material, as: Tag = 'span' }: { material: Material; as?: 'span' | 'h1' }) {
  const { lang } = useI18n();
  const [primary, secondary, primaryLang, secondaryLang] =
    lang === 'en' ? [material.nameEn, material.nameZh, 'en', 'zh-CN'] : [material.nameZh, material.nameEn, 'zh-CN', 'en'];
  return (
    <>
      <Tag className="material-name" lang={primaryLang}>
        {primary}
      </Tag>
      {secondary && secondary !== primary && (
        <span className="material-name__secondary" lang={secondaryLang}>
          {secondary}
        </span>
      )}
    </>
  );
}
