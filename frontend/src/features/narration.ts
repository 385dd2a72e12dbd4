// The scenario's narration up to the current step: the step in force, large, and the earlier
// ones folded away. It follows the playback cursor, so stepping a lesson tells it step by step.

import type { NarrationStep } from "../model/diagram";
import type { I18n } from "../i18n";
import { clear, h } from "../render/dom";

export class NarrationPanel {
  readonly root = h("section", { class: "panel narration", hidden: true, "aria-live": "polite" });
  private shown: NarrationStep[] = [];
  private open = false;

  constructor(private readonly i18n: I18n) {
    i18n.onChange(() => this.draw());
  }

  /** The steps shown so far (only redrawn when they change). */
  show(steps: NarrationStep[]): void {
    if (steps.length === this.shown.length && steps.at(-1) === this.shown.at(-1)) return;
    this.shown = steps;
    this.draw();
  }

  /** The narration as the exports carry it. */
  lines(): { step: number; text: string }[] {
    return this.shown.map((n) => ({ step: n.step, text: this.i18n.pick(n.en, n.zh) }));
  }

  private draw(): void {
    const shown = this.shown;
    const details = this.root.querySelector("details");
    if (details) this.open = details.open;
    clear(this.root);
    this.root.hidden = shown.length === 0;
    if (!shown.length) return;
    const cur = shown[shown.length - 1];
    this.root.append(
      h("h2", {}, this.i18n.t("panel.narration")),
      h(
        "p",
        { class: "current", "data-step": cur.step, "data-step-name": cur.name },
        h("span", { class: "step-no", "aria-hidden": "true" }, String(cur.step)),
        h("span", { class: "sr-only" }, this.i18n.t("narration.step", { step: cur.step })),
        " ",
        h("span", { class: "narration-text" }, this.i18n.pick(cur.en, cur.zh)),
      ),
    );
    if (shown.length > 1) {
      const ol = narrationList(shown.slice(0, -1), this.i18n);
      this.root.append(
        h(
          "details",
          { open: this.open },
          h("summary", {}, this.i18n.t("narration.earlier", { n: shown.length - 1 })),
          ol,
        ),
      );
    }
  }
}

/** Numbered steps as a list, in the page's language (the panel's earlier steps; the handout's all). */
export function narrationList(steps: NarrationStep[], i18n: I18n): HTMLOListElement {
  const ol = h("ol", { class: "steps" });
  for (const n of steps)
    ol.append(h("li", { value: n.step, "data-step": n.step }, i18n.pick(n.en, n.zh)));
  return ol;
}
