import { describe, expect, it } from "vitest";
import { decodeEvent } from "../src/api/decode";
import { buildDiagram, narrationAt } from "../src/model/diagram";
import {
  CLIENT_ISN,
  SERVER_ISN,
  corruptEvents,
  droppedSynEvents,
  handshakeEvents,
} from "./fixtures/wire";

const decode = (list: Record<string, unknown>[]) => list.map(decodeEvent);

describe("diagram model", () => {
  it("turns the handshake into three delivered arrows with send and arrival times", () => {
    const m = buildDiagram(decode(handshakeEvents()));
    expect(
      m.arrows.map((a) => [a.from, a.to, a.segment.flags.join(","), a.sendTime, a.endTime, a.fate]),
    ).toEqual([
      ["client", "server", "SYN", 0, 10, "delivered"],
      ["server", "client", "ACK,SYN", 10, 20, "delivered"],
      ["client", "server", "ACK", 20, 30, "delivered"],
    ]);
    expect(m.latency).toBe(10);
  });

  it("keeps state intervals per host, each ending where the next begins", () => {
    const m = buildDiagram(decode(handshakeEvents()));
    const server = m.states.filter((s) => s.host === "server");
    expect(server.map((s) => [s.state, s.start, s.end])).toEqual([
      ["LISTEN", 0, undefined],
      ["SYN_RECEIVED", 10, 30],
      ["ESTABLISHED", 30, undefined],
    ]);
    const client = m.states.filter((s) => s.host === "client");
    expect(client.map((s) => [s.state, s.start, s.end])).toEqual([
      ["SYN_SENT", 0, 20],
      ["ESTABLISHED", 20, undefined],
    ]);
  });

  it("closes timer brackets when cancelled or fired", () => {
    const hs = buildDiagram(decode(handshakeEvents()));
    expect(hs.timers.map((t) => [t.host, t.armedAt, t.deadline, t.end, t.outcome])).toEqual([
      ["client", 0, 1000, 20, "cancelled"],
      ["server", 10, 1010, 30, "cancelled"],
    ]);
    const drop = buildDiagram(decode(droppedSynEvents()));
    expect(drop.timers.map((t) => [t.armedAt, t.end, t.outcome])).toEqual([
      [0, 1000, "fired"],
      [1000, undefined, "pending"],
    ]);
  });

  it("marks a link drop as lost and its resend as a retransmission one RTO later", () => {
    const m = buildDiagram(decode(droppedSynEvents()));
    const [first, again] = m.arrows;
    expect(first.fate).toBe("lost");
    expect(first.faults).toEqual(["drop"]);
    expect(first.reason).toBe("fault: drop");
    expect(again.retransmission).toBe(true);
    expect(again.sendTime - first.sendTime).toBe(1000);
    expect(again.fate).toBe("delivered");
  });

  it("draws a corrupt segment to the receiver and marks it rejected", () => {
    const m = buildDiagram(decode(corruptEvents()));
    expect(m.arrows[0].fate).toBe("rejected");
    expect(m.arrows[0].endTime).toBe(10);
    expect(m.arrows[0].segment.checksumOk).toBe(false);
  });

  it("numbers each arrow from its direction's ISN, learned from the SYNs", () => {
    const m = buildDiagram(decode(handshakeEvents()));
    expect(m.arrows.map((a) => [a.numbers.isn, a.numbers.peerIsn])).toEqual([
      [CLIENT_ISN, undefined],
      [SERVER_ISN, CLIENT_ISN],
      [CLIENT_ISN, SERVER_ISN],
    ]);
    expect(m.arrows.map((a) => [a.numbers.relSeq, a.numbers.relAck])).toEqual([
      [0, undefined],
      [0, 1],
      [1, 1],
    ]);
  });

  it("finds the narration step in force at an event", () => {
    const m = buildDiagram(decode(handshakeEvents()));
    const synAck = m.arrows[1];
    // Numbered in order; the scenario's own step name is kept.
    expect(narrationAt(m, synAck.eventId)?.step).toBe(2);
    expect(narrationAt(m, synAck.eventId)?.name).toBe("connect");
    expect(narrationAt(m, 1)?.en).toContain("listens");
  });

  it("matches a duplicate's deliveries to the copies in order", () => {
    const events = decode(handshakeEvents()).slice(0, 5);
    const sent = events[4];
    const dup = { ...sent, id: 6, note: "duplicate" } as typeof sent;
    const m = buildDiagram([
      ...events,
      dup,
      { id: 7, time: 10, kind: "segmentDelivered", segmentId: "1", to: "server" },
      { id: 8, time: 12, kind: "segmentDelivered", segmentId: "1", to: "server" },
    ]);
    expect(m.arrows.map((a) => [a.duplicate, a.endTime])).toEqual([
      [false, 10],
      [true, 12],
    ]);
  });
});
