import { describe, expect, it } from "vitest";
import { decodeEvent, decodeSegment } from "../src/api/decode";
import { buildDiagram } from "../src/model/diagram";
import { segmentLabel, flagsText } from "../src/model/format";
import { IsnTable, seqDiff, seqAdd, seqLength } from "../src/model/numbering";
import { handshakeEvents, segment } from "./fixtures/wire";

describe("labels", () => {
  const m = buildDiagram(handshakeEvents().map(decodeEvent));
  const [syn, synAck, ack] = m.arrows;

  it("formats the SYN like tcpdump with decoded options", () => {
    expect(segmentLabel(syn.segment, { relative: true, isns: m.isns })).toBe(
      "SYN seq=0 win=65535 <mss 1460,sackOK,ts,ws 7>",
    );
  });

  it("numbers relative to each side's ISN, or absolute on request", () => {
    expect(segmentLabel(synAck.segment, { relative: true, isns: m.isns })).toBe(
      "SYN,ACK seq=0 ack=1 win=65535 <mss 1460,sackOK,ts,ws 7>",
    );
    expect(segmentLabel(ack.segment, { relative: true, isns: m.isns })).toBe(
      "ACK seq=1 ack=1 win=512",
    );
    expect(segmentLabel(ack.segment, { relative: false, isns: m.isns })).toBe(
      "ACK seq=1001 ack=5001 win=512",
    );
  });

  it("shows payload length and reads flags as people say them", () => {
    const s = decodeSegment(
      segment({ from: "client", seq: 1001, ack: 5001, flags: ["ACK", "PSH"], text: "hello" }),
    );
    expect(flagsText(s)).toBe("PSH,ACK");
    expect(segmentLabel(s, { relative: false, isns: new IsnTable() })).toBe(
      "PSH,ACK seq=1001 ack=5001 win=65535 len=5",
    );
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

  it("uses the first segment when a direction's SYN was never seen", () => {
    const t = new IsnTable();
    const s = decodeSegment(
      segment({ from: "server", seq: 4_294_967_000, ack: 1, flags: ["ACK"], text: "x" }),
    );
    t.observe(s);
    const later = { ...s, seq: 500 };
    expect(t.relSeq(later)).toBe(796);
  });
});

describe("verdict entries", () => {
  it("read like the scenario files", async () => {
    const { describeEntry } = await import("../src/api/decode");
    expect(
      describeEntry({
        index: 1,
        from: "server",
        flags: ["SYN", "ACK"],
        seq: 300,
        ack: 101,
        length: null,
        window: null,
        retransmission: null,
        dropped: null,
        time: null,
        states: [{ host: "client", state: "ESTABLISHED" }],
      }),
    ).toBe("server SYN,ACK seq=300 ack=101 → client ESTABLISHED");
    expect(
      describeEntry({
        index: 0,
        eventId: 5,
        time: 0,
        from: "client",
        flags: ["SYN"],
        seq: 100,
        ack: null,
        length: 0,
        window: 65535,
        retransmission: false,
        dropped: true,
        dropReason: "fault: drop",
        note: null,
      }),
    ).toBe("client SYN seq=100 len=0 win=65535 @0 ms dropped (fault: drop)");
  });
});
