import { useCallback } from 'react';
import { useI18n } from './index';

/** A feature's text function: the key's text in the current language, with `{name}` filled from params. */
export type FeatureT<K extends string> = (key: K, params?: Record<string, string | number>) => string;

/**
 * The hook for a feature that keeps its texts beside it (payments, notifications, markets): the
 * current language's text, else the Chinese, else the key itself. One implementation, so every such
 * feature fills parameters and falls back the same way.
 */
export function featureTextHook<K extends string>(zhCN: Record<K, string>, en: Record<K, string>): () => FeatureT<K> {
  const dictionaries = { 'zh-CN': zhCN, en };
  return function useFeatureText(): FeatureT<K> {
    const { lang } = useI18n();
    return useCallback<FeatureT<K>>(
      (key, params) => {
        const text = dictionaries[lang][key] ?? zhCN[key] ?? key;
        return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : text;
      },
      [lang],
    );
  };
}
