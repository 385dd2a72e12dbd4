// The lab's events as the model sees them. These are domain types: the JSON names of the wire
// format live only in src/api/ (style principle 14), which decodes into these.

import type { ParamType } from "../api/schema";

export type Host = "client" | "server";
export const HOSTS: readonly Host[] = ["client", "server"];

export function otherHost(h: Host): Host {
  return h === "client" ? "server" : "client";
}

/** TCP flags in header bit order (RFC 9293 section 3.1, plus RFC 3168's CWR and ECE). */
export const FLAG_ORDER = ["CWR", "ECE", "URG", "ACK", "PSH", "RST", "SYN", "FIN"] as const;
export type Flag = (typeof FLAG_ORDER)[number];

export type TcpOption =
  | { kind: "MSS"; value: number }
  | { kind: "WS"; value: number }
  | { kind: "SACK_PERMITTED" }
  | { kind: "SACK"; blocks: { left: number; right: number }[] }
  | { kind: "TS"; value: number; echo: number }
  | { kind: "NOP" }
  | { kind: "EOL" }
  | { kind: "UNKNOWN"; code: number; data: string };

export interface Segment {
  srcIp: string;
  dstIp: string;
  srcPort: number;
  dstPort: number;
  /** Absolute, unsigned 32-bit. */
  seq: number;
  /** Absolute, unsigned 32-bit; meaningful only with ACK. */
  ack: number;
  dataOffset: number;
  flags: Flag[];
  window: number;
  checksum: number;
  checksumOk: boolean;
  urgentPointer: number;
  options: TcpOption[];
  payloadLength: number;
  /** The whole TCP segment (header, options, payload). */
  bytes: Uint8Array;
  /** Why the bytes failed to parse, when they did. */
  malformed: string | null;
}

interface Base {
  id: number;
  /** Milliseconds since the lab started (virtual in sim). */
  time: number;
  connection?: string;
}

export type TimerAction = "armed" | "fired" | "cancelled";

export type LabEvent =
  | (Base & {
      kind: "segmentSent";
      segmentId: string;
      from: Host;
      to: Host;
      retransmission: boolean;
      /** A zero-window probe (RFC 9293 §3.8.6.1), not a retransmission; absent in older logs. */
      probe: boolean;
      /** "crafted", "duplicate" or absent. */
      note?: string;
      segment: Segment;
    })
  | (Base & { kind: "segmentDelivered"; segmentId: string; to: Host })
  | (Base & { kind: "segmentDropped"; segmentId: string; reason: string; at?: Host })
  | (Base & {
      kind: "state";
      host: Host;
      from: string;
      to: string;
      cause: string;
      /** Read from a capture rather than seen inside a stack (capture labs). */
      inferred: boolean;
    })
  | (Base & { kind: "timer"; host: Host; timer: string; action: TimerAction; at?: number })
  | (Base & { kind: "data"; host: Host; bytes: number; total: number })
  | (Base & { kind: "error"; host?: Host; error: string; detail: string })
  | (Base & { kind: "fault"; faultId: string; segmentId: string; action: string })
  /** A host chose not to acknowledge (delayed ACK, challenge ACK limit...): a mark on its lifeline. */
  | (Base & { kind: "ackSuppressed"; host: Host; reason: string; detail: string })
  | (Base & { kind: "congestion"; host: Host; cwnd: number; ssthresh: number; cause: string })
  | (Base & { kind: "note"; host?: Host; text: string })
  /** `step` is the scenario step's name (e.g. "connect"). */
  | (Base & { kind: "narration"; step: string; en: string; zh: string })
  /** Class mode: a segment is held and question `question` asks the class to predict it. */
  | (Base & { kind: "quizQuestion"; question: number })
  /** Class mode: the question's segment, as it was to be predicted, and how the class did. */
  | (Base & {
      kind: "quizRevealed";
      question: number;
      expected: QuizKey;
      correct: number;
      total: number;
    })
  /** Anything newer than this client: shown in the table only. */
  | (Base & { kind: "other"; type: string; summary: string });

export type SegmentSent = Extract<LabEvent, { kind: "segmentSent" }>;

/** A prediction of the held segment (a student's, or the answer key). Numbers absolute. */
export interface QuizKey {
  from: Host;
  flags: Flag[];
  seq?: number;
  /** Absent: not predicted (in the key: the segment has no ACK). */
  ack?: number;
}

/** A student's graded answer. `wrong` names the fields that differ (from, flags, seq, ack). */
export interface QuizAnswer extends QuizKey {
  name: string;
  correct: boolean;
  wrong: string[];
}

