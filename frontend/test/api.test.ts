import { describe, expect, it } from "vitest";
import { decodeEvent, decodeSnapshot, encodeFault, problemDetail } from "../src/api/decode";

describe("problem details", () => {
  it("shows the server's detail, then any field errors", () => {
    expect(
      problemDetail(409, { title: "Conflict", detail: "connection 3 is closed" }, "Conflict"),
    ).toBe("connection 3 is closed");
    expect(
      problemDetail(
        400,
        {
          title: "Bad Request",
          detail: "invalid body",
          errors: [{ field: "port", message: "must be at most 65535" }],
        },
        "x",
      ),
    ).toBe("invalid body — port: must be at most 65535");
    expect(problemDetail(502, "<html>bad gateway</html>", "Bad Gateway")).toBe(
      "Bad Gateway (HTTP 502)",
    );
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
        verdict: { passed: false, expected: [], actual: [], mismatches: ["no SYN-ACK"] },
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
    const e = decodeEvent({
      id: 4,
      time: 1,
      type: "congestion",
      host: "client",
      cwnd: 4344,
      ssthresh: 65535,
    });
    expect(e).toMatchObject({
      kind: "other",
      type: "congestion",
      summary: "host=client cwnd=4344 ssthresh=65535",
    });
  });
});
