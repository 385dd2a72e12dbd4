import { describe, expect, it } from "vitest";
import { decodeEvent, decodeSegment } from "../src/api/decode";
import { buildDiagram } from "../src/model/diagram";
import { labelVariants, segmentLabel, flagsText, flagList } from "../src/model/format";
import { SequenceSpace, numberText, seqDiff, seqAdd, seqLength } from "../src/model/numbering";
import type { Segment } from "../src/model/events";
import { handshakeEvents, segment } from "./fixtures/wire";

const seg = (spec: Parameters<typeof segment>[0]) => decodeSegment(segment(spec));

describe("labels", () => {
  const m = buildDiagram(handshakeEvents().map(decodeEvent));
  const [syn, synAck, ack] = m.arrows;
  const label = (a: typeof syn, numbering: "absolute" | "relative" | "both") =>
    segmentLabel(a.segment, { numbering, numbers: a.numbers });

  it("formats the SYN like tcpdump with decoded options", () => {
    expect(label(syn, "relative")).toBe("SYN seq=0 win=65535 <mss 1460,sackOK,ts,ws 7>");
  });

  it("numbers relative to each side's ISN, absolute, or both", () => {
    expect(label(synAck, "relative")).toBe(
      "SYN,ACK seq=0 ack=1 win=65535 <mss 1460,sackOK,ts,ws 7>",
    );
    expect(label(ack, "relative")).toBe("ACK seq=1 ack=1 win=512");
    expect(label(ack, "absolute")).toBe("ACK seq=1001 ack=5001 win=512");
    expect(label(ack, "both")).toBe("ACK seq=1001 (rel 1) ack=5001 (rel 1) win=512");
  });

  it("shows payload length and reads flags as people say them", () => {
    const s = seg({ from: "client", seq: 1001, ack: 5001, flags: ["ACK", "PSH"], text: "hello" });
    expect(flagsText(s)).toBe("PSH,ACK");
    expect(flagList(["ACK", "SYN"])).toBe("SYN,ACK");
    expect(segmentLabel(s, { numbering: "absolute", numbers: {} })).toBe(
      "PSH,ACK seq=1001 ack=5001 win=65535 len=5",
    );
  });

  it("offers shorter variants for narrow screens, the shortest on two lines", () => {
    const v = labelVariants(synAck.segment, { numbering: "absolute", numbers: synAck.numbers });
    expect(v.map((x) => x.join(" | "))).toEqual([
      "SYN,ACK seq=5000 ack=1001 win=65535 <mss 1460,sackOK,ts,ws 7>",
      "SYN,ACK seq=5000 ack=1001 win=65535",
      "SYN,ACK seq=5000 ack=1001",
      "SYN,ACK | seq=5000 ack=1001",
    ]);
  });
});

describe("sequence arithmetic", () => {
  it("wraps modulo 2^32", () => {
    expect(seqDiff(5, 0xffff_fffe)).toBe(7);
    expect(seqAdd(0xffff_ffff, 2)).toBe(1);
  });

  it("counts SYN and FIN as one sequence number each", () => {
    expect(seqLength({ flags: ["SYN"], payloadLength: 0 })).toBe(1);
    expect(seqLength({ flags: ["FIN", "ACK"], payloadLength: 10 })).toBe(11);
    expect(seqLength({ flags: ["ACK"], payloadLength: 0 })).toBe(0);
  });

  it("says a number as the view asks", () => {
    expect(numberText("seq", 100, 0, "absolute")).toBe("seq=100");
    expect(numberText("seq", 100, 0, "relative")).toBe("seq=0");
    expect(numberText("seq", 100, 0, "both")).toBe("seq=100 (rel 0)");
    expect(numberText("seq", 100, undefined, "relative")).toBe("seq=100");
  });
});

