// One laid-out item -> its SVG element. Shared by the live view (which draws what is visible) and
// the exports (which draw everything), so both look the same under the one stylesheet
// (diagram.css). Hover titles and drop notes speak the page's language.

import type {
  ArrowItem,
  BreakItem,
  Item,
  MarkItem,
  StateItem,
  TextBox,
  TickItem,
  TimerItem,
} from "../layout/sequence";
import { formatMs } from "../layout/sequence";
import type { I18n } from "../i18n";
import { rfcStateName } from "../model/states";
import { svg } from "./dom";

export interface Frame {
  /** Where open items (a state in force, a pending timer) end. */
  bottom: number;
  lineHeight: number;
  /** Left and right ends of an idle break. */
  left: number;
  right: number;
  i18n: I18n;
}

export function itemEl(it: Item, f: Frame): SVGGElement {
  switch (it.type) {
    case "arrow":
      return arrowEl(it, f);
    case "state":
      return stateEl(it, f);
    case "timer":
      return timerEl(it, f);
    case "mark":
      return markEl(it, f);
    case "tick":
      return tickEl(it, f);
    case "break":
      return breakEl(it, f);
  }
}

/** Text lines centred on a box, along its rotation. */
function textIn(b: TextBox, cls: string, lineHeight: number, lines = b.lines): SVGTextElement[] {
  const transform = b.angle ? `rotate(${b.angle.toFixed(2)} ${r(b.cx)} ${r(b.cy)})` : undefined;
  return lines.map((line, i) =>
    svg(
      "text",
      {
        class: cls,
        x: r(b.cx),
        y: r(b.cy + (i - (lines.length - 1) / 2) * lineHeight),
        "text-anchor": "middle",
        "dominant-baseline": "central",
        transform,
      },
      line,
    ),
  );
}

const r = (n: number) => Math.round(n * 10) / 10;

export function arrowTitle(a: ArrowItem, i18n: I18n): string {
  const reason = a.arrow.reason && a.end !== "open" ? ` — ${a.arrow.reason}` : "";
  return `#${a.arrow.segmentId} ${i18n.host(a.arrow.from)} → ${i18n.host(a.arrow.to)}: ${a.text}${reason}`;
}

/** What has become of a segment by the end of what is shown (playback may stop before its end). */
export function shownFate(a: ArrowItem): string {
  return a.end === "open" ? "in-flight" : a.arrow.fate;
}

