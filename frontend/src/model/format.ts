// Segment labels for the diagram, the event table and the exports, in tcpdump's spirit:
// `SYN seq=100 win=65535 <mss 1460,sackOK,ts,ws 7>`. One spelling of flags everywhere: as people
// say them, SYN,ACK and FIN,ACK (header bit order would give "ACK,SYN").

import type { Flag, Segment, TcpOption } from "./events";
import { numberText, type Numbering, type SegmentNumbers } from "./numbering";

const SPOKEN_ORDER: readonly string[] = ["SYN", "FIN", "RST", "PSH", "URG", "ACK", "ECE", "CWR"];

/** Flags in the order people say them, comma-joined: "SYN,ACK"; "" for none. */
export function flagList(flags: readonly Flag[] | readonly string[]): string {
  return [...flags].sort((a, b) => SPOKEN_ORDER.indexOf(a) - SPOKEN_ORDER.indexOf(b)).join(",");
}

export function flagsText(s: Pick<Segment, "flags">): string {
  return flagList(s.flags) || "<none>";
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
  numbering: Numbering;
  numbers: SegmentNumbers;
}

/**
 * A segment's label from most to least detailed: everything; without options; without the
 * window; and the core (flags, numbers, length) split over two lines when one is too wide.
 * Layout picks the first that fits the arrow.
 */
export function labelVariants(s: Segment, o: LabelOptions): string[][] {
  const flags = flagsText(s);
  const seq = numberText("seq", s.seq, o.numbers.relSeq, o.numbering);
  const ack = s.flags.includes("ACK")
    ? numberText("ack", s.ack, o.numbers.relAck, o.numbering)
    : "";
  const win = `win=${s.window}`;
  const len = s.payloadLength > 0 ? `len=${s.payloadLength}` : "";
  const opts = optionsText(s.options);
  const join = (...parts: string[]) => parts.filter(Boolean).join(" ");
  const variants: string[][] = [];
  if (opts) variants.push([join(flags, seq, ack, win, len, opts)]);
  variants.push([join(flags, seq, ack, win, len)]);
  variants.push([join(flags, seq, ack, len)]);
  variants.push([join(flags, len), join(seq, ack)]);
  return variants;
}

/** The full one-line label (table, exports, titles). */
export function segmentLabel(s: Segment, o: LabelOptions): string {
  return labelVariants(s, o)[0][0];
}
