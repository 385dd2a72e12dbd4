// Layout -> SVG. Draws only what is inside the scrolled viewport (plus some overscan), so a lab
// with 10,000 segments keeps a few hundred elements in the DOM. Auto-scroll follows new events
// until the user scrolls back, and resumes when they return to the bottom.

import type {
  ArrowBox,
  Layout,
  MarkBox,
  StateBox,
  TimerBox,
  BreakBox,
  TickBox,
} from "../layout/sequence";
import { formatMs, visible, visibleArrows } from "../layout/sequence";
import type { I18n } from "../i18n";
import { clear, h, svg } from "./dom";

const OVERSCAN = 600;

export interface DiagramCallbacks {
  onSelect: (arrowIndex: number) => void;
}

export class DiagramView {
  readonly root: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly head: SVGSVGElement;
  private readonly body: SVGSVGElement;
  private readonly staticLayer: SVGGElement;
  private readonly dynamic: SVGGElement;
  private readonly followButton: HTMLButtonElement;
  private readonly empty: HTMLElement;
  private layout: Layout | null = null;
  private selected = -1;
  private follow = true;
  private programmaticUntil = 0;
  private frame = 0;
  private hostLabels: Record<string, string> = { client: "client", server: "server" };

  constructor(
    private readonly i18n: I18n,
    private readonly cb: DiagramCallbacks,
  ) {
    this.head = svg("svg", { class: "diagram-head", height: 48 });
    this.body = svg("svg", { class: "diagram-body", role: "img" });
    this.body.append(defs());
    this.staticLayer = svg("g", { class: "static" });
    this.dynamic = svg("g", { class: "dynamic" });
    this.body.append(this.staticLayer, this.dynamic);
    this.empty = h("div", { class: "diagram-empty" });
    this.scroller = h(
      "div",
      { class: "diagram-scroll", tabindex: 0, "aria-label": "sequence diagram" },
      h("div", { class: "diagram-head-wrap" }, this.head),
      this.body,
    );
    this.followButton = h("button", { class: "follow", type: "button", hidden: true });
    this.followButton.addEventListener("click", () => {
      this.follow = true;
      this.followButton.hidden = true;
      this.scrollToEnd(true);
    });
    this.root = h("div", { class: "diagram" }, this.scroller, this.empty, this.followButton);
    this.scroller.addEventListener("scroll", () => this.onScroll(), { passive: true });
    // Lifelines run to the bottom of the viewport, whatever its size.
    // Only a change of the viewport's height matters; redraw on the next frame so the observer
    // never sees its own change (which Chromium reports as a "ResizeObserver loop" error).
    let lastHeight = -1;
    new ResizeObserver(() => {
      const height = this.scroller.clientHeight;
      if (height === lastHeight) return;
      lastHeight = height;
      requestAnimationFrame(() => this.layout && this.draw(this.layout));
    }).observe(this.scroller);
    this.scroller.addEventListener("keydown", (e) => this.onKey(e));
    this.body.addEventListener("click", (e) => {
      const g = (e.target as Element).closest("[data-arrow]");
      if (g) this.cb.onSelect(Number(g.getAttribute("data-arrow")));
    });
    this.relabel();
  }

  relabel(): void {
    this.followButton.textContent = this.i18n.t("view.follow");
    this.empty.textContent = this.i18n.t("diagram.empty");
    if (this.layout) this.draw(this.layout);
  }

  setHosts(labels: Record<string, string>): void {
    this.hostLabels = labels;
    if (this.layout) this.drawHead(this.layout);
  }

  draw(l: Layout): void {
    this.layout = l;
    this.empty.hidden = l.arrows.length > 0 || l.states.length > 0;
    this.body.setAttribute("width", String(l.width));
    const height = Math.max(l.height, this.scroller.clientHeight);
    this.body.setAttribute("height", String(height));
    this.head.setAttribute("width", String(l.width));
    this.drawHead(l);
    clear(this.staticLayer);
    for (const ll of l.lifelines) {
      this.staticLayer.append(
        svg("line", {
          class: "lifeline",
          x1: ll.x,
          x2: ll.x,
          y1: 0,
          y2: height,
          "data-host": ll.host,
        }),
      );
    }
    this.paint();
    if (this.follow) this.scrollToEnd(false);
  }