function arrowEl(a: ArrowItem, f: Frame): SVGGElement {
  const ar = a.arrow;
  const fate = shownFate(a);
  const cls = [
    "seg",
    `fate-${fate}`,
    a.dashed ? "dashed" : "",
    ar.retransmission && !ar.probe ? "retx" : "",
    ar.probe ? "probe" : "",
    ar.duplicate ? "dup" : "",
    ar.crafted ? "crafted" : "",
  ]
    .filter(Boolean)
    .join(" ");
  const g = svg("g", {
    class: cls,
    "data-arrow": a.n,
    "data-segment-id": ar.segmentId,
    "data-flags": a.flags,
    "data-fate": fate,
    "data-time": ar.sendTime,
    "data-from": ar.from,
    "data-retransmission": ar.retransmission ? "true" : undefined,
    "data-probe": ar.probe ? "true" : undefined,
  });
  g.append(svg("title", {}, arrowTitle(a, f.i18n)));
  const line = { x1: r(a.x1), y1: r(a.y1), x2: r(a.x2), y2: r(a.y2) };
  g.append(svg("line", { class: "hit", ...line }));
  g.append(
    svg("line", {
      class: "shaft",
      ...line,
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
    // Reached the receiver but discarded there: a bar across the arrow's end.
    const dir = a.x2 > a.x1 ? -1 : 1;
    g.append(
      svg(
        "g",
        { class: "reject", "data-drop": "receiver" },
        svg("line", { x1: a.x2 + dir * 14, y1: a.y2 - 8, x2: a.x2 + dir * 14, y2: a.y2 + 8 }),
      ),
    );
  }
  if (a.endNote) for (const t of textIn(a.endNote, "drop-note", f.lineHeight)) g.append(t);
  for (const t of textIn(a.label, "label", f.lineHeight)) g.append(t);
  return g;
}

function stateEl(s: StateItem, f: Frame): SVGGElement {
  const bottom = s.yMax === Infinity ? f.bottom : s.yMax;
  const inferred = s.inferred ? ` (${f.i18n.t("state.inferred")})` : "";
  const title = `${s.state} — ${rfcStateName(s.state)} (RFC 9293), Linux ${s.linux}${inferred}${
    s.cause ? ` — ${f.i18n.tOr(`cause.${s.cause}`, s.cause)}` : ""
  }`;
  const b = s.badge;
  return svg(
    "g",
    {
      class: `state st-${s.state}${s.inferred ? " inferred" : ""}`,
      "data-host": s.host,
      "data-state": s.state,
      "data-linux-state": s.linux,
      "data-inferred": s.inferred ? "true" : undefined,
    },
    svg("title", {}, title),
    svg("rect", {
      class: "band",
      x: s.x - 4,
      y: r(s.bandTop),
      width: 8,
      height: r(Math.max(2, bottom - s.bandTop)),
    }),
    svg("rect", { class: "badge", x: r(b.x), y: r(b.y), width: r(b.w), height: b.h, rx: b.h / 2 }),
    svg(
      "text",
      {
        class: "badge-text",
        x: r(b.x + b.w / 2),
        y: r(b.y + b.h / 2),
        "text-anchor": "middle",
        "dominant-baseline": "central",
      },
      s.state,
    ),
  );
}

function timerEl(t: TimerItem, f: Frame): SVGGElement {
  const y1 = t.y1;
  const y2 = t.yMax === Infinity ? f.bottom - 10 : t.yMax;
  const d = t.dir;
  const g = svg("g", {
    class: `timer timer-${t.outcome}`,
    "data-host": t.host,
    "data-timer": t.timer,
    "data-outcome": t.outcome,
  });
  g.append(
    svg(
      "title",
      {},
      f.i18n.t("timer.title", {
        timer: f.i18n.t(`timer.${t.timer}`),
        outcome: f.i18n.t(`timer.${t.outcome}`),
        at: t.deadline !== undefined ? formatMs(t.deadline) : "",
      }),
    ),
  );
  g.append(
    svg("path", {
      class: "bracket",
      d: `M${r(t.x + d * 5)},${r(y1)} H${r(t.x)} V${r(y2)} ${t.outcome === "pending" ? "" : `H${r(t.x + d * 5)}`}`,
    }),
  );
  if (t.outcome === "fired") g.append(svg("circle", { class: "fired", cx: t.x, cy: r(y2), r: 4 }));
  if (t.outcome === "cancelled")
    g.append(
      svg(
        "text",
        {
          class: "cancelled",
          x: t.x,
          y: r(y2),
          "text-anchor": "middle",
          "dominant-baseline": "central",
        },
        "×",
      ),
    );
  if (t.deadlineY !== undefined && t.outcome === "pending")
    g.append(
      svg("line", {
        class: "deadline",
        x1: t.x - 5,
        x2: t.x + 5,
        y1: r(t.deadlineY),
        y2: r(t.deadlineY),
      }),
    );
  for (const el of textIn(t.label, "timer-label", f.lineHeight)) g.append(el);
  return g;
}

function tickEl(t: TickItem, f: Frame): SVGGElement {
  const g = svg("g", { class: "tick" });
  if (t.time)
    g.append(
      svg("text", { class: "time", x: 4, y: r(t.y), "dominant-baseline": "central" }, t.time),
    );
  if (t.step !== undefined) {
    const radius = f.lineHeight * 0.55;
    const cy = r(t.y - radius * 0.6);
    g.append(svg("circle", { class: "step", cx: t.stepX, cy, r: radius }));
    g.append(
      svg(
        "text",
        {
          class: "step-no",
          x: t.stepX,
          y: cy,
          "text-anchor": "middle",
          "dominant-baseline": "central",
        },
        String(t.step),
      ),
    );
  }
  return g;
}

function markEl(m: MarkItem, f: Frame): SVGGElement {
  const g = svg("g", {
    class: `mark mark-${m.kind}`,
    "data-host": m.host,
    "data-mark": m.kind,
  });
  if (m.kind !== "data")
    g.append(
      svg(
        "title",
        {},
        m.kind === "ack-suppressed"
          ? f.i18n.t("mark.ackSuppressed", {
              host: m.host,
              reason: f.i18n.tOr(`suppressed.${m.raw}`, m.raw),
              detail: m.detail ?? "",
            })
          : `${f.i18n.tOr(`error.${m.raw}`, m.raw)}: ${m.detail ?? ""}`,
      ),
    );
  for (const t of textIn(m.box, "mark-text", f.lineHeight)) g.append(t);
  return g;
}

function breakEl(b: BreakItem, f: Frame): SVGGElement {
  const y = b.y;
  const text = f.i18n.t("diagram.idle", { ms: formatMs(b.ms) });
  return svg(
    "g",
    { class: "idle-break" },
    svg("line", { x1: f.left, x2: f.right, y1: r(y - 3), y2: r(y - 3) }),
    svg("line", { x1: f.left, x2: f.right, y1: r(y + 3), y2: r(y + 3) }),
    svg(
      "text",
      {
        x: r((f.left + f.right) / 2),
        y: r(y),
        "text-anchor": "middle",
        "dominant-baseline": "central",
      },
      text,
    ),
  );
}

/** Arrowheads, referenced by id. */
export function defs(): SVGDefsElement {
  const marker = (id: string, path: SVGPathElement) =>
    svg(
      "marker",
      {
        id,
        viewBox: "0 0 10 10",
        refX: 10,
        refY: 5,
        markerWidth: 10,
        markerHeight: 10,
        markerUnits: "userSpaceOnUse",
        orient: "auto-start-reverse",
      },
      path,
    );
  return svg(
    "defs",
    {},
    marker("head", svg("path", { d: "M0,0 L10,5 L0,10 z", class: "arrowhead" })),
    marker(
      "head-open",
      svg("path", { d: "M0,0 L10,5 L0,10", class: "arrowhead-open", fill: "none" }),
    ),
  );
}

/**
 * A lifeline's head: the host's name in a rounded box, the most detailed text that fits its half
 * of the width, kept inside it, so both heads show on a phone.
 */
export function hostHead(
  x: number,
  y: number,
  height: number,
  texts: string[],
  host: string,
  half: [number, number],
  measure: (t: string) => number,
): SVGGElement {
  const room = half[1] - half[0] - 8;
  const text = texts.find((t) => measure(t) + 20 <= room) ?? texts[texts.length - 1];
  const w = Math.min(room, Math.max(measure(text) + 20, 80));
  const cx = Math.max(half[0] + 4 + w / 2, Math.min(half[1] - 4 - w / 2, x));
  return svg(
    "g",
    { class: `host-head host-${host}` },
    svg("title", {}, texts[0]),
    svg("rect", { x: r(cx - w / 2), y, width: r(w), height, rx: 6 }),
    svg(
      "text",
      { x: r(cx), y: r(y + height / 2), "text-anchor": "middle", "dominant-baseline": "central" },
      text,
    ),
  );
}
