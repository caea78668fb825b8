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
      // The accessible name is the visible text (the other language's name): a different aria-label
      // would not match what a speech-input user reads on the button (axe label-content-name-mismatch).
      title={t('lang.switch')}
      data-testid="lang-switch"
      onClick={() => setLang(next)}
    >
      {t('lang.other')}
    </button>
  );
}
