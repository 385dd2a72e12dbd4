// The only place that knows the lab's JSON names (docs/lab-api.md and the team brief): wire JSON
// becomes the model's domain types here, once. Unknown or malformed input degrades to something
// displayable rather than throwing, because a classroom screen must keep drawing.

import type {
  ActualSegment,
  CaptureConversation,
  CaptureInfo,
  ConnectionSide,
  ExpectedSegment,
  FaultRule,
  Flag,
  Host,
  LabEvent,
  LabSnapshot,
  Problem,
  QuizHistogram,
  QuizKey,
  QuizQuestion,
  ScenarioInfo,
  Segment,
  TcpOption,
  TimerAction,
  Verdict,
} from "../model/events";
import { FLAG_ORDER } from "../model/events";
import { paramType, type Schemas } from "./schema";

type Json = Record<string, unknown>;

const num = (v: unknown, d = 0): number => (typeof v === "number" && isFinite(v) ? v : d);
const str = (v: unknown, d = ""): string => (typeof v === "string" ? v : v == null ? d : String(v));
const host = (v: unknown): Host => (v === "server" ? "server" : "client");
const optHost = (v: unknown): Host | undefined =>
  v === "client" || v === "server" ? v : undefined;

export function hexToBytes(hex: string): Uint8Array {
  const clean = hex.replace(/[^0-9a-fA-F]/g, "");
  const out = new Uint8Array(clean.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(i * 2, 2), 16);
  return out;
}

function decodeOption(o: Json): TcpOption {
  switch (o.kind) {
    case "MSS":
      return { kind: "MSS", value: num(o.value) };
    case "WS":
      return { kind: "WS", value: num(o.value) };
    case "SACK_PERMITTED":
      return { kind: "SACK_PERMITTED" };
    case "SACK":
      return {
        kind: "SACK",
        blocks: (Array.isArray(o.blocks) ? (o.blocks as Json[]) : []).map((b) => ({
          left: num(b.left),
          right: num(b.right),
        })),
      };
    case "TS":
      return { kind: "TS", value: num(o.value), echo: num(o.echo) };
    case "NOP":
      return { kind: "NOP" };
    case "EOL":
      return { kind: "EOL" };
    default:
      return { kind: "UNKNOWN", code: num(o.kind, -1), data: str(o.data) };
  }
}

function decodeFlags(v: unknown): Flag[] {
  const flags = (Array.isArray(v) ? v : []).filter((f): f is Flag =>
    (FLAG_ORDER as readonly string[]).includes(f as string),
  );
  return flags.sort((a, b) => FLAG_ORDER.indexOf(a) - FLAG_ORDER.indexOf(b));
}

export function decodeSegment(s: Json): Segment {
  const flags = decodeFlags(s.flags);
  return {
    srcIp: str(s.srcIp),
    dstIp: str(s.dstIp),
    srcPort: num(s.srcPort),
    dstPort: num(s.dstPort),
    seq: num(s.seq),
    ack: num(s.ack),
    dataOffset: num(s.dataOffset, 5),
    flags,
    window: num(s.window),
    checksum: num(s.checksum),
    checksumOk: s.checksumOk !== false,
    urgentPointer: num(s.urgentPointer),
    options: (Array.isArray(s.options) ? (s.options as Json[]) : []).map(decodeOption),
    payloadLength: num(s.payloadLength),
    bytes: hexToBytes(str(s.bytes)),
    malformed: typeof s.malformed === "string" ? s.malformed : null,
  };
}

const KNOWN_FIELDS = new Set(["id", "time", "type", "connection"]);