  private drawHead(l: Layout): void {
    clear(this.head);
    for (const ll of l.lifelines) {
      const text = this.hostLabels[ll.host] ?? ll.host;
      const w = Math.max(90, text.length * 8.4 + 20);
      this.head.append(
        svg(
          "g",
          { class: `host-head host-${ll.host}` },
          svg("rect", { x: ll.x - w / 2, y: 6, width: w, height: 34, rx: 6 }),
          svg("text", { x: ll.x, y: 28, "text-anchor": "middle" }, text),
        ),
      );
    }
  }

  select(n: number, scroll: boolean): void {
    this.selected = n;
    for (const el of this.dynamic.querySelectorAll(".seg.selected"))
      el.classList.remove("selected");
    this.dynamic.querySelector(`[data-arrow="${n}"]`)?.classList.add("selected");
    const a = this.layout?.arrows[n];
    if (a && scroll) {
      const top = this.scroller.scrollTop;
      const h = this.scroller.clientHeight;
      if (a.y1 < top + 60 || a.y2 > top + h - 40) {
        this.follow = false;
        this.followButton.hidden = false;
        this.programmaticUntil = performance.now() + 300;
        this.scroller.scrollTop = Math.max(0, a.y1 - h / 3);
      }
    }
  }

  /** The whole diagram (not just the visible part) as a standalone SVG document. */
  exportSvg(): string {
    const l = this.layout;
    if (!l) return "";
    const doc = svg("svg", {
      xmlns: "http://www.w3.org/2000/svg",
      width: l.width,
      height: l.height,
      viewBox: `0 0 ${l.width} ${l.height}`,
    });
    doc.append(svg("style", {}, EXPORT_CSS), defs());
    doc.append(svg("rect", { x: 0, y: 0, width: l.width, height: l.height, fill: "#fff" }));
    const head = this.head.cloneNode(true) as SVGSVGElement;
    const headG = svg("g", {});
    for (const c of Array.from(head.childNodes)) headG.append(c);
    doc.append(headG);
    const g = svg("g", {});
    for (const ll of l.lifelines)
      g.append(svg("line", { class: "lifeline", x1: ll.x, x2: ll.x, y1: 44, y2: l.height }));
    this.paintInto(g, l, -Infinity, Infinity, false);
    doc.append(g);
    return new XMLSerializer().serializeToString(doc);
  }

  private onScroll(): void {
    if (!this.frame) this.frame = requestAnimationFrame(() => ((this.frame = 0), this.paint()));
    const s = this.scroller;
    const atEnd = s.scrollTop + s.clientHeight >= s.scrollHeight - 48;
    if (atEnd) {
      this.follow = true;
      this.followButton.hidden = true;
    } else if (performance.now() > this.programmaticUntil) {
      this.follow = false;
      this.followButton.hidden = false;
    }
  }

