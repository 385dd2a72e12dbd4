// Form-building helpers. Static text carries `data-i18n` (and `data-i18n-title`) so a language
// switch relabels the whole page in one pass (see relabelAll).

import type { I18n } from "../i18n";
import { h } from "../render/dom";

let current: I18n | null = null;

/** The page's translator, so elements get their text as they are built. */
export function useI18n(i18n: I18n): void {
  current = i18n;
}

const tr = (key: string) => (current ? current.t(key) : "");

export function label(key: string, ...controls: HTMLElement[]): HTMLLabelElement {
  return h("label", {}, h("span", { "data-i18n": key }, tr(key)), ...controls);
}

export function text(
  key: string,
  tag: "h2" | "h3" | "span" | "p" | "button" | "strong" = "span",
  attrs: Record<string, string> = {},
): HTMLElement {
  return h(tag, { "data-i18n": key, ...attrs }, tr(key));
}

export function button(
  key: string,
  onClick: () => void,
  attrs: Record<string, string> = {},
): HTMLButtonElement {
  const b = h("button", { type: "button", "data-i18n": key, ...attrs }, tr(key));
  b.addEventListener("click", onClick);
  return b;
}

export function input(attrs: Record<string, string | number>): HTMLInputElement {
  return h("input", attrs);
}

export function select(
  options: (string | [string, string])[],
  attrs: Record<string, string> = {},
): HTMLSelectElement {
  const s = h("select", attrs);
  for (const o of options) {
    const [value, text] = Array.isArray(o) ? o : [o, o];
    s.append(h("option", { value }, text));
  }
  return s;
}

export function numberOrUndefined(el: HTMLInputElement): number | undefined {
  const v = el.value.trim();
  if (v === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

export function relabelAll(root: ParentNode, i18n: I18n): void {
  for (const el of root.querySelectorAll<HTMLElement>("[data-i18n]")) {
    el.textContent = i18n.t(el.dataset.i18n!);
  }
  for (const el of root.querySelectorAll<HTMLElement>("[data-i18n-placeholder]")) {
    (el as HTMLInputElement).placeholder = i18n.t(el.dataset.i18nPlaceholder!);
  }
}
