// Share and export: the viewer link for the class (with the public address the server gives, a
// Copy button that also works over plain http on a LAN, and a QR code for a projector), the
// driver's own link, and the exports (pcap, SVG, PNG, Mermaid, JSON).

import type { I18n } from "../i18n";
import { download, h } from "../render/dom";
import { Ui, input } from "./forms";
import { qrSvg } from "./qr";

export interface Exports {
  pcapUrl: string;
  fileName: string;
  svg: () => string;
  png: () => Promise<Blob | null>;
  mermaid: () => string;
  json: () => Promise<string>;
  /** The printable handout, in the page's language at the moment it is followed. */
  handout: () => string;
}

/**
 * Copies a text: the Clipboard API where the page is a secure context, else the old
 * select-and-copy, which browsers still allow over plain http. False when neither worked (the
 * text is then left selected for Ctrl+C).
 */
export async function copyText(text: string, field: HTMLInputElement): Promise<boolean> {
  try {
    if (window.isSecureContext && navigator.clipboard) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    /* fall back below */
  }
  field.focus();
  field.select();
  try {
    return document.execCommand("copy");
  } catch {
    return false;
  }
}

export class SharePanel {
  readonly root: HTMLElement;

  constructor(
    ui: Ui,
    viewerUrl: string,
    token: string | null,
    exports: Exports,
    run: (what: () => Promise<unknown>) => Promise<void>,
    version: string,
  ) {
    const i18n: I18n = ui.i18n;
    const status = h("span", { class: "copy-status", role: "status", "aria-live": "polite" });
    const copyRow = (key: string, value: string, name: string) => {
      const field = input({ type: "text", readonly: "readonly", value, name, id: `share-${name}` });
      const copy = ui.button(
        "share.copy",
        () =>
          void copyText(value, field).then((ok) => {
            status.dataset.i18n = ok ? "share.copied" : "share.copyManually";
            status.textContent = i18n.t(status.dataset.i18n);
          }),
        { name: `copy-${name}`, "aria-describedby": `share-${name}-label` },
      );
      return h(
        "div",
        { class: "share-row" },
        h(
          "label",
          { for: `share-${name}`, id: `share-${name}-label`, "data-i18n": key },
          i18n.t(key),
        ),
        h("div", { class: "row" }, field, copy),
      );
    };
    const qrBox = h("div", { class: "qr-box" });
    const qr = h("details", { class: "qr-details" }, ui.text("share.qr", "summary"), qrBox);
    qr.addEventListener("toggle", () => {
      if (qr.open && !qrBox.firstChild)
        qrBox.append(
          qrSvg(viewerUrl, 220, i18n.t("share.qrLabel")),
          h("p", { class: "qr-url" }, viewerUrl),
        );
    });
    const driverUrl = token ? `${viewerUrl}#token=${encodeURIComponent(token)}` : null;
    this.root = h(
      "section",
      { class: "panel share" },
      ui.text("panel.share", "h2"),
      copyRow("share.viewer", viewerUrl, "viewer-link"),
      driverUrl ? copyRow("share.driver", driverUrl, "driver-link") : null,
      status,
      qr,
      ui.text("panel.export", "h3"),
      h(
        "div",
        { class: "row exports" },
        h(
          "a",
          {
            href: exports.pcapUrl,
            download: `${exports.fileName}.pcap`,
            class: "button",
            "data-export": "pcap",
            "data-i18n": "export.pcap",
          },
          i18n.t("export.pcap"),
        ),
        handoutLink(exports.handout, i18n),
        ui.button(
          "export.svg",
          () => download(`${exports.fileName}.svg`, exports.svg(), "image/svg+xml"),
          { "data-export": "svg" },
        ),
        ui.button(
          "export.png",
          () =>
            void run(async () => {
              const blob = await exports.png();
              if (!blob) throw new Error(i18n.t("export.pngFailed"));
              download(`${exports.fileName}.png`, blob);
            }),
          { "data-export": "png" },
        ),
        ui.button("export.mermaid", () => download(`${exports.fileName}.mmd`, exports.mermaid()), {
          "data-export": "mermaid",
        }),
        ui.button(
          "export.json",
          () =>
            void run(async () =>
              download(`${exports.fileName}-events.json`, await exports.json(), "application/json"),
            ),
          { "data-export": "json" },
        ),
      ),
      h("p", { class: "hint version" }, `${i18n.t("app.title")} ${version}`),
    );
  }
}

/** A link to the lab's handout: a new tab, in the language the page shows when it is followed. */
export function handoutLink(url: () => string, i18n: I18n): HTMLAnchorElement {
  const a = h(
    "a",
    {
      href: url(),
      target: "_blank",
      rel: "noopener",
      class: "button",
      "data-export": "handout",
      "data-i18n": "export.handout",
    },
    i18n.t("export.handout"),
  );
  const refresh = () => (a.href = url());
  a.addEventListener("click", refresh);
  a.addEventListener("focus", refresh);
  a.addEventListener("pointerenter", refresh);
  i18n.onChange(refresh);
  return a;
}
