import { useI18n } from '../i18n';

/**
 * A text that comes from data rather than from the dictionaries (a catalogue note, a plan target):
 * the reader's language when the data has it; otherwise the other language's text, marked with its
 * language and a note that no translation exists (issue 13 item 9).
 */
export function DataText({ zh, en }: { zh: string | null | undefined; en: string | null | undefined }) {
  const { t, lang } = useI18n();
  const own = lang === 'en' ? en : zh;
  if (own) return <span lang={lang}>{own}</span>;
  const other = lang === 'en' ? zh : en;
  if (!other) return <>—</>;
  return (
    <>
      <span lang={lang === 'en' ? 'zh-CN' : 'en'}>{other}</span>{' '}
      <span className="muted small">{t(lang === 'en' ? 'data.onlyZh' : 'data.onlyEn')}</span>
    </>
  );
}