/** One question as the server shows it: open (a count) or revealed (the key and graded answers). */
export interface QuizQuestion {
  id: number;
  open: boolean;
  connection?: string;
  /** Open: how many answered; revealed: the answers (all, or the one asked for). */
  count: number;
  expected?: QuizKey;
  answers: QuizAnswer[];
  correct?: number;
  total?: number;
}

/** The teacher's live view of a question's answers. */
export interface QuizHistogram {
  id: number;
  open: boolean;
  answers: number;
  from: Partial<Record<Host, number>>;
  flags: { flags: Flag[]; count: number }[];
  seq: { right: number; wrong: number; blank: number };
  ack: { right: number; wrong: number; blank: number };
}

/** The lab snapshot fields the UI uses. */
export interface ConnectionSide {
  state: string;
  localPort: number;
  remotePort: number;
  iss?: number;
  irs?: number;
  sndUna?: number;
  sndNxt?: number;
  sndWnd?: number;
  rcvNxt?: number;
  rcvWnd?: number;
  cwnd?: number;
  ssthresh?: number;
  srttMs?: number;
  rtoMs?: number;
  mss?: number;
}

/** A segment the scenario expects; absent fields are not checked. */
export interface ExpectedSegment {
  index: number;
  from: Host;
  flags: Flag[];
  seq?: number;
  ack?: number;
  length?: number;
  window?: number;
  retransmission?: boolean;
  dropped?: boolean;
  /** ms since the lab started. */
  time?: number;
  states: { host: Host; state: string }[];
}

/** A segment the run sent, as the verdict compares it. */
export interface ActualSegment {
  index: number;
  eventId: number;
  time: number;
  from: Host;
  flags: Flag[];
  seq: number;
  ack?: number;
  length: number;
  window: number;
  retransmission: boolean;
  dropped: boolean;
  dropReason?: string;
  note?: string;
}

export interface Verdict {
  passed: boolean;
  /** Exact: these segments and no others; otherwise a subsequence. */
  exact: boolean;
  expected: ExpectedSegment[];
  actual: ActualSegment[];
  /** The server's sentences for every difference (final verdict only). */
  mismatches: string[];
}

export interface FaultRule {
  id: string;
  direction: string;
  summary: string;
  action: string;
}

export interface LabSnapshot {
  id: string;
  mode: string;
  clock: string;
  timeScale: number;
  paused: boolean;
  time: number;
  latencyMs: number;
  hosts: { name: Host; ip: string; listeners: number[] }[];
  connections: { id: string; client: ConnectionSide | null; server: ConnectionSide | null }[];
  faults: FaultRule[];
  lastEventId: number;
  scenario: { name: string; title: string; running: boolean; verdict: Verdict | null } | null;
  /** Present for a lab made from an uploaded or recorded capture (read-only). */
  capture?: CaptureInfo | null;
}

/** What a capture lab says about the conversation it shows. */
export interface CaptureInfo {
  source: string;
  format: string;
  conversation: number;
  client: string;
  server: string;
  ipVersion: number;
  segments: number;
  segmentsShown: number;
  complete: boolean;
  startTime: string;
  durationMs: number;
  clientDelayMs: number;
  serverDelayMs: number;
  clientState: string;
  serverState: string;
  /** Every conversation of the same upload, this one included. */
  conversations: CaptureConversation[];
}

/** One conversation of an upload, as the upload's answer and a capture lab list them. */
export interface CaptureConversation {
  index: number;
  labId: string;
  client: string;
  server: string;
  segments: number;
  complete: boolean;
  durationMs?: number;
  clientState?: string;
  serverState?: string;
}

export interface ScenarioParam {
  name: string;
  /** `seq` (0 to 2^32-1), `port` (1 to 65535) or `integer` (within min and max). */
  type: ParamType;
  defaultValue: number;
  description: string;
  min?: number;
  max?: number;
}

export interface ScenarioInfo {
  name: string;
  title: string;
  description: string;
  /** Where it belongs in the library (handshake, why-three, loss, closing, attacks). */
  group: string;
  /** The scenario to compare it with side by side, if it names one. */
  companion?: string;
  params: ScenarioParam[];
}

/** An RFC 9457 problem as the UI needs it. */
export interface Problem {
  status: number;
  /** Stable problem type URI, when the server gives one. */
  type?: string;
  /** Stable machine-readable code, when the server gives one. */
  code?: string;
  /** The offending request field on a 400. */
  field?: string;
  /** The server's own sentence, shown as it comes. */
  detail: string;
}
