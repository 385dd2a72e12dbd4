// Locale choice and message lookup. The default follows the browser (zh* -> Simplified Chinese),
// unless the user switched (remembered in localStorage) or the server set a default.

import { en, zhCN, type MessageKey } from "./messages";

export type Locale = "en" | "zh-CN";
export const LOCALES: Locale[] = ["en", "zh-CN"];

export function pickLocale(opts: {
  stored?: string | null;
  languages?: readonly string[];
  serverDefault?: string | null;
}): Locale {
  const norm = (l: string | null | undefined): Locale | undefined => {
    if (!l) return undefined;
    const s = l.toLowerCase();
    if (s.startsWith("zh")) return "zh-CN";
    if (s.startsWith("en")) return "en";
    return undefined;
  };
  const stored = norm(opts.stored);
  if (stored) return stored;
  for (const l of opts.languages ?? []) {
    const n = norm(l);
    if (n) return n;
  }
  return norm(opts.serverDefault) ?? "en";
}

const TABLES: Record<Locale, Record<string, string>> = { en, "zh-CN": zhCN };

export type Params = Record<string, string | number>;

export class I18n {
  private listeners: (() => void)[] = [];
  constructor(public locale: Locale) {}

  t(key: MessageKey | string, params: Params = {}): string {
    const msg = TABLES[this.locale][key] ?? (en as Record<string, string>)[key] ?? key;
    return msg.replace(/\{(\w+)\}/g, (_, k: string) =>
      params[k] !== undefined ? String(params[k]) : `{${k}}`,
    );
  }

  set(locale: Locale): void {
    if (locale === this.locale) return;
    this.locale = locale;
    for (const l of this.listeners) l();
  }

  onChange(l: () => void): void {
    this.listeners.push(l);
  }

  /** Narration text in the current locale. */
  pick(en: string, zh: string): string {
    return this.locale === "zh-CN" && zh ? zh : en;
  }
}