  private onKey(e: KeyboardEvent): void {
    const n = this.layout?.arrows.length ?? 0;
    if (!n) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const next =
        this.selected < 0
          ? e.key === "ArrowDown"
            ? 0
            : n - 1
          : Math.max(0, Math.min(n - 1, this.selected + (e.key === "ArrowDown" ? 1 : -1)));
      this.cb.onSelect(next);
    }
  }

  private scrollToEnd(smooth: boolean): void {
    const s = this.scroller;
    const target = s.scrollHeight - s.clientHeight;
    if (target <= s.scrollTop) return;
    this.programmaticUntil = performance.now() + (smooth ? 800 : 200);
    // Smooth for small steps (a new arrow), a jump for big ones so a fast stream never lags behind.
    const near = target - s.scrollTop < 400;
    s.scrollTo({ top: target, behavior: smooth || near ? "smooth" : "auto" });
  }

  private paint(): void {
    const l = this.layout;
    if (!l) return;
    const top = this.scroller.scrollTop - OVERSCAN;
    const bottom = this.scroller.scrollTop + this.scroller.clientHeight + OVERSCAN;
    clear(this.dynamic);
    this.paintInto(this.dynamic, l, top, bottom, true);
  }

  private paintInto(
    g: SVGGElement,
    l: Layout,
    top: number,
    bottom: number,
    interactive: boolean,
  ): void {
    for (const b of visible(l.breaks, top, bottom)) g.append(this.breakEl(b, l));
    for (const s of visible(l.states, top, bottom)) g.append(stateEl(s));
    for (const t of visible(l.timers, top, bottom)) g.append(timerEl(t));
    for (const t of visible(l.ticks, top, bottom)) g.append(tickEl(t));
    for (const m of visible(l.marks, top, bottom)) g.append(markEl(m));
    for (const a of visibleArrows(l, top, bottom))
      g.append(arrowEl(a, interactive && a.n === this.selected));
  }

  private breakEl(b: BreakBox, l: Layout): SVGGElement {
    const y = (b.yMin + b.yMax) / 2;
    const x1 = l.lifelines[0].x - 40;
    const x2 = l.lifelines[1].x + 40;
    return svg(
      "g",
      { class: "idle-break" },
      svg("line", { x1, x2, y1: y - 3, y2: y - 3 }),
      svg("line", { x1, x2, y1: y + 3, y2: y + 3 }),
      svg(
        "text",
        { x: (x1 + x2) / 2, y: y + 4, "text-anchor": "middle" },
        this.i18n.t("diagram.idle", { ms: formatMs(b.ms) }),
      ),
    );
  }
}

function defs(): SVGDefsElement {
  return svg(
    "defs",
    {},
    svg(
      "marker",
      {
        id: "head",
        viewBox: "0 0 10 10",
        refX: 10,
        refY: 5,
        markerWidth: 10,
        markerHeight: 10,
        markerUnits: "userSpaceOnUse",
        orient: "auto-start-reverse",
      },
      svg("path", { d: "M0,0 L10,5 L0,10 z", class: "arrowhead" }),
    ),
    svg(
      "marker",
      {
        id: "head-open",
        viewBox: "0 0 10 10",
        refX: 10,
        refY: 5,
        markerWidth: 10,
        markerHeight: 10,
        markerUnits: "userSpaceOnUse",
        orient: "auto-start-reverse",
      },
      svg("path", { d: "M0,0 L10,5 L0,10", class: "arrowhead-open", fill: "none" }),
    ),
  );
}

