// Segment labels for the diagram and the event table, in tcpdump's spirit:
// `SYN seq=0 win=65535 <mss 1460,sackOK,ts,ws 7>`.

import type { Segment, TcpOption } from "./events";
import type { IsnTable } from "./numbering";

export function flagsText(s: Pick<Segment, "flags">): string {
  // Read as people say them: SYN,ACK and FIN,ACK (header order would give "ACK,SYN").
  const order = ["SYN", "FIN", "RST", "PSH", "URG", "ACK", "ECE", "CWR"];
  const f = [...s.flags].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  return f.length ? f.join(",") : "<none>";
}

export function optionText(o: TcpOption): string {
  switch (o.kind) {
    case "MSS":
      return `mss ${o.value}`;
    case "WS":
      return `ws ${o.value}`;
    case "SACK_PERMITTED":
      return "sackOK";
    case "SACK":
      return `sack ${o.blocks.map((b) => `${b.left}:${b.right}`).join(" ")}`;
    case "TS":
      return "ts";
    case "NOP":
      return "nop";
    case "EOL":
      return "eol";
    case "UNKNOWN":
      return `opt${o.code}`;
  }
}

/** Options as in the diagram label; NOPs are padding and left out. */
export function optionsText(opts: TcpOption[]): string {
  const shown = opts.filter((o) => o.kind !== "NOP" && o.kind !== "EOL");
  return shown.length ? `<${shown.map(optionText).join(",")}>` : "";
}

export interface LabelOptions {
  relative: boolean;
  isns: IsnTable;
}

export function segmentLabel(s: Segment, o: LabelOptions): string {
  const seq = o.relative ? o.isns.relSeq(s) : s.seq;
  const parts = [flagsText(s), `seq=${seq}`];
  if (s.flags.includes("ACK")) parts.push(`ack=${o.relative ? o.isns.relAck(s) : s.ack}`);
  parts.push(`win=${s.window}`);
  if (s.payloadLength > 0) parts.push(`len=${s.payloadLength}`);
  const opts = optionsText(s.options);
  if (opts) parts.push(opts);
  return parts.join(" ");
}
