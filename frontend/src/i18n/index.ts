// Locale choice and message lookup. The default follows the browser (zh* -> Simplified Chinese),
// unless the user switched (remembered in localStorage) or the server set a default.
//
// One relabelling mechanism: everything that shows text listens to `onChange` (static labels
// through `relabelAll`, panels by drawing themselves again), and the I18n instance is passed
// explicitly to whoever needs it.

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

/** Parameters that name a host ("client", "server") are said in the page's language. */
const HOST_PARAMS = new Set(["from", "to", "host"]);

export class I18n {
  private listeners: (() => void)[] = [];
  constructor(public locale: Locale) {}

  t(key: MessageKey | string, params: Params = {}): string {
    const msg = TABLES[this.locale][key] ?? (en as Record<string, string>)[key] ?? key;
    return msg.replace(/\{(\w+)\}/g, (_, k: string) => {
      const v = params[k];
      if (v === undefined) return `{${k}}`;
      return HOST_PARAMS.has(k) && (v === "client" || v === "server") ? this.host(v) : String(v);
    });
  }

  /** Whether a key has a message (for texts from the server we translate when we know them). */
  has(key: string): boolean {
    return key in en;
  }

  /** A translation if the key is known, else the fallback (server text shown as it comes). */
  tOr(key: string, fallback: string, params: Params = {}): string {
    return this.has(key) ? this.t(key, params) : fallback;
  }

  host(h: string): string {
    return this.tOr(`host.${h}`, h);
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
