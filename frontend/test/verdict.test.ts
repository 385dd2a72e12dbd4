import { describe, expect, it } from "vitest";
import { meets, verdictSoFar } from "../src/model/verdict";
import type { ActualSegment, ExpectedSegment, Verdict } from "../src/model/events";

const exp = (
  index: number,
  from: "client" | "server",
  flags: string[],
  more: Partial<ExpectedSegment> = {},
) => ({ index, from, flags, states: [], ...more }) as ExpectedSegment;
const act = (
  index: number,
  eventId: number,
  time: number,
  from: "client" | "server",
  flags: string[],
  seq: number,
  more: Partial<ActualSegment> = {},
) =>
  ({
    index,
    eventId,
    time,
    from,
    flags,
    seq,
    length: 0,
    window: 65535,
    retransmission: false,
    dropped: false,
    ...more,
  }) as ActualSegment;

// "Lost SYN-ACK" as the scenario now states it: every one of its seven segments expected.
const lostSynAck: Verdict = {
  passed: true,
  exact: true,
  expected: [
    exp(1, "client", ["SYN"], { seq: 100 }),
    exp(2, "server", ["ACK", "SYN"], { seq: 300, ack: 101, dropped: true }),
    exp(3, "client", ["SYN"], { retransmission: true }),
    exp(4, "server", ["ACK", "SYN"], { retransmission: true }),
    exp(5, "server", ["ACK", "SYN"], { retransmission: true }),
    exp(6, "client", ["ACK"], { ack: 301 }),
    exp(7, "client", ["ACK"], { ack: 301 }),
  ],
  actual: [
    act(1, 5, 0, "client", ["SYN"], 100),
    act(2, 10, 10, "server", ["ACK", "SYN"], 300, { ack: 101, dropped: true }),
    act(3, 16, 1000, "client", ["SYN"], 100, { retransmission: true }),
    act(4, 19, 1010, "server", ["ACK", "SYN"], 300, { ack: 101, retransmission: true }),
    act(5, 22, 1010, "server", ["ACK", "SYN"], 300, { ack: 101, retransmission: true }),
    act(6, 27, 1020, "client", ["ACK"], 101, { ack: 301 }),
    act(7, 29, 1020, "client", ["ACK"], 101, { ack: 301 }),
  ],
  mismatches: [],
};

describe("the verdict while stepping", () => {
  it("counts only what is shown, and says 'so far' without giving the rest away", () => {
    const v = verdictSoFar(lostSynAck, 12, false);
    expect(v.status).toBe("so-far");
    expect(v.met.map((m) => m.expected.index)).toEqual([1, 2]);
    expect(v.remaining).toBe(5);
    expect(v.actual.map((a) => a.actual.eventId)).toEqual([5, 10]);
    expect(v.mismatches).toEqual([]);
  });

  it("gives the final word only at the end", () => {
    const v = verdictSoFar(lostSynAck, 35, true);
    expect(v.status).toBe("passed");
    expect(v.met.length).toBe(7);
    expect(v.actual.every((a) => a.meets !== undefined)).toBe(true);
  });

  it("says 'so far' at the end of the log while something is still due", () => {
    expect(verdictSoFar(lostSynAck, 35, false).status).toBe("so-far");
  });

  it("flags a segment outside an exact expectation as soon as it is shown", () => {
    const extra: Verdict = {
      ...lostSynAck,
      passed: false,
      actual: [...lostSynAck.actual.slice(0, 2), act(3, 12, 10, "client", ["RST"], 101)],
    };
    const v = verdictSoFar(extra, 12, false);
    expect(v.status).toBe("failing");
    expect(v.actual.map((a) => a.meets)).toEqual([1, 2, undefined]);
  });

  it("lets other segments pass between a subsequence, and says they are outside it", () => {
    const sub: Verdict = {
      ...lostSynAck,
      exact: false,
      expected: [lostSynAck.expected[0], lostSynAck.expected[5]],
    };
    const v = verdictSoFar(sub, 35, true);
    expect(v.met.map((m) => m.metBy)).toEqual([0, 5]);
    expect(v.actual.filter((a) => a.meets === undefined).length).toBe(5);
  });

  it("matches segments the hosts send at the same instant in either order", () => {
    const crossing: Verdict = {
      passed: true,
      exact: true,
      expected: [exp(1, "client", ["SYN"]), exp(2, "server", ["SYN"])],
      actual: [act(1, 3, 0, "server", ["SYN"], 300), act(2, 4, 0, "client", ["SYN"], 100)],
      mismatches: [],
    };
    const v = verdictSoFar(crossing, 4, true);
    expect(v.actual.map((a) => a.meets)).toEqual([2, 1]);
  });

  it("compares PSH only when the expectation names it", () => {
    expect(meets(exp(1, "client", ["ACK"]), act(1, 1, 0, "client", ["ACK", "PSH"], 1))).toBe(true);
    expect(meets(exp(1, "client", ["ACK", "PSH"]), act(1, 1, 0, "client", ["ACK"], 1))).toBe(false);
    expect(meets(exp(1, "client", ["ACK"], { seq: 2 }), act(1, 1, 0, "client", ["ACK"], 1))).toBe(
      false,
    );
  });
});