describe("numbering per connection and incarnation, as Wireshark does", () => {
  const client = (seq: number, flags: string[], ack?: number, port = 40000): Segment => {
    const s = seg({ from: "client", seq, flags, ack });
    return { ...s, srcPort: port };
  };
  const server = (seq: number, flags: string[], ack?: number, port = 40000): Segment => {
    const s = seg({ from: "server", seq, flags, ack });
    return { ...s, dstPort: port };
  };

  it("uses the first segment when a direction's SYN was never seen", () => {
    const t = new SequenceSpace();
    t.observe(seg({ from: "server", seq: 4_294_967_000, ack: 1, flags: ["ACK"], text: "x" }));
    const later = t.observe(seg({ from: "server", seq: 500, ack: 1, flags: ["ACK"] }));
    expect(later.relSeq).toBe(796);
  });

  it("starts a new base at a new SYN with a new ISN (a refused connection, then another)", () => {
    const t = new SequenceSpace();
    t.observe(client(3_591_192_655, ["SYN"]));
    const rst = t.observe(server(0, ["RST", "ACK"], 3_591_192_656));
    expect(rst.relAck).toBe(1);
    const again = t.observe(client(77, ["SYN"]));
    expect(again.relSeq).toBe(0);
    const synAck = t.observe(server(900, ["SYN", "ACK"], 78));
    expect([synAck.relSeq, synAck.relAck]).toEqual([0, 1]);
    const ack = t.observe(client(78, ["ACK"], 901));
    expect([ack.relSeq, ack.relAck]).toEqual([1, 1]);
  });

  it("keeps a retransmitted SYN in its incarnation", () => {
    const t = new SequenceSpace();
    t.observe(client(100, ["SYN"]));
    expect(t.observe(client(100, ["SYN"])).relSeq).toBe(0);
    expect(t.observe(client(101, ["ACK"], 1)).relSeq).toBe(1);
  });

  it("numbers an old duplicate SYN and the real one each from its own ISN, never below zero", () => {
    // RFC 9293 figure 8: the real SYN (100) is delayed, an old one (90) arrives first.
    const t = new SequenceSpace();
    const real = t.observe(client(100, ["SYN"]));
    const old = t.observe(client(90, ["SYN"]));
    expect([real.relSeq, old.relSeq]).toEqual([0, 0]);
    const answersOld = t.observe(server(300, ["SYN", "ACK"], 91));
    expect([answersOld.relSeq, answersOld.relAck]).toEqual([0, 1]);
    const reset = t.observe(client(91, ["RST"]));
    expect(reset.relSeq).toBe(1);
    const answersReal = t.observe(server(400, ["SYN", "ACK"], 101));
    expect([answersReal.relSeq, answersReal.relAck]).toEqual([0, 1]);
    const ack = t.observe(client(101, ["ACK"], 401));
    expect([ack.relSeq, ack.relAck]).toEqual([1, 1]);
  });

  it("shows a number before every known ISN as absolute rather than wrapping", () => {
    const t = new SequenceSpace();
    t.observe(client(100, ["SYN"]));
    const before = t.observe(client(90, ["ACK"], 5));
    expect(before.relSeq).toBeUndefined();
    expect(segmentLabel(client(90, ["RST"]), { numbering: "relative", numbers: before })).toBe(
      "RST seq=90 win=65535",
    );
  });

  it("keeps connections on different ports apart", () => {
    const t = new SequenceSpace();
    t.observe(client(100, ["SYN"], undefined, 40000));
    const other = t.observe(client(7000, ["SYN"], undefined, 40001));
    expect(other.relSeq).toBe(0);
    expect(t.observe(client(101, ["ACK"], 1, 40000)).relSeq).toBe(1);
  });

  it("applies window scaling only after both SYNs offered it (RFC 7323 2.2)", () => {
    const t = new SequenceSpace();
    t.observe(
      seg({ from: "client", seq: 1000, flags: ["SYN"], options: [{ kind: "WS", value: 7 }] }),
    );
    t.observe(seg({ from: "server", seq: 5000, ack: 1001, flags: ["SYN", "ACK"] }));
    expect(
      t.observe(seg({ from: "client", seq: 1001, ack: 5001, flags: ["ACK"] })).windowShift,
    ).toBeUndefined();
    const both = new SequenceSpace();
    both.observe(
      seg({ from: "client", seq: 1000, flags: ["SYN"], options: [{ kind: "WS", value: 7 }] }),
    );
    both.observe(
      seg({
        from: "server",
        seq: 5000,
        ack: 1001,
        flags: ["SYN", "ACK"],
        options: [{ kind: "WS", value: 2 }],
      }),
    );
    expect(
      both.observe(seg({ from: "client", seq: 1001, ack: 5001, flags: ["ACK"] })).windowShift,
    ).toBe(7);
  });
});
