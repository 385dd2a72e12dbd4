// Form-building helpers bound to the page's I18n. Static text carries `data-i18n` (titles
// `data-i18n-title`, placeholders `data-i18n-placeholder`, aria-labels `data-i18n-aria`), so a
// language switch relabels the whole page in one pass (relabelAll, run on I18n.onChange).

import type { I18n, Params } from "../i18n";
import { h } from "../render/dom";

export class Ui {
  constructor(readonly i18n: I18n) {}

  t(key: string, params?: Params): string {
    return this.i18n.t(key, params);
  }

  label(key: string, ...controls: HTMLElement[]): HTMLLabelElement {
    return h("label", {}, h("span", { "data-i18n": key }, this.t(key)), ...controls);
  }

  /** A checkbox or radio with its text after it. */
  check(key: string, box: HTMLInputElement): HTMLLabelElement {
    return h("label", { class: "check" }, box, h("span", { "data-i18n": key }, this.t(key)));
  }

  text(
    key: string,
    tag: "h1" | "h2" | "h3" | "span" | "p" | "strong" | "legend" | "summary" = "span",
    attrs: Record<string, string> = {},
  ): HTMLElement {
    return h(tag, { "data-i18n": key, ...attrs }, this.t(key));
  }

  button(key: string, onClick: () => void, attrs: Record<string, string> = {}): HTMLButtonElement {
    const b = h("button", { type: "button", "data-i18n": key, ...attrs }, this.t(key));
    b.addEventListener("click", onClick);
    return b;
  }

  /** A select whose option texts are i18n keys (`prefix + value`). */
  select(values: string[], prefix: string, attrs: Record<string, string> = {}): HTMLSelectElement {
    const s = h("select", attrs);
    for (const v of values)
      s.append(h("option", { value: v, "data-i18n": prefix + v }, this.t(prefix + v)));
    return s;
  }

  /** Disable a control, saying why on hover (or enable it and clear the reason). */
  disable(el: HTMLButtonElement | HTMLInputElement | HTMLSelectElement, reasonKey: string | null) {
    el.disabled = reasonKey !== null;
    if (reasonKey) {
      el.dataset.i18nTitle = reasonKey;
      el.title = this.t(reasonKey);
    } else {
      delete el.dataset.i18nTitle;
      el.removeAttribute("title");
    }
  }
}

export function input(attrs: Record<string, string | number>): HTMLInputElement {
  return h("input", attrs);
}

/** A select of fixed values shown as they are (host names are translated by the caller). */
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
  for (const el of root.querySelectorAll<HTMLElement>("[data-i18n]"))
    el.textContent = i18n.t(el.dataset.i18n!);
  for (const el of root.querySelectorAll<HTMLElement>("[data-i18n-placeholder]"))
    (el as HTMLInputElement).placeholder = i18n.t(el.dataset.i18nPlaceholder!);
  for (const el of root.querySelectorAll<HTMLElement>("[data-i18n-title]"))
    el.title = i18n.t(el.dataset.i18nTitle!);
  for (const el of root.querySelectorAll<HTMLElement>("[data-i18n-aria]"))
    el.setAttribute("aria-label", i18n.t(el.dataset.i18nAria!));
}

/** Host options ("client", "server") labelled in the page's language. */
export function hostSelect(ui: Ui, attrs: Record<string, string> = {}): HTMLSelectElement {
  return ui.select(["client", "server"], "host.", attrs);
}

/**
 * Checks a number field against its own min/max/step (the browser's constraint validation) and
 * says what is wrong in the page's language. Returns the value, or null after reporting.
 */
export function checkedNumber(
  ui: Ui,
  el: HTMLInputElement,
  nameKey: string,
  report: (message: string) => void,
  required = true,
): number | null | undefined {
  const v = el.value.trim();
  const name = ui.t(nameKey);
  if (v === "") {
    if (!required) return undefined;
    report(ui.t("form.required", { name }));
    return null;
  }
  const n = Number(v);
  const min = el.min === "" ? -Infinity : Number(el.min);
  const max = el.max === "" ? Infinity : Number(el.max);
  let message: string | null = null;
  if (!Number.isFinite(n)) message = ui.t("form.notNumber", { name });
  else if (n < min || n > max)
    message =
      max === Infinity
        ? ui.t("form.atLeast", { name, min })
        : min === -Infinity
          ? ui.t("form.atMost", { name, max })
          : ui.t("form.range", { name, min, max });
  else if ((el.step === "1" || el.step === "") && !Number.isInteger(n))
    message = ui.t("form.integer", { name });
  el.setCustomValidity(message ?? "");
  el.setAttribute("aria-invalid", message ? "true" : "false");
  if (message) {
    report(message);
    el.focus();
    return null;
  }
  return n;
}
