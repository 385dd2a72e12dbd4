// REST client for /api (docs/lab-api.md). Errors surface as LabApiError carrying the problem
// (status, `detail`, and `code`/`field` when the server gives them), so the UI always has a
// sentence to show instead of a blank screen.

import type {
  LabEvent,
  LabSnapshot,
  ScenarioInfo,
  Flag,
  Host,
  Problem,
  QuizHistogram,
  QuizKey,
  QuizQuestion,
} from "../model/events";
import {
  decodeEvent,
  decodeProblem,
  decodeQuizHistogram,
  decodeQuizQuestion,
  decodeQuizStatus,
  decodeScenarios,
  decodeSnapshot,
  encodeFault,
  nextLink,
  type FaultRequest,
} from "./decode";
import type { Schemas } from "./schema";

export class LabApiError extends Error {
  readonly status: number;
  constructor(readonly problem: Problem) {
    super(problem.detail);
    this.status = problem.status;
  }
}

/** One page of the event log. */
export interface EventPage {
  events: LabEvent[];
  /** The server says more follow (a `Link: rel="next"`), or the page was full. */
  more: boolean;
}

/** The first page is small, so a big lab's first screen arrives at once; the rest in big pages. */
export const FIRST_PAGE = 1000;
/** The contract's maximum page (lab-api.md: default and maximum 10,000). */
export const EVENT_PAGE = 10_000;

export interface CreateLabRequest {
  mode: "sim" | "tap";
  seed?: number;
  clock?: "instant" | "realtime" | "step";
  timeScale?: number;
  latencyMs?: number;
  jitterMs?: number;
}

export interface InjectRequest {
  from: Host;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: Flag[];
  window: number;
  text?: string;
  delayMs?: number;
}

export class LabApi {
  constructor(
    private readonly base: string,
    private readonly locale: () => string = () => "en",
  ) {}

  /** Any request; `raw` sends a file as the body (the captures client's upload). */
  request(
    method: string,
    path: string,
    opts: { token?: string | null; body?: unknown; raw?: Blob } = {},
  ): Promise<unknown> {
    return this.call(method, path, opts);
  }

  private async call(
    method: string,
    path: string,
    opts: { token?: string | null; body?: unknown; raw?: Blob } = {},
  ): Promise<unknown> {
    return (await this.exchange(method, path, opts)).body;
  }