function arrowEl(a: ArrowBox, selected: boolean): SVGGElement {
  const cls = [
    "seg",
    `fate-${a.arrow.fate}`,
    a.dashed ? "dashed" : "",
    a.arrow.retransmission ? "retx" : "",
    a.arrow.duplicate ? "dup" : "",
    a.arrow.crafted ? "crafted" : "",
    selected ? "selected" : "",
  ]
    .filter(Boolean)
    .join(" ");
  const g = svg("g", {
    class: cls,
    "data-arrow": a.n,
    "data-segment-id": a.arrow.segmentId,
    "data-flags": a.flags,
    "data-fate": a.arrow.fate,
    "data-time": a.arrow.sendTime,
    "data-from": a.arrow.from,
    "data-retransmission": a.arrow.retransmission ? "true" : undefined,
  });
  g.append(
    svg(
      "title",
      {},
      `#${a.arrow.segmentId} ${a.label}${a.arrow.reason ? ` — ${a.arrow.reason}` : ""}`,
    ),
  );
  g.append(svg("line", { class: "hit", x1: a.x1, y1: a.y1, x2: a.x2, y2: a.y2 }));
  g.append(
    svg("line", {
      class: "shaft",
      x1: a.x1,
      y1: a.y1,
      x2: a.x2,
      y2: a.y2,
      "marker-end":
        a.end === "arrow" || a.end === "reject"
          ? "url(#head)"
          : a.end === "open"
            ? "url(#head-open)"
            : undefined,
    }),
  );
  if (a.end === "cross") {
    const s = 7;
    g.append(
      svg(
        "g",
        { class: "cross", "data-drop": "link" },
        svg("line", { x1: a.x2 - s, y1: a.y2 - s, x2: a.x2 + s, y2: a.y2 + s }),
        svg("line", { x1: a.x2 - s, y1: a.y2 + s, x2: a.x2 + s, y2: a.y2 - s }),
      ),
    );
  } else if (a.end === "reject") {
    // Reached the receiver but discarded there: a bar across the arrow's end and a ✗.
    const dir = a.x2 > a.x1 ? -1 : 1;
    g.append(
      svg(
        "g",
        { class: "reject", "data-drop": "receiver" },
        svg("line", { x1: a.x2 + dir * 14, y1: a.y2 - 8, x2: a.x2 + dir * 14, y2: a.y2 + 8 }),
        svg(
          "text",
          { x: a.x2 + dir * 18, y: a.y2 + 18, "text-anchor": dir < 0 ? "end" : "start" },
          `✗ ${a.endNote ?? ""}`,
        ),
      ),
    );
  }
  if (a.end === "cross" && a.endNote)
    g.append(
      svg(
        "text",
        { class: "drop-note", x: a.x2, y: a.y2 + 20, "text-anchor": "middle" },
        a.endNote,
      ),
    );
  g.append(
    svg(
      "text",
      {
        class: "label",
        x: a.labelX,
        y: a.labelY - 5,
        "text-anchor":
          a.end === "cross" || a.end === "open" ? (a.x2 > a.x1 ? "start" : "end") : "middle",
        transform: a.labelAngle
          ? `rotate(${a.labelAngle.toFixed(2)} ${a.labelX} ${a.labelY})`
          : undefined,
      },
      a.label,
    ),
  );
  return g;
}

function stateEl(s: StateBox): SVGGElement {
  return svg(
    "g",
    {
      class: `state st-${s.state}${s.inferred ? " inferred" : ""}`,
      "data-host": s.host,
      "data-state": s.state,
      "data-linux-state": s.linux,
      "data-inferred": s.inferred ? "true" : undefined,
    },
    svg(
      "title",
      {},
      `${s.state} (Linux: ${s.linux})${s.inferred ? " · inferred / 推断" : ""}${s.cause ? ` — ${s.cause}` : ""}`,
    ),
    svg("rect", {
      class: "band",
      x: s.x - 4,
      y: s.yMin + 10,
      width: 8,
      height: Math.max(2, s.yMax - s.yMin - 10),
    }),
    svg("rect", { class: "badge", x: s.badgeX, y: s.yMin - 1, width: s.badgeW, height: 18, rx: 9 }),
    svg(
      "text",
      { class: "badge-text", x: s.badgeX + s.badgeW / 2, y: s.yMin + 12, "text-anchor": "middle" },
      s.state,
    ),
  );
}

function timerEl(t: TimerBox): SVGGElement {
  const dir = t.host === "client" ? 1 : -1;
  const y1 = t.yMin;
  const y2 = t.yMax;
  const g = svg("g", {
    class: `timer timer-${t.outcome}`,
    "data-host": t.host,
    "data-timer": t.timer,
    "data-outcome": t.outcome,
  });
  g.append(svg("title", {}, `${t.timer} timer: ${t.outcome}`));
  g.append(
    svg("path", {
      class: "bracket",
      d: `M${t.x + dir * 5},${y1} H${t.x} V${y2} ${t.outcome === "pending" ? "" : `H${t.x + dir * 5}`}`,
    }),
  );
  if (t.outcome === "fired") g.append(svg("circle", { class: "fired", cx: t.x, cy: y2, r: 3.5 }));
  if (t.outcome === "cancelled")
    g.append(svg("text", { class: "cancelled", x: t.x - 3.5, y: y2 + 4 }, "×"));
  if (t.deadlineY !== undefined && t.outcome === "pending")
    g.append(
      svg("line", {
        class: "deadline",
        x1: t.x - 4,
        x2: t.x + 4,
        y1: t.deadlineY,
        y2: t.deadlineY,
      }),
    );
  const SHORT: Record<string, string> = {
    retransmission: "RTO",
    "time-wait": "2MSL",
    "delayed-ack": "DACK",
    persist: "PERSIST",
    keepalive: "KEEP",
  };
  const short = SHORT[t.timer] ?? t.timer;
  g.append(
    svg("text", { class: "timer-label", x: t.x, y: y1 - 3, "text-anchor": "middle" }, short),
  );
  return g;
}

