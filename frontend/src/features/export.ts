// The diagram as a standalone document (SVG, and PNG drawn from it): the whole of what the view
// shows, numbered as the view numbers it, under a title, with the narration and a legend, and
// styled by the page's own diagram stylesheet.

import type { Item, SequenceLayout } from "../layout/sequence";
import type { Band } from "../layout/bands";
import type { I18n } from "../i18n";
import type { Host } from "../model/events";
import { svg } from "../render/dom";
import { defs, hostHead, itemEl, type Frame } from "../render/items";
import diagramCss from "../render/diagram.css?raw";

export interface ExportText {
  title: string;
  subtitle: string;
  narration: { step: number; text: string }[];
  hosts: Record<Host, string[]>;
}

/** Splits a text into lines no wider than `width` (by the measure), at spaces or anywhere in CJK. */
export function wrap(text: string, width: number, measure: (t: string) => number): string[] {
  const lines: string[] = [];
  let line = "";
  const tokens =
    text.match(/[\u2e80-\u9fff\uff00-\uffef]|[^\s\u2e80-\u9fff\uff00-\uffef]+|\s+/g) ?? [];
  for (const tok of tokens) {
    const next = line + tok;
    if (line && measure(next.trimEnd()) > width) {
      lines.push(line.trimEnd());
      line = tok.trimStart();
    } else line = next;
  }
  if (line.trim()) lines.push(line.trimEnd());
  return lines;
}

export function exportSvg(
  l: SequenceLayout,
  text: ExportText,
  i18n: I18n,
  measure: (t: string) => number,
): { text: string; width: number; height: number } {
  const g = l.geo;
  const lh = g.lineHeight;
  const top = Math.round(lh * 3.4);
  const width = g.width;
  const body = l.height;
  const legend = legendRows(i18n);
  const narr: { step: number; lines: string[] }[] = text.narration.map((n) => ({
    step: n.step,
    lines: wrap(n.text, width - 2 * lh - 40, measure),
  }));
  const narrHeight = narr.length
    ? lh * (2 + narr.reduce((s, n) => s + n.lines.length + 0.3, 0))
    : 0;
  const legendTop = top + body + 10;
  const narrTop = legendTop + lh * (legend.length + 2);
  const height = Math.ceil(narrTop + narrHeight + lh);
  const doc = svg("svg", {
    xmlns: "http://www.w3.org/2000/svg",
    class: "tcplab-diagram",
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    style: `--fs:${g.fontSize}px`,
  });
  doc.append(svg("style", {}, diagramCss), defs());
  doc.append(svg("rect", { x: 0, y: 0, width, height, fill: "#fff" }));
  doc.append(svg("text", { class: "export-title", x: 12, y: lh * 1.4 }, text.title));
  doc.append(svg("text", { class: "export-sub", x: 12, y: lh * 2.6 }, text.subtitle));
  const diagram = svg("g", { transform: `translate(0 ${top})` });
  diagram.append(
    ...heads(l, text.hosts, measure),
    ...lifelines(l, g.head - 8, body),
    ...drawn(l, l.items(), body, i18n),
  );
  doc.append(diagram);

  const lg = svg("g", { class: "legend", transform: `translate(12 ${legendTop})` });
  lg.append(
    svg(
      "text",
      { class: "export-title", x: 0, y: lh, style: "font-size:var(--fs)" },
      i18n.t("export.legend"),
    ),
  );
  legend.forEach((row, i) => {
    const y = lh * (i + 2);
    lg.append(svg("g", { class: row.cls, transform: `translate(0 ${y})` }, ...row.sample()));
    lg.append(
      svg("text", { class: "legend-text", x: 70, y, "dominant-baseline": "central" }, row.text),
    );
  });
  doc.append(lg);

  if (narr.length) {
    const ng = svg("g", { class: "export-narration", transform: `translate(12 ${narrTop})` });
    ng.append(
      svg(
        "text",
        { class: "export-title", x: 0, y: lh, style: "font-size:var(--fs)" },
        i18n.t("panel.narration"),
      ),
    );
    let y = lh * 2.2;
    for (const n of narr) {
      const r = lh * 0.55;
      ng.append(
        svg(
          "g",
          { class: "tick" },
          svg("circle", { class: "step", cx: r, cy: y, r }),
          svg(
            "text",
            { class: "step-no", x: r, y, "text-anchor": "middle", "dominant-baseline": "central" },
            String(n.step),
          ),
        ),
      );
      for (const line of n.lines) {
        ng.append(svg("text", { x: 2 * r + 8, y, "dominant-baseline": "central" }, line));
        y += lh;
      }
      y += lh * 0.3;
    }
    doc.append(ng);
  }
  return { text: new XMLSerializer().serializeToString(doc), width, height };
}

