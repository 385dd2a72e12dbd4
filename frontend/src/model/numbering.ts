// Sequence numbers as Wireshark shows them: relative to each direction's initial sequence number.
// The ISN of a direction is the seq of its first SYN, or of its first segment when the capture
// started mid-connection. Arithmetic is modulo 2^32 (RFC 9293 section 3.4).

import type { Segment } from "./events";

const MOD = 0x1_0000_0000;

export function seqDiff(a: number, b: number): number {
  return (((a - b) % MOD) + MOD) % MOD;
}

export function seqAdd(a: number, n: number): number {
  return (((a + n) % MOD) + MOD) % MOD;
}

/** Sequence space a segment occupies: payload plus one for SYN and one for FIN. */
export function seqLength(s: Pick<Segment, "flags" | "payloadLength">): number {
  return s.payloadLength + (s.flags.includes("SYN") ? 1 : 0) + (s.flags.includes("FIN") ? 1 : 0);
}

export function directionKey(s: Pick<Segment, "srcIp" | "srcPort" | "dstIp" | "dstPort">): string {
  return `${s.srcIp}:${s.srcPort}>${s.dstIp}:${s.dstPort}`;
}

export function reverseKey(s: Pick<Segment, "srcIp" | "srcPort" | "dstIp" | "dstPort">): string {
  return `${s.dstIp}:${s.dstPort}>${s.srcIp}:${s.srcPort}`;
}

/** ISNs per direction, learned in event order. */
export class IsnTable {
  private readonly isn = new Map<string, { value: number; fromSyn: boolean }>();

  observe(s: Segment): void {
    const k = directionKey(s);
    const known = this.isn.get(k);
    const syn = s.flags.includes("SYN");
    // A SYN always (re)defines the ISN unless one was already learned from a SYN: a retransmitted
    // SYN carries the same ISN, and a new SYN on a reused 4-tuple is a new incarnation we still
    // number against the first one (as Wireshark does until the stream index changes).
    if (!known || (syn && !known.fromSyn)) this.isn.set(k, { value: s.seq, fromSyn: syn });
    if (syn && !this.ws.has(k)) {
      const ws = s.options.find((o) => o.kind === "WS");
      this.ws.set(k, ws && ws.kind === "WS" ? ws.value : null);
    }
  }

  /** Window-scale shift each direction offered on its SYN (null: offered none). */
  private readonly ws = new Map<string, number | null>();

  /** The shift that applies to this segment's window: only off the SYN, only if both SYNs had WS (RFC 7323 2.2). */
  windowShift(s: Segment): number | undefined {
    if (s.flags.includes("SYN")) return undefined;
    const mine = this.ws.get(directionKey(s));
    const theirs = this.ws.get(reverseKey(s));
    return mine != null && theirs != null ? mine : undefined;
  }

  isnOf(key: string): number | undefined {
    return this.isn.get(key)?.value;
  }

  relSeq(s: Segment): number {
    const base = this.isnOf(directionKey(s));
    return base === undefined ? s.seq : seqDiff(s.seq, base);
  }

  relAck(s: Segment): number {
    const base = this.isnOf(reverseKey(s));
    return base === undefined ? s.ack : seqDiff(s.ack, base);
  }
}
