// The diagram as Mermaid `sequenceDiagram` text (for notes, slides, READMEs). Pure. Messages come
// in the order they were sent, tagged as the diagram tags them, numbered as the view numbers
// them; the narration becomes notes, and a legend note says what the arrow styles mean.

import type { DiagramModel } from "../model/diagram";
import { segmentLabel } from "../model/format";
import type { Numbering } from "../model/numbering";
import type { I18n } from "../i18n";

/** Mermaid message text may not contain ';' or '#', and '<'/'>' confuse its parser. */
function safe(s: string): string {
  return s
    .replace(/[;#]/g, " ")
    .replace(/</g, "‹")
    .replace(/>/g, "›")
    .replace(/\s*\n\s*/g, " ");
}

export function toMermaid(
  m: DiagramModel,
  numbering: Numbering,
  i18n: I18n,
  title: string,
  limit = m.events.length,
): string {
  const client = i18n.host("client");
  const server = i18n.host("server");
  const lines = [
    "sequenceDiagram",
    `  title ${safe(title)}`,
    `  participant client as ${safe(client)}`,
    `  participant server as ${safe(server)}`,
    `  Note over client,server: ${safe(i18n.t("export.legendMermaid"))}`,
  ];
  const arrowAt = new Map(m.arrows.map((a) => [a.eventId, a]));
  const stateAt = new Map(m.states.map((s) => [s.eventId, s]));
  const stepAt = new Map(m.narration.map((n) => [n.eventId, n]));
  for (const e of m.events.slice(0, limit)) {
    const a = arrowAt.get(e.id);
    if (a) {
      const tags = [
        a.probe ? i18n.t("tag.probe") : a.retransmission ? i18n.t("tag.retransmission") : "",
        a.duplicate ? i18n.t("tag.duplicate") : "",
        a.crafted ? i18n.t("tag.crafted") : "",
      ].filter(Boolean);
      let text = segmentLabel(a.segment, { numbering, numbers: a.numbers });
      if (tags.length) text = `[${tags.join(" ")}] ${text}`;
      if (a.fate === "lost") text += ` (${i18n.t("export.lost", { reason: a.reason ?? "" })})`;
      if (a.fate === "rejected")
        text += ` (${i18n.t("export.discarded", { reason: a.reason ?? "" })})`;
      // -x is Mermaid's cross-ended arrow: the segment never arrived.
      const dashed = a.retransmission || a.duplicate || a.crafted || a.probe;
      const op = a.fate === "lost" ? (dashed ? "--x" : "-x") : dashed ? "-->>" : "->>";
      lines.push(`  ${a.from}${op}${a.to}: ${safe(text)}`);
      continue;
    }
    const n = stepAt.get(e.id);
    if (n) {
      lines.push(`  Note over client,server: ${n.step}. ${safe(i18n.pick(n.en, n.zh))}`);
      continue;
    }
    const s = stateAt.get(e.id);
    if (s) lines.push(`  Note over ${s.host}: ${safe(s.state)}`);
  }
  return lines.join("\n") + "\n";
}
