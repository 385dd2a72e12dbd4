// The page's frame: the header (title, lab, role, connection status, language), the error banner
// and `main`, where a page puts its content. Refusals are said in the page's language: a sentence
// of ours for the kind of refusal, then the server's own detail as it comes.

import { LabApiError } from "../api/rest";
import type { Problem } from "../model/events";
import { I18n, type Locale } from "../i18n";
import type { MessageKey } from "../i18n/messages";
import { clear, h } from "../render/dom";
import { Ui, relabelAll } from "../features/forms";
import { CommandQueue } from "./command-queue";

const LOCALE_KEY = "tcplab.locale";

export function storedLocale(): string | null {
  try {
    return localStorage.getItem(LOCALE_KEY);
  } catch {
    return null;
  }
}

const TCP_ERRORS: [string, MessageKey][] = [
  ["connection already exists", "problem.tcp.exists"],
  ["connection does not exist", "problem.tcp.missing"],
  ["connection closing", "problem.tcp.closing"],
];

/**
 * A refusal in the page's language: what kind it is (ours), the field, and what the server said.
 * The server's detail is English: a page in another language says the problem's stable `code` in
 * its own words instead, and keeps the server's words only for a code it does not know.
 */
export function problemMessage(p: Problem, i18n: I18n): string {
  const field = p.field ? i18n.t("problem.field", { field: p.field }) : "";
  if (i18n.locale !== "en") {
    // The TCP stack's refusals are RFC 9293's own error strings: each has its sentence.
    const tcp =
      p.code === "tcp-state" ? TCP_ERRORS.find(([said]) => p.detail.startsWith(said)) : null;
    if (tcp) return i18n.t(tcp[1]);
    const byCode = `problem.code.${p.code ?? ""}`;
    if (p.code && i18n.has(byCode)) return `${i18n.t(byCode)}${field}`;
  }
  const kind = i18n.tOr(`problem.${p.status}`, i18n.t("problem.other", { status: p.status }));
  return `${kind}${field}${i18n.t("list.colon")}${p.detail}`;
}

export class Shell {
  readonly main = h("main", { id: "main" });
  readonly status = h("span", { class: "status", "data-status": "connecting", role: "status" });
  readonly role = h("span", { class: "role" });
  readonly labInfo = h("span", { class: "lab-info" });
  readonly tools = h("span", { class: "header-tools" });
  readonly ui: Ui;
  private readonly banner = h("div", { class: "error-banner", role: "alert", hidden: true });
  private readonly commands = new CommandQueue();

  constructor(
    root: HTMLElement,
    readonly i18n: I18n,
    /** The start page's path (the app may live under a proxy's sub-path). */
    readonly home = "/",
  ) {
    this.ui = new Ui(i18n);
    const lang = h(
      "select",
      { name: "lang", id: "lang" },
      h("option", { value: "en", lang: "en" }, "English"),
      h("option", { value: "zh-CN", lang: "zh-CN" }, "简体中文"),
    );
    lang.value = i18n.locale;
    lang.addEventListener("change", () => {
      try {
        localStorage.setItem(LOCALE_KEY, lang.value);
      } catch {
        /* the choice holds for this page */
      }
      i18n.set(lang.value as Locale);
    });
    i18n.onChange(() => {
      document.documentElement.lang = i18n.locale;
      document.title = i18n.t("app.title");
      relabelAll(document, i18n);
      if (this.status.dataset.i18n) this.status.textContent = i18n.t(this.status.dataset.i18n);
    });
    document.documentElement.lang = i18n.locale;
    document.title = i18n.t("app.title");
    clear(root);
    root.append(
      h("a", { class: "skip", href: "#main", "data-i18n": "app.skip" }, i18n.t("app.skip")),
      h(
        "header",
        {},
        h(
          "h1",
          {},
          h("a", { href: home, class: "brand", "data-i18n": "app.title" }, i18n.t("app.title")),
        ),
        this.ui.text("app.subtitle", "span", { class: "subtitle" }),
        this.labInfo,
        this.role,
        this.status,
        this.tools,
        h(
          "span",
          { class: "lang" },
          h(
            "label",
            { for: "lang", class: "sr-only", "data-i18n": "lang.label" },
            i18n.t("lang.label"),
          ),
          lang,
        ),
      ),
      this.banner,
      this.main,
    );
  }

  setStatus(s: string): void {
    this.status.dataset.status = s;
    this.status.dataset.i18n = `status.${s}`;
    this.status.textContent = this.i18n.t(`status.${s}`);
  }

  /** Shows one message (a new one replaces the old: nothing is said twice). */
  error(message: string): void {
    const shown = this.banner.querySelector(".detail")?.textContent;
    if (!this.banner.hidden && shown === message) return;
    clear(this.banner);
    const close = h(
      "button",
      {
        type: "button",
        class: "close",
        "aria-label": this.i18n.t("error.dismiss"),
        "data-i18n-aria": "error.dismiss",
      },
      "×",
    );
    close.addEventListener("click", () => (this.banner.hidden = true));
    this.banner.append(
      h("strong", { "data-i18n": "error.prefix" }, this.i18n.t("error.prefix")),
      h("span", { class: "detail" }, message),
      close,
    );
    this.banner.hidden = false;
  }

  clearError(): void {
    this.banner.hidden = true;
  }

  /** The sentence for any failure: a server refusal in the page's language, else its message. */
  describe(e: unknown): string {
    return e instanceof LabApiError
      ? problemMessage(e.problem, this.i18n)
      : String((e as Error)?.message ?? e);
  }

  /** Runs a user's command after the ones given before it; a refusal shows in the banner. */
  run(what: () => Promise<unknown>): Promise<void> {
    return this.commands.enqueue(async () => {
      try {
        await what();
        this.clearError();
      } catch (e) {
        this.error(this.describe(e));
      }
    });
  }
}