/** One event frame (WebSocket) or array element (REST) to a domain event. */
export function decodeEvent(e: Json): LabEvent {
  const base = {
    id: num(e.id),
    time: num(e.time),
    ...(e.connection != null ? { connection: str(e.connection) } : {}),
  };
  switch (e.type) {
    case "segment.sent":
      return {
        ...base,
        kind: "segmentSent",
        segmentId: str(e.segmentId),
        from: host(e.from),
        to: host(e.to),
        retransmission: e.retransmission === true,
        probe: e.probe === true,
        ...(typeof e.note === "string" ? { note: e.note } : {}),
        segment: decodeSegment((e.segment ?? {}) as Json),
      };
    case "segment.delivered":
      return { ...base, kind: "segmentDelivered", segmentId: str(e.segmentId), to: host(e.to) };
    case "segment.dropped": {
      const at = optHost(e.at);
      return {
        ...base,
        kind: "segmentDropped",
        segmentId: str(e.segmentId),
        reason: str(e.reason, "dropped"),
        ...(at ? { at } : {}),
      };
    }
    case "state":
      return {
        ...base,
        kind: "state",
        host: host(e.host),
        from: str(e.from),
        to: str(e.to),
        cause: str(e.cause),
        inferred: e.inferred === true,
      };
    case "ack.suppressed":
      return {
        ...base,
        kind: "ackSuppressed",
        host: host(e.host),
        reason: str(e.reason, "suppressed"),
        detail: str(e.detail),
      };
    case "congestion":
      return {
        ...base,
        kind: "congestion",
        host: host(e.host),
        cwnd: num(e.cwnd),
        ssthresh: num(e.ssthresh),
        cause: str(e.cause),
      };
    case "note": {
      const h = optHost(e.host);
      return { ...base, kind: "note", ...(h ? { host: h } : {}), text: str(e.text) };
    }
    case "timer": {
      const action: TimerAction =
        e.action === "fired" || e.action === "cancelled" ? e.action : "armed";
      return {
        ...base,
        kind: "timer",
        host: host(e.host),
        timer: str(e.timer),
        action,
        ...(typeof e.at === "number" ? { at: e.at } : {}),
      };
    }
    case "data":
      return {
        ...base,
        kind: "data",
        host: host(e.host),
        bytes: num(e.bytes),
        total: num(e.total),
      };
    case "error": {
      const h = optHost(e.host);
      return {
        ...base,
        kind: "error",
        ...(h ? { host: h } : {}),
        error: str(e.error),
        detail: str(e.detail),
      };
    }
    case "fault":
      return {
        ...base,
        kind: "fault",
        faultId: str(e.faultId),
        segmentId: str(e.segmentId),
        action: str(e.action),
      };
    case "narration":
      return { ...base, kind: "narration", step: str(e.step), en: str(e.en), zh: str(e.zh) };
    case "quiz.question":
      return { ...base, kind: "quizQuestion", question: num(e.question) };
    case "quiz.revealed":
      return {
        ...base,
        kind: "quizRevealed",
        question: num(e.question),
        expected: decodeQuizKey((e.expected ?? {}) as Json),
        correct: num(e.correct),
        total: num(e.total),
      };
    default: {
      const rest = Object.entries(e)
        .filter(([k]) => !KNOWN_FIELDS.has(k))
        .map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
        .join(" ");
      return { ...base, kind: "other", type: str(e.type, "unknown"), summary: rest };
    }
  }
}

function decodeSide(s: unknown): ConnectionSide | null {
  if (!s || typeof s !== "object") return null;
  const o = s as Json;
  const opt = (k: string) => (typeof o[k] === "number" ? (o[k] as number) : undefined);
  return {
    state: str(o.state),
    localPort: num(o.localPort),
    remotePort: num(o.remotePort),
    iss: opt("iss"),
    irs: opt("irs"),
    sndUna: opt("sndUna"),
    sndNxt: opt("sndNxt"),
    sndWnd: opt("sndWnd"),
    rcvNxt: opt("rcvNxt"),
    rcvWnd: opt("rcvWnd"),
    cwnd: opt("cwnd"),
    ssthresh: opt("ssthresh"),
    srttMs: opt("srttMs"),
    rtoMs: opt("rtoMs"),
    mss: opt("mss"),
  };
}

const optNum = (v: unknown): number | undefined =>
  typeof v === "number" && isFinite(v) ? v : undefined;
const optBool = (v: unknown): boolean | undefined => (typeof v === "boolean" ? v : undefined);

function decodeExpected(o: Json, i: number): ExpectedSegment {
  return {
    index: num(o.index, i + 1),
    from: host(o.from),
    flags: decodeFlags(o.flags),
    seq: optNum(o.seq),
    ack: optNum(o.ack),
    length: optNum(o.length),
    window: optNum(o.window),
    retransmission: optBool(o.retransmission),
    dropped: optBool(o.dropped),
    time: optNum(o.time),
    states: (Array.isArray(o.states) ? (o.states as Json[]) : []).map((x) => ({
      host: host(x.host),
      state: str(x.state),
    })),
  };
}

function decodeActual(o: Json, i: number): ActualSegment {
  return {
    index: num(o.index, i + 1),
    eventId: num(o.eventId),
    time: num(o.time),
    from: host(o.from),
    flags: decodeFlags(o.flags),
    seq: num(o.seq),
    ack: optNum(o.ack),
    length: num(o.length),
    window: num(o.window),
    retransmission: o.retransmission === true,
    dropped: o.dropped === true,
    dropReason: typeof o.dropReason === "string" ? o.dropReason : undefined,
    note: typeof o.note === "string" ? o.note : undefined,
  };
}

function decodeVerdict(v: unknown): Verdict | null {
  if (!v || typeof v !== "object") return null;
  const o = v as Json;
  const objects = (x: unknown) =>
    (Array.isArray(x) ? x : []).filter((e): e is Json => !!e && typeof e === "object");
  return {
    passed: o.passed === true,
    exact: o.match === "exact",
    expected: objects(o.expected).map(decodeExpected),
    actual: objects(o.actual).map(decodeActual),
    mismatches: (Array.isArray(o.mismatches) ? o.mismatches : []).map((m) => str(m)),
  };
}