function tickEl(t: TickBox): SVGGElement {
  const g = svg("g", { class: "tick" });
  if (t.text) g.append(svg("text", { x: 4, y: t.yMax - 4 }, t.text));
  if (t.step !== undefined) {
    g.append(svg("circle", { class: "step", cx: 56, cy: t.yMax - 8, r: 7 }));
    g.append(
      svg(
        "text",
        { class: "step-no", x: 56, y: t.yMax - 4.5, "text-anchor": "middle" },
        String(t.step),
      ),
    );
  }
  return g;
}

function markEl(m: MarkBox): SVGGElement {
  return svg(
    "g",
    { class: `mark mark-${m.kind}`, "data-host": m.host, "data-mark": m.kind },
    svg("text", { x: m.x, y: m.yMax - 4, "text-anchor": m.anchor }, m.text),
  );
}

const EXPORT_CSS = `
text{font:12px ui-monospace,Menlo,Consolas,monospace;fill:#1b1f24}
.host-head rect{fill:#eef2f7;stroke:#445}
.host-head text{font-weight:bold;font-size:14px}
.lifeline{stroke:#99a;stroke-width:1.5}
.seg .shaft{stroke:#1f4fa0;stroke-width:1.6}
.seg.dashed .shaft{stroke-dasharray:6 4}
.seg .hit{stroke:transparent}
.arrowhead{fill:#1f4fa0}.arrowhead-open{stroke:#1f4fa0}
.cross line{stroke:#c0262d;stroke-width:3}
.reject line{stroke:#c0262d;stroke-width:3}.reject text,.drop-note{fill:#c0262d;font-size:11px}
.label{paint-order:stroke;stroke:#fff;stroke-width:4px}
.state .band{fill:#cfe3cf}.state .badge{fill:#fff;stroke:#4b7d4b}.state.inferred .badge{stroke-dasharray:3 2}
.st-SYN_SENT .band,.st-SYN_RECEIVED .band{fill:#f6e3b4}.st-SYN_SENT .badge,.st-SYN_RECEIVED .badge{stroke:#a66300}
.st-LISTEN .band{fill:#dde6f3}.st-CLOSED .band{fill:#e4e4e4}
.st-FIN_WAIT_1 .band,.st-FIN_WAIT_2 .band,.st-CLOSE_WAIT .band,.st-CLOSING .band,.st-LAST_ACK .band,.st-TIME_WAIT .band{fill:#ecd9ef}
.seg.retx .shaft{stroke:#6b3fa0}.seg.retx .label{fill:#6b3fa0}.seg.fate-lost .shaft,.seg.fate-rejected .shaft{stroke:#c0262d}
.badge-text{font-size:11px}
.timer .bracket{fill:none;stroke:#8a5a00;stroke-width:1.5}.timer-cancelled .bracket{stroke-dasharray:3 2}
.timer .fired{fill:#8a5a00}.timer-label{font-size:9px;fill:#8a5a00}
.tick text{font-size:10px;fill:#667}.step{fill:#335}.step-no{fill:#fff;font-size:9px}
.idle-break line{stroke:#bbb;stroke-dasharray:4 3}.idle-break text{fill:#888;font-size:10px}
.mark-data text{fill:#1d6b2f}.mark-error text{fill:#c0262d}
`;
