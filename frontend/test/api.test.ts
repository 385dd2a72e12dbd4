import { describe, expect, it } from "vitest";
import {
  decodeEvent,
  decodeProblem,
  decodeSnapshot,
  encodeFault,
  nextLink,
} from "../src/api/decode";

describe("problem details", () => {
  it("shows the server's detail, then any field errors it does not already say", () => {
    const d = (status: number, body: unknown, fallback = "x") =>
      decodeProblem(status, body, fallback).detail;
    expect(d(409, { title: "Conflict", detail: "connection 3 is closed" })).toBe(
      "connection 3 is closed",
    );
    expect(
      d(400, {
        title: "Bad Request",
        detail: "invalid body",
        errors: [{ field: "port", message: "must be at most 65535" }],
      }),
    ).toBe("invalid body — port: must be at most 65535");
    expect(d(502, "<html>bad gateway</html>", "Bad Gateway")).toBe("Bad Gateway (HTTP 502)");
  });

  it("says a message once even when the field errors repeat it", () => {
    const p = decodeProblem(
      400,
      {
        detail: "link.latencyMs: must be greater than or equal to 0",
        field: "link.latencyMs",
        errors: [{ field: "link.latencyMs", message: "must be greater than or equal to 0" }],
      },
      "x",
    );
    expect(p.detail).toBe("link.latencyMs: must be greater than or equal to 0");
    expect(p.field).toBe("link.latencyMs");
  });

  it("keeps the stable type and code when the server gives them, and tolerates their absence", () => {
    const p = decodeProblem(
      400,
      { type: "https://tcplab.org/problems/bad-input", code: "out-of-range", detail: "d" },
      "x",
    );
    expect(p).toEqual({
      status: 400,
      detail: "d",
      type: "https://tcplab.org/problems/bad-input",
      code: "out-of-range",
    });
    expect(decodeProblem(404, { type: "about:blank", detail: "no lab" }, "x")).toEqual({
      status: 404,
      detail: "no lab",
    });
  });
});

describe("paging", () => {
  it("finds the next page in a Link header", () => {
    expect(nextLink('</api/labs/x/events?after=10000&limit=10000>; rel="next"')).toBe(
      "/api/labs/x/events?after=10000&limit=10000",
    );
    expect(nextLink('<a>; rel="prev", <b>; rel=next')).toBe("b");
    expect(nextLink(null)).toBeNull();
    expect(nextLink('<a>; rel="prev"')).toBeNull();
  });
});

describe("snapshot", () => {
  it("reads hosts, connections, faults and the scenario verdict", () => {
    const s = decodeSnapshot({
      id: "abc",
      mode: "sim",
      clock: "realtime",
      timeScale: 0.5,
      paused: false,
      time: 12.5,
      link: { latencyMs: 10 },
      hosts: [
        { name: "client", ip: "192.0.2.1", listeners: [] },
        { name: "server", ip: "192.0.2.2", listeners: [80] },
      ],
      connections: [
        {
          id: "1",
          client: { state: "SYN_SENT", localPort: 40000, remotePort: 80, iss: 100 },
          server: null,
        },
      ],
      faults: [
        {
          id: "2",
          direction: "server-to-client",
          match: { onlyFlags: ["SYN", "ACK"], count: 1 },
          action: "drop",
        },
      ],
      lastEventId: 9,
      scenario: {
        name: "syn-lost",
        title: "SYN lost",
        running: false,
        verdict: {
          passed: false,
          match: "exact",
          expected: [{ index: 1, from: "client", flags: ["SYN"], seq: 100, ack: null, states: [] }],
          actual: [
            { index: 1, eventId: 5, time: 0, from: "client", flags: ["SYN"], seq: 100, ack: null },
          ],
          mismatches: ["no SYN-ACK"],
        },
      },
    });
    expect(s.hosts[1].listeners).toEqual([80]);
    expect(s.connections[0].client?.iss).toBe(100);
    expect(s.connections[0].server).toBeNull();
    expect(s.faults[0]).toEqual({
      id: "2",
      direction: "server-to-client",
      action: "drop",
      summary: "only SYN,ACK count=1",
    });
    expect(s.scenario?.verdict?.mismatches).toEqual(["no SYN-ACK"]);
    expect(s.scenario?.verdict?.exact).toBe(true);
    expect(s.scenario?.verdict?.expected[0]).toMatchObject({ from: "client", seq: 100 });
    expect(s.scenario?.verdict?.expected[0].ack).toBeUndefined();
    expect(s.scenario?.verdict?.actual[0]).toMatchObject({ eventId: 5, flags: ["SYN"] });
    expect([s.clock, s.timeScale, s.latencyMs]).toEqual(["realtime", 0.5, 10]);
  });
});

describe("requests and unknown events", () => {
  it("encodes a fault rule with exactly the contract's names", () => {
    expect(
      encodeFault({
        direction: "both",
        flags: ["SYN"],
        onlyFlags: true,
        nth: 2,
        action: "delay",
        delayMs: 300,
      }),
    ).toEqual({
      direction: "both",
      match: { onlyFlags: ["SYN"], nth: 2 },
      action: "delay",
      delayMs: 300,
    });
    expect(
      encodeFault({
        direction: "both",
        flags: [],
        onlyFlags: false,
        probability: 0.1,
        action: "drop",
      }),
    ).toEqual({
      direction: "both",
      match: { probability: 0.1 },
      action: "drop",
    });
  });

  it("keeps an event type it does not know, for the table", () => {
    const e = decodeEvent({ id: 4, time: 1, type: "future.thing", host: "client", n: 3 });
    expect(e).toMatchObject({ kind: "other", type: "future.thing", summary: "host=client n=3" });
  });

  it("reads the engine's newer events and fields, and tolerates their absence", () => {
    expect(
      decodeEvent({
        id: 5,
        time: 2,
        type: "ack.suppressed",
        host: "server",
        reason: "delayed-ack",
        detail: "waiting for a second segment",
      }),
    ).toMatchObject({ kind: "ackSuppressed", host: "server", reason: "delayed-ack" });
    expect(decodeEvent({ id: 6, time: 2, type: "ack.suppressed" })).toMatchObject({
      kind: "ackSuppressed",
      host: "client",
      reason: "suppressed",
      detail: "",
    });
    const sent = {
      id: 7,
      time: 3,
      type: "segment.sent",
      segmentId: "9",
      from: "client",
      to: "server",
    };
    expect(decodeEvent({ ...sent, retransmission: false, probe: true })).toMatchObject({
      probe: true,
      retransmission: false,
    });
    expect(decodeEvent(sent)).toMatchObject({ probe: false, retransmission: false });
    expect(
      decodeEvent({
        id: 8,
        time: 4,
        type: "state",
        host: "server",
        from: "LISTEN",
        to: "SYN_RECEIVED",
        inferred: true,
      }),
    ).toMatchObject({ kind: "state", inferred: true });
    expect(
      decodeEvent({
        id: 9,
        time: 5,
        type: "congestion",
        host: "client",
        cwnd: 4344,
        ssthresh: 65535,
        cause: "slow start",
      }),
    ).toMatchObject({ kind: "congestion", cwnd: 4344, cause: "slow start" });
  });
});
