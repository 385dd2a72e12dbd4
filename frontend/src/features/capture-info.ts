// The lab page's capture panel: where the conversation comes from, the estimated capture point,
// the other conversations of the same file, and deleting the upload's labs.

import type { CaptureApi } from "../api/captures";
import type { CaptureInfo } from "../model/events";
import { clear, h } from "../render/dom";
import type { Ui } from "./forms";
import { captureToken, conversationList } from "./capture-upload";

export class CaptureInfoPanel {
  readonly root = h("section", { class: "panel capture-info", hidden: true });
  private info: CaptureInfo | null = null;

  constructor(
    private readonly ui: Ui,
    private readonly api: CaptureApi,
    private readonly lab: string,
    private readonly run: (work: () => Promise<unknown>) => Promise<void>,
    private readonly storage: Storage,
  ) {}

  show(info: CaptureInfo | null | undefined): void {
    this.info = info ?? null;
    this.render();
  }

  render(): void {
    const c = this.info;
    const t = (k: string, p = {}) => this.ui.t(k, p);
    clear(this.root);
    this.root.hidden = !c;
    if (!c) return;
    this.root.dataset.conversation = String(c.conversation);
    this.root.append(
      h("h2", {}, t("capture.panel")),
      h(
        "p",
        { class: "capture-source" },
        t("capture.source", { source: c.source, format: c.format, n: c.conversation }),
      ),
      h("p", { class: "hint" }, t("capture.startTime", { time: c.startTime })),
      h(
        "p",
        { class: "hint" },
        t("capture.delays", { client: c.clientDelayMs, server: c.serverDelayMs }),
      ),
      h("p", { class: "hint read-only" }, t("capture.readOnly")),
    );
    if (c.conversations.length > 1)
      this.root.append(
        h("h3", {}, t("capture.others")),
        conversationList(c, this.ui.i18n, this.lab),
      );
    const token = captureToken(this.lab, this.storage);
    if (token)
      this.root.append(
        this.ui.button(
          "capture.delete",
          () =>
            void this.run(async () => {
              for (const other of c.conversations) {
                try {
                  await this.api.deleteLab(other.labId, token);
                } catch {
                  /* already gone (deleted, idle) */
                }
              }
              location.assign("/");
            }),
          { name: "delete-capture" },
        ),
      );
  }
}