  private async exchange(
    method: string,
    path: string,
    opts: { token?: string | null; body?: unknown; raw?: Blob } = {},
  ): Promise<{ body: unknown; headers: Headers }> {
    const headers: Record<string, string> = {
      Accept: "application/json, application/problem+json",
      "Accept-Language": this.locale(),
    };
    if (opts.body !== undefined) headers["Content-Type"] = "application/json";
    if (opts.raw) headers["Content-Type"] = "application/octet-stream";
    if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method,
        headers,
        body: opts.raw ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined),
      });
    } catch (e) {
      throw new LabApiError({ status: 0, detail: `${method} ${path}: ${(e as Error).message}` });
    }
    const text = await res.text();
    let body: unknown = null;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    if (!res.ok) throw new LabApiError(decodeProblem(res.status, body, res.statusText));
    return { body, headers: res.headers };
  }

  async createLab(r: CreateLabRequest): Promise<{ id: string; token: string; viewerUrl?: string }> {
    const body: Schemas["LabSpec"] = { mode: r.mode };
    if (r.seed != null) body.seed = r.seed;
    if (r.clock) body.clock = r.clock;
    if (r.timeScale != null) body.timeScale = r.timeScale;
    if (r.latencyMs != null || r.jitterMs != null) {
      body.link = {
        ...(r.latencyMs != null ? { latencyMs: r.latencyMs } : {}),
        ...(r.jitterMs != null ? { jitterMs: r.jitterMs } : {}),
      };
    }
    const j = (await this.call("POST", "/labs", { body })) as Record<string, unknown>;
    return {
      id: String(j.id),
      token: String(j.token),
      ...(typeof j.viewerUrl === "string" ? { viewerUrl: j.viewerUrl } : {}),
    };
  }

  async snapshot(lab: string): Promise<LabSnapshot> {
    return decodeSnapshot((await this.call("GET", `/labs/${lab}`)) as Record<string, unknown>);
  }

  /**
   * One page of events after an id (`GET /events?after=N&limit=M`). A server that ignores `limit`
   * answers everything at once, which reads as one long last page.
   */
  async eventsPage(lab: string, after: number, limit = EVENT_PAGE): Promise<EventPage> {
    const { body, headers } = await this.exchange(
      "GET",
      `/labs/${lab}/events?after=${after}&limit=${limit}`,
    );
    const list = Array.isArray(body) ? body : [];
    const events = list.map((e) => decodeEvent(e as Record<string, unknown>));
    return { events, more: nextLink(headers.get("Link")) !== null || events.length === limit };
  }

  /** Every event after an id, page by page, handing each page over as it arrives. */
  async eventsAfter(
    lab: string,
    after: number,
    onPage: (events: LabEvent[]) => void = () => {},
    limit = EVENT_PAGE,
  ): Promise<LabEvent[]> {
    const out: LabEvent[] = [];
    for (let last = after; ;) {
      const page = await this.eventsPage(lab, last, limit);
      out.push(...page.events);
      onPage(page.events);
      if (!page.more || !page.events.length) return out;
      last = page.events[page.events.length - 1].id;
    }
  }

  /** The event log exactly as the server serves it, page by page, for the JSON export. */
  async rawEvents(lab: string): Promise<string> {
    const all: unknown[] = [];
    for (let last = 0; ;) {
      const { body, headers } = await this.exchange(
        "GET",
        `/labs/${lab}/events?after=${last}&limit=10000`,
      );
      const list = Array.isArray(body) ? body : [];
      all.push(...list);
      const lastId = (list.at(-1) as { id?: number } | undefined)?.id;
      if ((nextLink(headers.get("Link")) === null && list.length < 10000) || lastId === undefined)
        break;
      last = lastId;
    }
    return JSON.stringify(all, null, 2);
  }

  /** The server's one-step extension: a lab set up for the scenario, already running it. */
  async createScenarioLab(name: string): Promise<{ id: string; token: string }> {
    const j = (await this.call("POST", `/scenarios/${encodeURIComponent(name)}/labs`, {
      body: {},
    })) as Record<string, unknown>;
    return { id: String(j.id), token: String(j.token) };
  }

  async scenarios(): Promise<ScenarioInfo[]> {
    return decodeScenarios(await this.call("GET", "/scenarios"));
  }

  listen(lab: string, token: string, h: Host, port: number) {
    const body: Schemas["Listen"] = { host: h, port };
    return this.call("POST", `/labs/${lab}/listen`, { token, body });
  }

  connect(
    lab: string,
    token: string,
    r: {
      from: Host;
      localPort?: number;
      remotePort: number;
      isn?: number;
      peerIsn?: number;
      simultaneous?: boolean;
      autoListen?: boolean;
    },
  ) {
    return this.call("POST", `/labs/${lab}/connections`, {
      token,
      body: r satisfies Schemas["Connect"],
    });
  }

  send(lab: string, token: string, conn: string, side: Host, text: string) {
    return this.call("POST", `/labs/${lab}/connections/${conn}/send`, {
      token,
      body: { side, text } satisfies Schemas["Send"],
    });
  }

  close(lab: string, token: string, conn: string, side: Host) {
    return this.call("POST", `/labs/${lab}/connections/${conn}/close`, { token, body: { side } });
  }

  abort(lab: string, token: string, conn: string, side: Host) {
    return this.call("POST", `/labs/${lab}/connections/${conn}/abort`, { token, body: { side } });
  }

  crash(lab: string, token: string, h: Host) {
    return this.call("POST", `/labs/${lab}/hosts/${h}/crash`, { token, body: {} });
  }

  addFault(lab: string, token: string, f: FaultRequest) {
    return this.call("POST", `/labs/${lab}/faults`, { token, body: encodeFault(f) });
  }

  deleteFault(lab: string, token: string, id: string) {
    return this.call("DELETE", `/labs/${lab}/faults/${id}`, { token });
  }

  inject(lab: string, token: string, r: InjectRequest) {
    const segment: Schemas["Segment"] = {
      srcPort: r.srcPort,
      dstPort: r.dstPort,
      seq: r.seq,
      ack: r.ack,
      flags: r.flags,
      window: r.window,
    };
    if (r.text) segment.text = r.text;
    const body: Schemas["Inject"] = { from: r.from, segment };
    if (r.delayMs != null) body.delayMs = r.delayMs;
    return this.call("POST", `/labs/${lab}/inject`, { token, body });
  }

  runScenario(lab: string, token: string, name: string, params: Record<string, unknown>) {
    return this.call("POST", `/labs/${lab}/scenarios/${name}`, { token, body: { params } });
  }

  advance(lab: string, token: string, ms: number) {
    const body: Schemas["Advance"] = { ms };
    return this.call("POST", `/labs/${lab}/advance`, { token, body });
  }

  /** The server's link extension (PATCH /labs/{lab}/link): applies to segments sent from now on. */
  setLink(lab: string, token: string, r: Schemas["Link"]) {
    return this.call("PATCH", `/labs/${lab}/link`, { token, body: r });
  }

  /** The server's clock extension (PATCH /labs/{lab}/clock): realtime speed and pause. */
  setClock(lab: string, token: string, r: Pick<Schemas["Clock"], "timeScale" | "paused">) {
    return this.call("PATCH", `/labs/${lab}/clock`, { token, body: r });
  }

  deleteLab(lab: string, token: string) {
    return this.call("DELETE", `/labs/${lab}`, { token });
  }

  // ---- class mode (lab-api.md "Class mode") ----

  async quiz(lab: string): Promise<{ enabled: boolean; question: QuizQuestion | null }> {
    return decodeQuizStatus(await this.call("GET", `/labs/${lab}/quiz`));
  }

  setQuiz(lab: string, token: string, enabled: boolean) {
    return this.call("POST", `/labs/${lab}/quiz`, { token, body: { enabled } });
  }

  /** A student's prediction (no token); numbers absolute. */
  answer(lab: string, question: number, name: string, p: QuizKey) {
    const body: Record<string, unknown> = { name, from: p.from, flags: p.flags };
    if (p.seq !== undefined) body.seq = p.seq;
    if (p.ack !== undefined) body.ack = p.ack;
    return this.call("POST", `/labs/${lab}/quiz/questions/${question}/answers`, { body });
  }

  /** A question; with `name`, a revealed one lists only that student's answer. */
  async question(lab: string, question: number, name?: string): Promise<QuizQuestion> {
    const q = name ? `?name=${encodeURIComponent(name)}` : "";
    return decodeQuizQuestion(
      await this.call("GET", `/labs/${lab}/quiz/questions/${question}${q}`),
    );
  }

  async histogram(lab: string, token: string, question: number): Promise<QuizHistogram> {
    return decodeQuizHistogram(
      await this.call("GET", `/labs/${lab}/quiz/questions/${question}/histogram`, { token }),
    );
  }

  async reveal(lab: string, token: string, question: number): Promise<QuizQuestion> {
    return decodeQuizQuestion(
      await this.call("POST", `/labs/${lab}/quiz/questions/${question}/reveal`, { token }),
    );
  }

  /** The class summary as CSV (needs the token, so it is fetched rather than linked). */
  async quizCsv(lab: string, token: string): Promise<string> {
    const res = await fetch(`${this.base}/labs/${lab}/quiz/summary.csv`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (!res.ok) throw new LabApiError(decodeProblem(res.status, await res.text(), res.statusText));
    return res.text();
  }

  pcapUrl(lab: string): string {
    return `${this.base}/labs/${lab}/capture.pcap`;
  }
}
