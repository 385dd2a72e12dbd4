// The scenario's expectation against what has been shown so far. While a student steps through a
// lesson the panel must not give the answer away: only segments up to the current step count, the
// result says "so far" while anything is still due, and every segment shown is either expected or
// said to be outside the expectation. The matching rules mirror the server's Verifier.

import type { ActualSegment, ExpectedSegment, Verdict } from "./events";

export type VerdictStatus =
  /** Final and as expected. */
  | "passed"
  /** Final and different. */
  | "failed"
  /** Nothing wrong yet, but more is due (stepping, timers pending, segments in flight, running). */
  | "so-far"
  /** Already wrong, though more is still due. */
  | "failing";

export interface ExpectedRow {
  expected: ExpectedSegment;
  /** Index into `actual` of the shown segment that meets it. */
  metBy?: number;
}

export interface ActualRow {
  actual: ActualSegment;
  /** 1-based index of the expected segment it meets; undefined: not part of the expectation. */
  meets?: number;
}

export interface VerdictView {
  status: VerdictStatus;
  /** Expected segments met so far, in order; the rest are only counted, so nothing is given away. */
  met: ExpectedRow[];
  /** Expected segments not yet met. */
  remaining: number;
  total: number;
  actual: ActualRow[];
  /** The server's sentences, only once the verdict is final. */
  mismatches: string[];
}

/** Whether an actual segment meets an expected one (the server's Verifier.matches). */
export function meets(e: ExpectedSegment, a: ActualSegment): boolean {
  if (e.from !== a.from) return false;
  // PSH is the sender's choice (RFC 9293 §3.9.1.2): compared only when the expectation names it.
  const got = e.flags.includes("PSH") ? a.flags : a.flags.filter((f) => f !== "PSH");
  if (got.length !== e.flags.length || !e.flags.every((f) => got.includes(f))) return false;
  if (e.seq !== undefined && e.seq !== a.seq) return false;
  if (e.ack !== undefined && e.ack !== a.ack) return false;
  if (e.length !== undefined && e.length !== a.length) return false;
  if (e.window !== undefined && e.window !== a.window) return false;
  if (e.retransmission !== undefined && e.retransmission !== a.retransmission) return false;
  if (e.dropped !== undefined && e.dropped !== a.dropped) return false;
  return e.time === undefined || Math.abs(e.time - a.time) < 0.0005;
}

/**
 * @param shownUpTo the last event id on screen (the playback cursor)
 * @param final nothing more will happen: the scenario ended, nothing is in flight or pending, and
 *     the cursor is at the end
 */
export function verdictSoFar(v: Verdict, shownUpTo: number, final: boolean): VerdictView {
  const actual = v.actual.filter((a) => a.eventId <= shownUpTo);
  const rows: ActualRow[] = actual.map((a) => ({ actual: a }));
  const met: ExpectedRow[] = [];
  let next = 0;
  if (v.exact) {
    // Segments the two hosts send at the same instant have no order of their own: match each
    // instant's segments as a group.
    for (let i = 0; i < rows.length;) {
      let end = i;
      while (end < rows.length && rows[end].actual.time === rows[i].actual.time) end++;
      for (let found = true; found && next < v.expected.length;) {
        found = false;
        for (let j = i; j < end; j++) {
          if (rows[j].meets === undefined && meets(v.expected[next], rows[j].actual)) {
            rows[j].meets = v.expected[next].index;
            met.push({ expected: v.expected[next++], metBy: j });
            found = true;
            break;
          }
        }
      }
      i = end;
    }
  } else {
    for (let j = 0; j < rows.length && next < v.expected.length; j++) {
      if (meets(v.expected[next], rows[j].actual)) {
        rows[j].meets = v.expected[next].index;
        met.push({ expected: v.expected[next++], metBy: j });
      }
    }
  }
  // Exact: every segment must be expected, in order. (A subsequence lets others come between.)
  const wrong = v.exact && rows.some((r) => r.meets === undefined);
  const remaining = v.expected.length - met.length;
  const status: VerdictStatus = final
    ? v.passed
      ? "passed"
      : "failed"
    : wrong
      ? "failing"
      : "so-far";
  return {
    status,
    met,
    remaining,
    total: v.expected.length,
    actual: rows,
    mismatches: final ? v.mismatches : [],
  };
}
