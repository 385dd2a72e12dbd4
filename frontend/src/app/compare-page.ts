// Two labs side by side (a scenario and its companion: two-way vs three-way under the same old
// duplicate SYN, three-way vs four-way), each with its diagram and narration, scrolled together so
// the same moment sits at the same height in both.

import type { LabApi } from "../api/rest";
import { DiagramBuilder } from "../model/diagram";
import type { Host, LabEvent } from "../model/events";
import { SequenceLayout, TAG_TEXT, type ArrowTag } from "../layout/sequence";
import { DiagramView } from "../render/diagram";
import { h } from "../render/dom";
import { NarrationPanel } from "../features/narration";
import { dropReason } from "../features/table";
import { textMeasure } from "./lab-page";
import type { Shell } from "./shell";
import { handoutLink } from "../features/share";
import { handoutUrl, type Settings } from "./settings";

class Side {
  readonly builder = new DiagramBuilder();
  readonly view: DiagramView;
  readonly narration: NarrationPanel;
  readonly root: HTMLElement;
  readonly heading = h("h2", {});
  width = 600;

  constructor(
    private readonly shell: Shell,
    readonly lab: string,
    private readonly measure: (t: string) => number,
    settings: Settings,
  ) {
    const { i18n } = shell;
    this.view = new DiagramView(
      i18n,
      {
        onSelect: () => undefined,
        onResize: (w) => {
          this.width = w;
          this.draw();
        },
      },
      measure,
    );
    const host = (n: Host) => [i18n.host(n)];
    this.view.setHosts({ client: host("client"), server: host("server") });
    this.narration = new NarrationPanel(i18n);
    this.root = h(
      "section",
      { class: "compare-side", "data-compare-lab": lab },
      h(
        "div",
        { class: "compare-head" },
        this.heading,
        handoutLink(() => handoutUrl(settings, lab, i18n.locale), i18n),
      ),
      this.view.root,
      this.narration.root,
    );
  }

  add(events: LabEvent[]): void {
    for (const e of events) this.builder.add(e);
    this.draw();
  }

  draw(): void {
    const { i18n } = this.shell;
    const m = this.builder.model;
    const layout = new SequenceLayout({
      measure: this.measure,
      fontSize: 12,
      numbering: "absolute",
      compressIdle: true,
      pxPerMs: 4,
      width: Math.max(300, this.width),
      tagText: (t: ArrowTag) => i18n.tOr(`tag.short.${t}`, TAG_TEXT[t]),
      reasonText: (r) => dropReason(r, i18n),
    });
    layout.extend(m, m.events.length, undefined);
    this.view.show(layout);
    this.narration.show(this.builder.narrationUpTo(m.events.length));
  }

  scroller(): HTMLElement {
    return this.view.root.querySelector(".diagram-scroll") as HTMLElement;
  }
}

export class ComparePage {
  constructor(shell: Shell, settings: Settings, labs: [string, string], api: LabApi) {
    const measure = textMeasure(12);
    const sides = labs.map((l) => new Side(shell, l, measure, settings));
    shell.main.classList.add("compare-page");
    shell.main.append(
      h("h2", { class: "sr-only", "data-i18n": "compare.title" }, shell.i18n.t("compare.title")),
      h("div", { class: "compare" }, ...sides.map((s) => s.root)),
    );
    shell.setStatus("connecting");
    void shell.run(async () => {
      const scenarios = await api.scenarios();
      await Promise.all(
        sides.map(async (s) => {
          const snap = await api.snapshot(s.lab);
          const name = snap.scenario?.name;
          s.heading.textContent =
            scenarios.find((x) => x.name === name)?.title ?? `lab ${s.lab.slice(0, 8)}`;
          s.add(await api.eventsAfter(s.lab, 0));
        }),
      );
      shell.setStatus("live");
    });
    // Scrolled together: one pane's scroll moves the other to the same height.
    let syncing = false;
    for (const s of sides) {
      s.scroller().addEventListener("scroll", () => {
        if (syncing) return;
        syncing = true;
        for (const o of sides) if (o !== s) o.scroller().scrollTop = s.scroller().scrollTop;
        requestAnimationFrame(() => (syncing = false));
      });
    }
  }
}
