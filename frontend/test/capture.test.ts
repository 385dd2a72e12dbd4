import { describe, expect, it } from "vitest";
import { decodeEvent, decodeSnapshot } from "../src/api/decode";
import { buildDiagram } from "../src/model/diagram";
import { DEFAULT_LAYOUT, TAG_TEXT, layoutDiagram, type StateItem } from "../src/layout/sequence";

describe("capture labs", () => {
  const events = [
    {
      id: 1,
      time: 0,
      type: "state",
      connection: "1",
      host: "server",
      from: "CLOSED",
      to: "LISTEN",
      cause: "it answers a SYN with SYN,ACK: listening",
      inferred: true,
    },
    {
      id: 2,
      time: 0,
      type: "state",
      connection: "1",
      host: "client",
      from: "CLOSED",
      to: "SYN_SENT",
      cause: "active open",
    },
  ];

  it("carries a state's inferred mark from the event to the drawn badge", () => {
    const decoded = events.map(decodeEvent);
    expect(decoded[0]).toMatchObject({ kind: "state", inferred: true });
    expect(decoded[1]).toMatchObject({ kind: "state", inferred: false });
    const m = buildDiagram(decoded);
    expect(m.states.map((s) => s.inferred)).toEqual([true, false]);
    const l = layoutDiagram(m, {
      ...DEFAULT_LAYOUT,
      measure: (t) => t.length * 7,
      tagText: (t) => TAG_TEXT[t],
    });
    const states = l.items().filter((i): i is StateItem => i.type === "state");
    expect(states.find((s) => s.state === "LISTEN")?.inferred).toBe(true);
    expect(states.find((s) => s.state === "SYN_SENT")?.inferred).toBe(false);
  });

  it("reads the capture part of a snapshot, and none for other labs", () => {
    const s = decodeSnapshot({
      id: "lab",
      mode: "capture",
      hosts: [],
      connections: [],
      capture: {
        source: "hs.pcap",
        format: "pcap",
        conversation: 2,
        client: "[2001:db8::1]:40000",
        server: "[2001:db8::2]:80",
        ipVersion: 6,
        segments: 9,
        segmentsShown: 9,
        complete: true,
        startTime: "2026-11-29T20:00:00Z",
        durationMs: 12.5,
        clientDelayMs: 0,
        serverDelayMs: 10,
        clientState: "TIME_WAIT",
        serverState: "CLOSED",
        conversations: [
          { index: 2, labId: "x", client: "a", server: "b", segments: 9, complete: true },
        ],
      },
    });
    expect(s.capture).toMatchObject({
      conversation: 2,
      ipVersion: 6,
      serverDelayMs: 10,
      serverState: "CLOSED",
    });
    expect(s.capture?.conversations[0]).toEqual({
      index: 2,
      labId: "x",
      client: "a",
      server: "b",
      segments: 9,
      complete: true,
    });
    expect(decodeSnapshot({ id: "lab", hosts: [], connections: [] }).capture).toBeNull();
  });
});
