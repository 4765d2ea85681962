// zh-CN by default, English on request; the choice is remembered on this device and sent to the API as
// Accept-Language, so its error messages come back in the same language.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { en } from './en';
import { zh, type MessageKey } from './zh';

export type Lang = 'zh' | 'en';
export type { MessageKey };
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

const STORAGE_KEY = 'rs.lang';
const DICTS: Record<Lang, Record<MessageKey, string>> = { zh, en };

export function initialLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

export function translate(lang: Lang, key: MessageKey, vars?: Record<string, string | number>): string {
  const template = DICTS[lang][key] ?? key;
  return vars ? template.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : template;
}

/**
 * The API and the loop write bilingual texts as "中文 (English)"; show the half in the reader's language.
 * Texts people typed are left alone.
 */
export function pickLang(textValue: string, lang: Lang): string {
  const m = /^(.*[\u4e00-\u9fff].*?)\s*\(([^()]*[A-Za-z][^()]*)\)$/.exec(textValue.trim());
  if (!m) return textValue;
  return lang === 'zh' ? m[1] : m[2];
}

interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t: Translate;
  /** The name to show of something that has nameZh and nameEn. */
  name(o: { nameZh: string; nameEn: string } | null | undefined): string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // private mode: the choice lasts for this page only
    }
    document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
  }, []);
  const value = useMemo<I18n>(
    () => ({
      lang,
      setLang,
      t: (key, vars) => translate(lang, key, vars),
      name: (o) => (o ? (lang === 'zh' ? o.nameZh : o.nameEn) || o.nameZh : ''),
    }),
    [lang, setLang],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