/** The hosts' heads, above the lifelines. */
function heads(
  l: SequenceLayout,
  hosts: Record<Host, string[]>,
  measure: (t: string) => number,
): SVGElement[] {
  const g = l.geo;
  return g.lifelines.map((ll) => {
    const half: [number, number] = ll.host === "client" ? [0, g.width / 2] : [g.width / 2, g.width];
    return hostHead(ll.x, 6, g.head - 14, hosts[ll.host], ll.host, half, measure);
  });
}

function lifelines(l: SequenceLayout, top: number, bottom: number): SVGElement[] {
  return l.geo.lifelines.map((ll) =>
    svg("line", { class: "lifeline", x1: ll.x, x2: ll.x, y1: top, y2: bottom }),
  );
}

/** Items as the view draws them, in its layer order: arrows on top. */
function drawn(l: SequenceLayout, items: Item[], bottom: number, i18n: I18n): SVGElement[] {
  const g = l.geo;
  const f: Frame = {
    bottom,
    lineHeight: g.lineHeight,
    left: g.lifelines[0].x - 30,
    right: g.lifelines[1].x + 30,
    i18n,
  };
  const order = ["break", "timer", "state", "tick", "mark", "arrow"];
  return items
    .sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type))
    .map((it) => itemEl(it, f));
}

/**
 * One band of the diagram (the handout prints the diagram as bands cut between arrows): the
 * hosts' heads, then the stretch [band.top, band.bottom] of the whole diagram. The arrowheads'
 * markers are the page's (one `defs()` per document, so no id repeats).
 */
export function bandSvg(
  l: SequenceLayout,
  band: Band,
  hosts: Record<Host, string[]>,
  label: string,
  i18n: I18n,
  measure: (t: string) => number,
): SVGSVGElement {
  const g = l.geo;
  const span = Math.ceil(band.bottom - band.top);
  const height = g.head + span;
  const body = svg("svg", {
    x: 0,
    y: g.head,
    width: g.width,
    height: span,
    viewBox: `0 ${Math.floor(band.top)} ${g.width} ${span}`,
  });
  body.append(
    ...lifelines(l, band.top, band.bottom),
    ...drawn(l, l.visible(band.top, band.bottom), l.height, i18n),
  );
  return svg(
    "svg",
    {
      class: "tcplab-diagram handout-band",
      role: "img",
      "aria-label": label,
      width: g.width,
      height,
      viewBox: `0 0 ${g.width} ${height}`,
      style: `--fs:${g.fontSize}px`,
    },
    ...heads(l, hosts, measure),
    ...lifelines(l, g.head - 8, g.head),
    body,
  );
}

function legendRows(i18n: I18n): { cls: string; text: string; sample: () => SVGElement[] }[] {
  const shaft = (dash = false, cross = false) => [
    svg("line", {
      class: "shaft",
      x1: 0,
      y1: 0,
      x2: 56,
      y2: 0,
      "marker-end": cross ? undefined : "url(#head)",
      "stroke-dasharray": dash ? "6 4" : undefined,
    }),
    ...(cross
      ? [
          svg(
            "g",
            { class: "cross" },
            svg("line", { x1: 50, y1: -6, x2: 62, y2: 6 }),
            svg("line", { x1: 50, y1: 6, x2: 62, y2: -6 }),
          ),
        ]
      : []),
  ];
  return [
    { cls: "seg", text: i18n.t("legend.delivered"), sample: () => shaft() },
    { cls: "seg retx", text: i18n.t("legend.retransmission"), sample: () => shaft(true) },
    { cls: "seg probe", text: i18n.t("legend.probe"), sample: () => shaft(true) },
    { cls: "seg fate-lost", text: i18n.t("legend.lost"), sample: () => shaft(false, true) },
    {
      cls: "state",
      text: i18n.t("legend.state"),
      sample: () => [svg("rect", { class: "badge", x: 0, y: -8, width: 56, height: 16, rx: 8 })],
    },
    {
      cls: "timer",
      text: i18n.t("legend.timer"),
      sample: () => [svg("path", { class: "bracket", d: "M30,-8 H24 V8 H30" })],
    },
  ];
}

/** Draws an SVG document onto a canvas and returns it as PNG (scaled down past browser limits). */
export async function svgToPng(
  svgText: string,
  width: number,
  height: number,
): Promise<Blob | null> {
  const scale = Math.min(2, 16000 / height, 16000 / width);
  const img = new Image();
  const url = URL.createObjectURL(new Blob([svgText], { type: "image/svg+xml" }));
  try {
    await new Promise<void>((res, rej) => {
      img.onload = () => res();
      img.onerror = () => rej(new Error("the SVG could not be rasterised"));
      img.src = url;
    });
    const canvas = document.createElement("canvas");
    canvas.width = Math.ceil(width * scale);
    canvas.height = Math.ceil(height * scale);
    const ctx = canvas.getContext("2d")!;
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0);
    return await new Promise<Blob | null>((r) => canvas.toBlob(r, "image/png"));
  } finally {
    URL.revokeObjectURL(url);
  }
}