function decodeFault(f: Json): FaultRule {
  const m = (f.match ?? {}) as Json;
  const bits: string[] = [];
  if (Array.isArray(m.onlyFlags) && m.onlyFlags.length) bits.push(`only ${m.onlyFlags.join(",")}`);
  else if (Array.isArray(m.flags) && m.flags.length) bits.push(m.flags.join(","));
  for (const k of ["connection", "nth", "count", "probability"]) {
    if (m[k] != null) bits.push(`${k}=${String(m[k])}`);
  }
  if (f.delayMs != null) bits.push(`delay=${String(f.delayMs)}ms`);
  return {
    id: str(f.id),
    direction: str(f.direction),
    action: str(f.action),
    summary: bits.join(" "),
  };
}

export function decodeSnapshot(j: Json): LabSnapshot {
  const link = (j.link ?? {}) as Json;
  const scenario = j.scenario as Json | null | undefined;
  return {
    id: str(j.id),
    mode: str(j.mode, "sim"),
    clock: str(j.clock, "instant"),
    timeScale: num(j.timeScale, 1),
    paused: j.paused === true,
    time: num(j.time),
    latencyMs: num(link.latencyMs),
    hosts: (Array.isArray(j.hosts) ? (j.hosts as Json[]) : []).map((h) => ({
      name: host(h.name),
      ip: str(h.ip),
      listeners: Array.isArray(h.listeners) ? h.listeners.map((p) => num(p)) : [],
    })),
    connections: (Array.isArray(j.connections) ? (j.connections as Json[]) : []).map((c) => ({
      id: str(c.id),
      client: decodeSide(c.client),
      server: decodeSide(c.server),
    })),
    faults: (Array.isArray(j.faults) ? (j.faults as Json[]) : []).map(decodeFault),
    lastEventId: num(j.lastEventId),
    capture: decodeCaptureInfo(j.capture),
    scenario: scenario
      ? {
          name: str(scenario.name),
          title: str(scenario.title),
          running: scenario.running === true,
          verdict: decodeVerdict(scenario.verdict),
        }
      : null,
  };
}

export function decodeCaptureConversation(c: Json): CaptureConversation {
  return {
    index: num(c.index),
    labId: str(c.labId),
    client: str(c.client),
    server: str(c.server),
    segments: num(c.segments),
    complete: c.complete === true,
    ...(typeof c.durationMs === "number" ? { durationMs: c.durationMs } : {}),
    ...(typeof c.clientState === "string" ? { clientState: c.clientState } : {}),
    ...(typeof c.serverState === "string" ? { serverState: c.serverState } : {}),
  };
}

function decodeCaptureInfo(v: unknown): CaptureInfo | null {
  if (!v || typeof v !== "object") return null;
  const c = v as Json;
  return {
    source: str(c.source),
    format: str(c.format),
    conversation: num(c.conversation),
    client: str(c.client),
    server: str(c.server),
    ipVersion: num(c.ipVersion, 4),
    segments: num(c.segments),
    segmentsShown: num(c.segmentsShown),
    complete: c.complete === true,
    startTime: str(c.startTime),
    durationMs: num(c.durationMs),
    clientDelayMs: num(c.clientDelayMs),
    serverDelayMs: num(c.serverDelayMs),
    clientState: str(c.clientState),
    serverState: str(c.serverState),
    conversations: (Array.isArray(c.conversations) ? (c.conversations as Json[]) : []).map(
      decodeCaptureConversation,
    ),
  };
}

export function decodeScenarios(j: unknown): ScenarioInfo[] {
  return (Array.isArray(j) ? (j as Json[]) : []).map((s) => ({
    name: str(s.name),
    title: str(s.title, str(s.name)),
    description: str(s.description),
    group: str(s.group, "other"),
    ...(typeof s.companion === "string" ? { companion: s.companion } : {}),
    params: (Array.isArray(s.params) ? (s.params as Json[]) : []).map((p) => ({
      name: str(p.name),
      type: paramType(p.type),
      defaultValue: num(p.defaultValue),
      description: str(p.description),
      ...(typeof p.min === "number" ? { min: p.min } : {}),
      ...(typeof p.max === "number" ? { max: p.max } : {}),
    })),
  }));
}

/** The JSON names of the request bodies the UI sends. Forms build these domain-side shapes. */
export interface FaultRequest {
  direction: "client-to-server" | "server-to-client" | "both";
  flags: Flag[];
  onlyFlags: boolean;
  nth?: number;
  count?: number;
  probability?: number;
  connection?: string;
  action: string;
  delayMs?: number;
}

