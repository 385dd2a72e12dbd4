// The live diagram: draws what lies in the scrolled viewport (plus some overscan), keyed, so a
// scroll adds the few items that came into view and removes those that left instead of redrawing
// everything; a lab of 15,000 segments keeps a few hundred elements in the DOM. Auto-scroll follows
// new events until the user scrolls back, and resumes when they return to the bottom.
//
// For screen readers the SVG is one named image with a description; the segments can be walked
// one by one with the arrow keys (each announced) or read as the list beside it.

import type { SequenceLayout } from "../layout/sequence";
import type { I18n } from "../i18n";
import type { Host } from "../model/events";
import { clear, h, svg } from "./dom";
import { arrowTitle, defs, hostHead, itemEl, type Frame } from "./items";

const OVERSCAN = 300;
/** Views made so far: ids stay unique when one page shows two diagrams (the comparison view). */
let views = 0;
/** Marks an arrow selected: its class, and a colour band behind its shaft. */
export function setSelected(g: Element, on: boolean): void {
  g.classList.toggle("selected", on);
  g.querySelector(".halo")?.remove();
  const shaft = g.querySelector(".shaft");
  if (on && shaft) {
    const halo = shaft.cloneNode() as SVGLineElement;
    halo.setAttribute("class", "halo");
    halo.removeAttribute("marker-end");
    g.insertBefore(halo, g.querySelector(".hit"));
  }
}

/** Drawing order: a state badge covers a timer bracket passing behind it, arrows go on top. */
const LAYERS = ["break", "timer", "state", "tick", "mark", "arrow"] as const;

export interface DiagramCallbacks {
  onSelect: (arrowIndex: number) => void;
  /** The pane's width changed: lay out again. */
  onResize: (width: number) => void;
}

interface Drawn {
  v: number;
  bottom: number;
  el: SVGGElement;
}

export class DiagramView {
  readonly root: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly head: SVGSVGElement;
  private readonly body: SVGSVGElement;
  private readonly lifelines: SVGGElement;
  private readonly layers: Record<(typeof LAYERS)[number], SVGGElement>;
  private readonly followButton: HTMLButtonElement;
  private readonly empty: HTMLElement;
  private readonly desc: SVGDescElement;
  private readonly title: SVGTitleElement;
  private readonly announce: HTMLElement;
  private readonly drawn = new Map<string, Drawn>();
  private layout: SequenceLayout | null = null;
  private selected = -1;
  private follow = true;
  private programmaticUntil = 0;
  private frame = 0;
  /** The heads' texts from the lab's snapshot; until it comes, the hosts' names in the page's language. */
  private hostTexts: Record<Host, string[]> | null = null;
  private lastWidth = 0;
  private contentHeight = 0;

  constructor(
    private readonly i18n: I18n,
    private readonly cb: DiagramCallbacks,
    private readonly measure: (t: string) => number,
  ) {
    const suffix = views++ === 0 ? "" : `-${views}`;
    this.head = svg("svg", { class: "diagram-head tcplab-diagram", "aria-hidden": "true" });
    this.title = svg("title", { id: `diagram-title${suffix}` });
    this.desc = svg("desc", { id: `diagram-desc${suffix}` });
    this.body = svg("svg", {
      class: "diagram-body tcplab-diagram",
      role: "img",
      "aria-labelledby": `diagram-title${suffix} diagram-desc${suffix}`,
    });
    this.lifelines = svg("g", { class: "lifelines" });
    this.layers = Object.fromEntries(
      LAYERS.map((k) => [k, svg("g", { class: `layer-${k}` })]),
    ) as Record<(typeof LAYERS)[number], SVGGElement>;
    this.body.append(this.title, this.desc, defs(), this.lifelines, ...Object.values(this.layers));
    this.empty = h("div", { class: "diagram-empty", "data-i18n": "diagram.empty" });
    this.announce = h("div", { class: "sr-only", "aria-live": "polite", role: "status" });
    this.scroller = h(
      "div",
      {
        class: "diagram-scroll",
        tabindex: 0,
        role: "group",
        "aria-roledescription": "sequence diagram",
        "aria-describedby": `diagram-keys${suffix}`,
      },
      h("div", { class: "diagram-head-wrap" }, this.head),
      this.body,
    );
    this.followButton = h("button", {
      class: "follow",
      type: "button",
      hidden: true,
      "data-i18n": "view.follow",
    });
    this.followButton.addEventListener("click", () => {
      this.follow = true;
      this.followButton.hidden = true;
      this.scrollToEnd(true);
    });
    this.root = h(
      "div",
      { class: "diagram" },
      this.scroller,
      this.empty,
      this.followButton,
      h("p", { id: `diagram-keys${suffix}`, class: "sr-only", "data-i18n": "diagram.keys" }),
      this.announce,
    );
    this.scroller.addEventListener("scroll", () => this.onScroll(), { passive: true });
    // Redraw on the next frame so the observer never sees its own change (which Chromium reports
    // as a "ResizeObserver loop" error); a new width means a new layout, a new height a repaint.
    let lastHeight = -1;
    new ResizeObserver(() => {
      const width = this.width;
      const height = this.scroller.clientHeight;
      if (width !== this.lastWidth && width > 0) {
        this.lastWidth = width;
        requestAnimationFrame(() => this.cb.onResize(width));
      } else if (height !== lastHeight) {
        lastHeight = height;
        requestAnimationFrame(() => this.refresh());
      }
    }).observe(this.scroller);
    this.scroller.addEventListener("keydown", (e) => this.onKey(e));
    this.body.addEventListener("click", (e) => {
      const g = (e.target as Element).closest("[data-arrow]");
      if (g) this.cb.onSelect(Number(g.getAttribute("data-arrow")));
    });
    i18n.onChange(() => this.relabel());
    this.relabel();
  }

