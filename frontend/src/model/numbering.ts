// Sequence numbers as Wireshark shows them: relative to the initial sequence number of the
// connection's incarnation, per direction of each 4-tuple. A new SYN with a new ISN starts a new
// incarnation (a refused connection, an old duplicate SYN, a reused port), so its numbers start at
// 0 again instead of counting on from an earlier connection. Arithmetic is modulo 2^32
// (RFC 9293 §3.4); a number before every known ISN has no relative form and is shown absolute.

import type { Segment } from "./events";

const MOD = 0x1_0000_0000;
const HALF = 0x8000_0000;
/** Incarnations remembered per direction (a lab that reopens a 4-tuple forever stays bounded). */
const MAX_INCARNATIONS = 8;

/** How the diagram, the table and the exports print sequence and acknowledgment numbers. */
export type Numbering = "absolute" | "relative" | "both";

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

/** One segment's numbers relative to the incarnations in force when it was sent. */
export interface SegmentNumbers {
  /** The ISN its seq counts from, when one applies. */
  isn?: number;
  /** The peer ISN its ack counts from (with ACK only). */
  peerIsn?: number;
  relSeq?: number;
  relAck?: number;
  /** Window-scale shift that applies to its window (RFC 7323 §2.2), when negotiated. */
  windowShift?: number;
}

interface Incarnation {
  isn: number;
  /** Learned from a SYN (rather than the first segment of a connection seen mid-way). */
  fromSyn: boolean;
  /** Window-scale shift offered on its SYN; null: offered none. */
  ws: number | null;
}

/** The ISNs of every direction's incarnations, learned in event order. */
export class SequenceSpace {
  private readonly dirs = new Map<string, Incarnation[]>();

  /** Learns from a segment as it is sent and returns its numbers at that moment. */
  observe(s: Segment): SegmentNumbers {
    const key = directionKey(s);
    let list = this.dirs.get(key);
    if (!list) this.dirs.set(key, (list = []));
    const syn = s.flags.includes("SYN");
    const latest = list.at(-1);
    if (syn) {
      // A retransmitted SYN carries the same ISN; any other SYN opens a new incarnation.
      if (!latest || latest.isn !== s.seq || !latest.fromSyn) {
        if (latest && !latest.fromSyn) list.pop();
        const ws = s.options.find((o) => o.kind === "WS");
        list.push({ isn: s.seq, fromSyn: true, ws: ws?.kind === "WS" ? ws.value : null });
        if (list.length > MAX_INCARNATIONS) list.shift();
      }
    } else if (!latest) {
      // Seen mid-connection: its first segment stands in for the ISN.
      list.push({ isn: s.seq, fromSyn: false, ws: null });
    }
    const mine = base(list, s.seq);
    const out: SegmentNumbers = {};
    if (mine) {
      out.isn = mine.isn;
      out.relSeq = seqDiff(s.seq, mine.isn);
    }
    if (s.flags.includes("ACK")) {
      const theirs = base(this.dirs.get(reverseKey(s)) ?? [], seqAdd(s.ack, -1));
      if (theirs) {
        out.peerIsn = theirs.isn;
        out.relAck = seqDiff(s.ack, theirs.isn);
      }
      // Scaling applies off the SYN, and only when both SYNs offered it.
      if (!syn && mine?.ws != null && theirs?.ws != null) out.windowShift = mine.ws;
    }
    return out;
  }

  /** The latest ISN of a direction (`directionKey`), if any. */
  isnOf(key: string): number | undefined {
    return this.dirs.get(key)?.at(-1)?.isn;
  }
}

/**
 * The incarnation a number belongs to: the one whose ISN lies closest below it (within half the
 * sequence space). An acknowledgment is looked up one below, since it names the next number
 * expected: `ack = ISN + 1` acknowledges that incarnation's SYN.
 */
function base(list: readonly Incarnation[], n: number): Incarnation | undefined {
  let best: Incarnation | undefined;
  let bestDiff = HALF;
  for (const inc of list) {
    const d = seqDiff(n, inc.isn);
    if (d < bestDiff || (d === bestDiff && best)) {
      best = inc;
      bestDiff = d;
    }
  }
  return best;
}

/** `seq=100`, `seq=0` or `seq=100 (rel 0)`, as the numbering asks. */
export function numberText(
  name: string,
  absolute: number,
  relative: number | undefined,
  n: Numbering,
): string {
  if (relative === undefined || n === "absolute") return `${name}=${absolute}`;
  if (n === "relative") return `${name}=${relative}`;
  return `${name}=${absolute} (rel ${relative})`;
}