export function encodeFault(f: FaultRequest): Schemas["FaultRequest"] {
  const match: Schemas["Match"] = {};
  if (f.flags.length) match[f.onlyFlags ? "onlyFlags" : "flags"] = f.flags;
  if (f.nth != null) match.nth = f.nth;
  if (f.count != null) match.count = f.count;
  if (f.probability != null) match.probability = f.probability;
  if (f.connection) match.connection = f.connection;
  const body: Schemas["FaultRequest"] = {
    direction: f.direction,
    match,
    action: f.action,
  };
  if (f.delayMs != null) body.delayMs = f.delayMs;
  return body;
}

/**
 * An RFC 9457 problem body as the UI needs it: the server's `detail` (said once, even when the
 * validation errors repeat it), the stable `type`, `code` and `field` when given.
 */
export function decodeProblem(status: number, body: unknown, fallback: string): Problem {
  const o = body && typeof body === "object" ? (body as Json) : {};
  const parts: string[] = [];
  if (typeof o.detail === "string" && o.detail) parts.push(o.detail);
  else if (typeof o.title === "string" && o.title) parts.push(o.title);
  else if (typeof body === "string" && body && body.length < 300 && !body.startsWith("<"))
    parts.push(body);
  if (Array.isArray(o.errors)) {
    for (const e of o.errors as Json[]) {
      const message = str(e.message);
      if (!message || parts.some((p) => p.includes(message))) continue;
      parts.push(e.field ? `${str(e.field)}: ${message}` : message);
    }
  }
  const firstError = Array.isArray(o.errors) ? (o.errors as Json[])[0] : undefined;
  const field =
    typeof o.field === "string"
      ? o.field
      : firstError
        ? str(firstError.field) || undefined
        : undefined;
  return {
    status,
    detail: parts.length ? parts.join(" — ") : `${fallback} (HTTP ${status})`,
    ...(typeof o.type === "string" && o.type !== "about:blank" ? { type: o.type } : {}),
    ...(typeof o.code === "string" ? { code: o.code } : {}),
    ...(field ? { field } : {}),
  };
}

/** The `rel="next"` target of a Link header, if any. */
export function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(",")) {
    const m = /<([^>]*)>\s*;(.*)/.exec(part.trim());
    if (m && /rel="?next"?/.test(m[2])) return m[1];
  }
  return null;
}

function decodeQuizKey(j: Json): QuizKey {
  const k: QuizKey = { from: host(j.from), flags: decodeFlags(j.flags) };
  if (typeof j.seq === "number") k.seq = j.seq;
  if (typeof j.ack === "number") k.ack = j.ack;
  return k;
}

/** `GET /quiz/questions/{q}` (and a reveal's answer). */
export function decodeQuizQuestion(v: unknown): QuizQuestion {
  const j = (v ?? {}) as Json;
  const answers = Array.isArray(j.answers) ? (j.answers as Json[]) : [];
  const q: QuizQuestion = {
    id: num(j.id),
    open: j.open === true,
    count: typeof j.answers === "number" ? j.answers : answers.length,
    answers: answers.map((a) => ({
      ...decodeQuizKey(a),
      name: str(a.name),
      correct: a.correct === true,
      wrong: Array.isArray(a.wrong) ? a.wrong.map((w) => str(w)) : [],
    })),
  };
  if (typeof j.connection === "string") q.connection = j.connection;
  if (j.expected && typeof j.expected === "object") q.expected = decodeQuizKey(j.expected as Json);
  if (typeof j.correct === "number") q.correct = j.correct;
  if (typeof j.total === "number") q.total = j.total;
  return q;
}

/** `GET /quiz`: whether it is on, and the latest question. */
export function decodeQuizStatus(v: unknown): { enabled: boolean; question: QuizQuestion | null } {
  const j = (v ?? {}) as Json;
  return {
    enabled: j.enabled === true,
    question: j.question ? decodeQuizQuestion(j.question) : null,
  };
}

export function decodeQuizHistogram(v: unknown): QuizHistogram {
  const j = (v ?? {}) as Json;
  const rw = (x: unknown) => {
    const o = (x ?? {}) as Json;
    return { right: num(o.right), wrong: num(o.wrong), blank: num(o.blank) };
  };
  const from = (j.from ?? {}) as Json;
  return {
    id: num(j.id),
    open: j.open === true,
    answers: num(j.answers),
    from: { client: num(from.client), server: num(from.server) },
    flags: (Array.isArray(j.flags) ? (j.flags as Json[]) : []).map((r) => ({
      flags: decodeFlags(r.flags),
      count: num(r.count),
    })),
    seq: rw(j.seq),
    ack: rw(j.ack),
  };
}