  /** The width the diagram has to fit. */
  get width(): number {
    return Math.floor(this.scroller.clientWidth);
  }

  relabel(): void {
    this.empty.textContent = this.i18n.t("diagram.empty");
    this.followButton.textContent = this.i18n.t("view.follow");
    this.title.textContent = this.i18n.t("diagram.title");
    this.describe();
    // Titles and idle texts are in the page's language: draw every item again.
    this.drawn.clear();
    for (const layer of Object.values(this.layers)) clear(layer);
    if (this.layout) this.refresh();
  }

  setHosts(texts: Record<Host, string[]>): void {
    this.hostTexts = texts;
    if (this.layout) this.drawHead(this.layout);
  }

  /** Shows a layout (a new one, or the same one after it grew). */
  show(l: SequenceLayout): void {
    if (l !== this.layout) {
      this.drawn.clear();
      for (const layer of Object.values(this.layers)) clear(layer);
    }
    this.layout = l;
    this.refresh();
    if (this.follow) this.scrollToEnd(false);
  }

  private refresh(): void {
    const l = this.layout;
    if (!l) return;
    const g = l.geo;
    this.empty.hidden = l.count > 0;
    const height = Math.max(l.height, this.scroller.clientHeight);
    for (const el of [this.body, this.head]) {
      el.setAttribute("width", String(g.width));
      el.style.setProperty("--fs", `${g.fontSize}px`);
    }
    this.contentHeight = Math.ceil(height);
    this.body.setAttribute("height", String(this.contentHeight));
    this.head.setAttribute("height", String(g.head));
    this.scroller.style.setProperty("--head", `${g.head}px`);
    this.drawHead(l);
    clear(this.lifelines);
    for (const ll of g.lifelines)
      this.lifelines.append(
        svg("line", {
          class: "lifeline",
          x1: ll.x,
          x2: ll.x,
          y1: 0,
          y2: height,
          "data-host": ll.host,
        }),
      );
    this.describe();
    this.paint();
  }

  private describe(): void {
    const l = this.layout;
    this.desc.textContent = this.i18n.t("diagram.desc", { n: l?.arrowCount ?? 0 });
  }

  private drawHead(l: SequenceLayout): void {
    clear(this.head);
    const g = l.geo;
    const mid = g.width / 2;
    for (const ll of g.lifelines) {
      const half: [number, number] = ll.host === "client" ? [0, mid] : [mid, g.width];
      this.head.append(
        hostHead(
          ll.x,
          6,
          g.head - 14,
          this.hostTexts?.[ll.host] ?? [this.i18n.host(ll.host)],
          ll.host,
          half,
          this.measure,
        ),
      );
    }
  }

