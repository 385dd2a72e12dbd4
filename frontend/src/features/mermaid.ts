// The diagram as Mermaid `sequenceDiagram` text (for notes, slides, READMEs). Pure.

import type { DiagramModel } from "../model/diagram";
import { segmentLabel } from "../model/format";

/** Mermaid message text may not contain ';' or '#', and '<'/'>' confuse its parser. */
function safe(s: string): string {
  return s.replace(/[;#]/g, " ").replace(/</g, "‹").replace(/>/g, "›");
}

export function toMermaid(m: DiagramModel, relative: boolean): string {
  const lines = ["sequenceDiagram", "  participant client", "  participant server"];
  const arrowAt = new Map(m.arrows.map((a) => [a.eventId, a]));
  const stateAt = new Map(m.states.map((s) => [s.eventId, s]));
  for (const e of m.events) {
    const a = arrowAt.get(e.id);
    if (a) {
      let text = segmentLabel(a.segment, { relative, isns: m.isns });
      if (a.retransmission) text = `[retransmission] ${text}`;
      if (a.duplicate) text = `[duplicate] ${text}`;
      if (a.fate === "lost") text += ` (lost: ${a.reason ?? "dropped"})`;
      if (a.fate === "rejected") text += ` (discarded: ${a.reason ?? "dropped"})`;
      // -x is Mermaid's cross-ended arrow: the segment never arrived.
      const op = a.fate === "lost" ? "-x" : a.retransmission || a.duplicate ? "-->>" : "->>";
      lines.push(`  ${a.from}${op}${a.to}: ${safe(text)}`);
      continue;
    }
    const s = stateAt.get(e.id);
    if (s) lines.push(`  Note over ${s.host}: ${safe(s.state)}`);
  }
  return lines.join("\n") + "\n";
}
