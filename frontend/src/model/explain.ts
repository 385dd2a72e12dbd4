// Plain-language reasons for a segment's numbers, as i18n keys with parameters, so the same
// reasoning reads in English and Chinese. The rules follow RFC 9293: SYN and FIN each consume one
// sequence number (3.4), ACK carries the next sequence number expected (3.10.7.4).

import type { Arrow } from "./diagram";
import { seqAdd, seqLength } from "./numbering";

export interface Sentence {
  key: string;
  params: Record<string, string | number>;
}

export function explainSegment(a: Arrow): Sentence[] {
  const s = a.segment;
  const out: Sentence[] = [];
  const say = (key: string, params: Record<string, string | number> = {}) =>
    out.push({ key, params: { from: a.from, to: a.to, ...params } });
  const syn = s.flags.includes("SYN");
  const ack = s.flags.includes("ACK");
  const fin = s.flags.includes("FIN");
  const rst = s.flags.includes("RST");
  const { isn: myIsn, peerIsn, relSeq, relAck, windowShift: shift } = a.numbers;

  if (a.crafted) say("explain.crafted");
  if (syn && !ack) say("explain.syn", { isn: s.seq });
  if (syn && ack) say("explain.synack", { isn: s.seq });
  if (ack && peerIsn !== undefined && s.ack === seqAdd(peerIsn, 1) && (syn || !fin)) {
    // The first ACK of a direction: acknowledges exactly the peer's SYN.
    say("explain.ackIsn", { ack: s.ack, peerIsn });
  } else if (ack) {
    say(relAck !== undefined ? "explain.ack" : "explain.ackAbsolute", {
      ack: s.ack,
      rel: relAck ?? "",
    });
  }
  if (s.payloadLength > 0) {
    const rel = myIsn !== undefined && relSeq !== undefined ? relSeq : s.seq;
    say("explain.data", {
      len: s.payloadLength,
      first: rel,
      next: rel + s.payloadLength,
      nextAbs: seqAdd(s.seq, seqLength(s)),
    });
  }
  if (fin) say("explain.fin", { next: seqAdd(s.seq, seqLength(s)) });
  if (rst) say("explain.rst");
  if (shift !== undefined && shift > 0)
    say("explain.windowScaled", { win: s.window, shift, bytes: s.window * 2 ** shift });
  else say("explain.window", { win: s.window });
  for (const o of s.options) {
    if (o.kind === "MSS") say("explain.mss", { mss: o.value });
    if (o.kind === "WS") say("explain.ws", { shift: o.value, factor: 2 ** o.value });
    if (o.kind === "SACK_PERMITTED") say("explain.sackOk");
    if (o.kind === "TS") say("explain.ts", { val: o.value, ecr: o.echo });
  }
  if (a.probe) say("explain.probe");
  else if (a.retransmission) say("explain.retransmission");
  if (a.duplicate) say("explain.duplicate");
  if (a.fate === "lost") say("explain.lost", { reason: a.reason ?? "" });
  if (a.fate === "rejected")
    say(a.reason?.startsWith("checksum") ? "explain.badChecksum" : "explain.rejected", {
      reason: a.reason ?? "",
    });
  return out;
}