  select(n: number, scroll: boolean): void {
    const a = this.layout?.arrowItem(n);
    // Read the scroll position before changing anything, so no layout is forced in between.
    const top = this.scroller.scrollTop;
    const height = this.scroller.clientHeight;
    this.selected = n;
    for (const el of this.layers.arrow.querySelectorAll(".seg.selected")) setSelected(el, false);
    const el = this.layers.arrow.querySelector(`[data-arrow="${n}"]`);
    if (el) setSelected(el, true);
    if (!a) return;
    this.announce.textContent = this.i18n.t("diagram.selected", {
      n: n + 1,
      total: this.layout!.arrowCount,
      text: arrowTitle(a, this.i18n),
    });
    if (scroll && (a.yMin < top + 60 || a.yMax > top + height - 40)) {
      this.follow = false;
      this.followButton.hidden = false;
      this.programmaticUntil = performance.now() + 300;
      this.scroller.scrollTop = Math.max(0, a.yMin - height / 3);
    }
  }

  private frameInfo(l: SequenceLayout): Frame {
    const g = l.geo;
    return {
      bottom: Math.max(l.height, this.scroller.clientHeight),
      lineHeight: g.lineHeight,
      left: g.lifelines[0].x - 30,
      right: g.lifelines[1].x + 30,
      i18n: this.i18n,
    };
  }

  /** Everything happens on the next frame: reading the scroll position here would force a layout. */
  private onScroll(): void {
    const at = performance.now();
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const s = this.scroller;
      const atEnd = s.scrollTop + s.clientHeight >= this.contentHeight - 48;
      if (atEnd) {
        this.follow = true;
        this.followButton.hidden = true;
      } else if (at > this.programmaticUntil) {
        this.follow = false;
        this.followButton.hidden = false;
      }
      this.paint();
    });
  }

  private onKey(e: KeyboardEvent): void {
    const n = this.layout?.arrowCount ?? 0;
    if (!n) return;
    const keys: Record<string, (cur: number) => number> = {
      ArrowDown: (c) => (c < 0 ? 0 : Math.min(n - 1, c + 1)),
      ArrowUp: (c) => (c < 0 ? n - 1 : Math.max(0, c - 1)),
      Home: () => 0,
      End: () => n - 1,
    };
    const move = keys[e.key];
    if (!move) return;
    e.preventDefault();
    this.cb.onSelect(move(this.selected));
  }

  private scrollToEnd(smooth: boolean): void {
    const s = this.scroller;
    const target = s.scrollHeight - s.clientHeight;
    if (target <= s.scrollTop) return;
    this.programmaticUntil = performance.now() + (smooth ? 800 : 200);
    // Smooth for small steps (a new arrow), a jump for big ones so a fast stream never lags behind;
    // never smooth for people who asked for less motion.
    const reduced = matchMedia?.("(prefers-reduced-motion: reduce)").matches;
    const near = target - s.scrollTop < 400;
    s.scrollTo({ top: target, behavior: !reduced && (smooth || near) ? "smooth" : "auto" });
  }

  /** Draws what is in view: new items added, changed ones replaced, departed ones removed. */
  private paint(): void {
    const l = this.layout;
    if (!l) return;
    const top = this.scroller.scrollTop - OVERSCAN;
    const bottom = this.scroller.scrollTop + this.scroller.clientHeight + OVERSCAN;
    const f = this.frameInfo(l);
    const keep = new Set<string>();
    let added = false;
    for (const it of l.visible(top, bottom)) {
      keep.add(it.key);
      const open = it.yMax === Infinity;
      const was = this.drawn.get(it.key);
      if (was && was.v === it.v && (!open || was.bottom === f.bottom)) continue;
      const el = itemEl(it, f);
      if (it.type === "arrow" && it.n === this.selected) setSelected(el, true);
      if (was) was.el.replaceWith(el);
      else {
        this.layers[it.type].append(el);
        added ||= it.type === "arrow";
      }
      this.drawn.set(it.key, { v: it.v, bottom: f.bottom, el });
    }
    for (const [key, d] of this.drawn) {
      if (!keep.has(key)) {
        d.el.remove();
        this.drawn.delete(key);
      }
    }
    // Arrows in send order in the document, as scripts and screen readers meet them.
    if (added) {
      const layer = this.layers.arrow;
      const sorted = [...layer.children].sort(
        (a, b) => Number(a.getAttribute("data-arrow")) - Number(b.getAttribute("data-arrow")),
      );
      if (sorted.some((el, i) => el !== layer.children[i])) layer.append(...sorted);
    }
  }
}
