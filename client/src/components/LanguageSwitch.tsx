import { useI18n } from '../i18n';

/** Toggles between Chinese and English; the choice persists in localStorage. */
export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  const next = lang === 'en' ? 'zh-CN' : 'en';
  return (
    <button
      type="button"
      className="btn btn--ghost lang-switch"
      lang={next}
      aria-label={t('lang.switch')}
      title={t('lang.switch')}
      data-testid="lang-switch"
      onClick={() => setLang(next)}
    >
      {t('lang.other')}
    </button>
  );
}
