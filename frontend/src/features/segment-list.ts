// The diagram's text alternative: every segment shown, in order, as a sentence a screen reader
// can walk one by one (who sent what, and what became of it). Kept beside the SVG, visually
// hidden; it grows with the log instead of being rebuilt.

import type { SequenceLayout } from "../layout/sequence";
import type { I18n } from "../i18n";
import { formatMs } from "../layout/sequence";
import { shownFate } from "../render/items";
import { clear, h } from "../render/dom";

/** More than this, and the list points to the event table instead of growing. */
export const MAX_LISTED = 1000;

export class SegmentList {
  readonly root = h("ol", { class: "sr-only segment-list", "aria-labelledby": "segment-list-h" });
  readonly heading = h("h2", { id: "segment-list-h", class: "sr-only" });
  private listed = 0;
  private layout: SequenceLayout | null = null;
  /** Listed while in flight: said again once they arrive or are lost. */
  private readonly inFlight = new Map<number, HTMLLIElement>();

  constructor(private readonly i18n: I18n) {
    i18n.onChange(() => this.reset());
  }

  private reset(): void {
    clear(this.root);
    this.listed = 0;
    this.inFlight.clear();
    if (this.layout) this.update(this.layout);
  }

  update(l: SequenceLayout): void {
    if (l !== this.layout) {
      this.layout = l;
      clear(this.root);
      this.listed = 0;
      this.inFlight.clear();
    }
    const t = (k: string, p?: Record<string, string | number>) => this.i18n.t(k, p);
    const say = (n: number) => {
      const a = l.arrowItem(n)!;
      const fate = shownFate(a);
      return t("diagram.segment", {
        time: formatMs(a.arrow.sendTime),
        from: a.arrow.from,
        to: a.arrow.to,
        text: a.text,
        fate: t(`fate.${fate}`),
      });
    };
    this.heading.textContent = t("diagram.listHeading", { n: l.arrowCount });
    for (const [n, li] of this.inFlight) {
      if (l.arrowItem(n)?.end === "open") continue;
      li.textContent = say(n);
      this.inFlight.delete(n);
    }
    const upTo = Math.min(l.arrowCount, MAX_LISTED);
    for (; this.listed < upTo; this.listed++) {
      const li = h("li", { "data-arrow": this.listed }, say(this.listed));
      if (l.arrowItem(this.listed)!.end === "open") this.inFlight.set(this.listed, li);
      this.root.append(li);
    }
    if (l.arrowCount > MAX_LISTED && !this.root.querySelector(".more"))
      this.root.append(h("li", { class: "more" }, t("diagram.listMore", { n: MAX_LISTED })));
  }
}
