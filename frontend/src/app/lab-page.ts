// One lab: wires the event log (loaded page by page, then live) to the model, the layout and the
// panels, and says so plainly when the lab no longer exists.

import { LabApiError, type LabApi } from "../api/rest";
import { EventStream } from "../api/stream";
import { DiagramBuilder } from "../model/diagram";
import type { Host, LabEvent, LabSnapshot, ScenarioInfo } from "../model/events";
import { SequenceLayout, TAG_TEXT, type ArrowTag, type LayoutOptions } from "../layout/sequence";
import { DiagramView } from "../render/diagram";
import { clear, h } from "../render/dom";
import { Inspector } from "../features/inspector";
import { EventTable, dropReason, eventRows, type Row } from "../features/table";
import { Controls } from "../features/controls";
import { Playback } from "../features/playback";
import { PlayBar } from "../features/playbar";
import { NarrationPanel } from "../features/narration";
import { VerdictPanel } from "../features/verdict";
import { SharePanel } from "../features/share";
import { QuizPanel } from "../features/quiz";
import { SegmentList } from "../features/segment-list";
import { toMermaid } from "../features/mermaid";
import { exportSvg, svgToPng } from "../features/export";
import { CaptureInfoPanel } from "../features/capture-info";
import { CaptureApi } from "../api/captures";
import { handoutUrl, labToken, viewerUrl, type Settings } from "./settings";
import { RenderScheduler } from "./render-scheduler";
import { SnapshotPoller } from "./snapshot";
import type { Shell } from "./shell";

/** Events taken per turn of the event loop while a big log comes in. */
const CHUNK = 4000;

const MONO =
  'ui-monospace, Menlo, Consolas, "Noto Sans Mono CJK SC", "WenQuanYi Micro Hei Mono", monospace';

/** Text widths in the diagram font, by canvas, cached; ASCII by the monospace advance. */
export function textMeasure(fontSize: number): (t: string) => number {
  const ctx = document.createElement("canvas").getContext("2d");
  if (ctx) ctx.font = `${fontSize}px ${MONO}`;
  const advance = ctx ? ctx.measureText("0000000000").width / 10 : fontSize * 0.6;
  const cache = new Map<string, number>();
  return (t) => {
    if (/^[\x20-\x7e]*$/.test(t)) return t.length * advance;
    let w = cache.get(t);
    if (w === undefined) {
      w = ctx ? ctx.measureText(t).width : t.length * fontSize;
      if (cache.size > 20_000) cache.clear();
      cache.set(t, w);
    }
    return w;
  };
}

export class LabPage {
  private readonly builder = new DiagramBuilder();
  private readonly diagram: DiagramView;
  private readonly segments: SegmentList;
  private readonly inspector: Inspector;
  private readonly table: EventTable;
  private readonly playback: Playback;
  private readonly playBar: PlayBar;
  private readonly narration: NarrationPanel;
  private readonly verdict: VerdictPanel;
  private readonly captureInfo: CaptureInfoPanel;
  private readonly controls: Controls | null = null;
  private readonly quiz: QuizPanel;
  private readonly poller: SnapshotPoller;
  private readonly scheduler: RenderScheduler;
  private readonly left: HTMLElement;
  private readonly right: HTMLElement;
  private stream: EventStream | null = null;
  private layout: SequenceLayout | null = null;
  private layoutKey = "";
  private measure: (t: string) => number;
  private selected = -1;
  private scenarioTitles = new Map<string, string>();
  private rowCache: Row[] = [];
  private rowKey = "";
  private projector = false;
  private readonly inbox: LabEvent[][] = [];
  private inboxAt = 0;
  private pumping = false;
  private gone = false;
  private ticking = false;
  private width = 0;

  constructor(
    private readonly shell: Shell,
    private readonly settings: Settings,
    private readonly lab: string,
    private readonly api: LabApi,
  ) {
    const { ui, i18n } = shell;
    const token = labToken(lab, location, localStorage);
    shell.labInfo.textContent = `lab ${lab.slice(0, 8)}…`;
    shell.labInfo.title = lab;
    shell.role.dataset.i18n = token ? "role.driver" : "role.viewer";
    shell.role.textContent = i18n.t(shell.role.dataset.i18n);
    shell.role.dataset.role = token ? "driver" : "viewer";
    this.measure = textMeasure(12);
    this.scheduler = new RenderScheduler(() => this.render());
    this.diagram = new DiagramView(
      i18n,
      {
        onSelect: (n) => this.select(n, true),
        onResize: (w) => {
          this.width = w;
          this.scheduler.queue(true);
        },
      },
      (t) => this.measure(t),
    );
    this.segments = new SegmentList(i18n);
    this.inspector = new Inspector(i18n);
    this.table = new EventTable(i18n, (n) => this.select(n, true));
    this.narration = new NarrationPanel(i18n);
    this.verdict = new VerdictPanel(i18n);
    this.captureInfo = new CaptureInfoPanel(
      ui,
      new CaptureApi(settings.apiBase, () => i18n.locale),
      lab,
      (w) => shell.run(w),
      localStorage,
    );
    this.playback = new Playback(
      {
        total: () => this.builder.model.events.length,
        stops: () => this.builder.segmentStops(),
        timeOf: (i) => this.builder.model.events[i]?.time ?? 0,
      },
      () => this.scheduler.queue(true),
    );
    this.playBar = new PlayBar(
      ui,
      this.playback,
      () => this.scheduler.queue(true),
      () => this.toggleProjector(),
    );
    if (token)
      this.controls = new Controls(ui, {
        api,
        lab,
        token,
        // A change may emit no event (a listen): read the snapshot after it either way.
        run: (w) => shell.run(w).then(() => this.poller.read()),
        report: (m) => shell.error(m),
      });
    this.quiz = new QuizPanel(ui, {
      api,
      lab,
      token,
      numbering: () => this.playBar.view().numbering,
      isnOf: (c, from) => this.builder.isnOf(c, from),
      arrowAfter: (id) => this.builder.arrowAfter(id),
      report: (m) => shell.error(m),
      describe: (e) => shell.describe(e),
    });
    this.poller = new SnapshotPoller(
      api,
      lab,
      (s) => this.onSnapshot(s),
      (e) => shell.error(shell.describe(e)),
      (reason) => this.labGone(reason),
    );
    const share = new SharePanel(
      ui,
      viewerUrl(settings, lab),
      token,
      {
        pcapUrl: api.pcapUrl(lab),
        fileName: `tcplab-${lab.slice(0, 8)}`,
        svg: () => this.exportDoc()?.text ?? "",
        png: async () => {
          const doc = this.exportDoc();
          return doc ? svgToPng(doc.text, doc.width, doc.height) : null;
        },
        mermaid: () =>
          toMermaid(
            this.builder.model,
            this.playBar.view().numbering,
            i18n,
            this.title(),
            this.playback.limit(),
          ),
        json: () => api.rawEvents(lab),
        handout: () => handoutUrl(settings, lab, i18n.locale),
      },
      (w) => shell.run(w),
      settings.version,
    );
    this.left = h(
      "div",
      { class: "left" },
      this.playBar.root,
      this.diagram.root,
      this.segments.heading,
      this.segments.root,
    );
    this.right = h(
      "aside",
      { class: "right", "aria-label": i18n.t("panel.side"), "data-i18n-aria": "panel.side" },
      this.quiz.root,
      this.captureInfo.root,
      this.narration.root,
      this.verdict.root,
      this.inspector.root,
      this.table.root,
      this.controls?.root ?? null,
      share.root,
    );
    shell.main.classList.add("lab-page");
    shell.main.append(this.left, this.right);
    document.addEventListener("keydown", (e) => {
      const tag = (e.target as HTMLElement)?.tagName;
      if (
        e.key === "p" &&
        !e.ctrlKey &&
        !e.metaKey &&
        !e.altKey &&
        !/INPUT|SELECT|TEXTAREA/.test(tag)
      ) {
        e.preventDefault();
        this.toggleProjector();
      }
    });
    i18n.onChange(() => {
      // Scenario titles in the snapshot and the catalog are localised by the server.
      void this.poller.read();
      void this.loadScenarios();
      this.scheduler.queue(true);
    });
    this.width = this.diagram.width;
    void this.loadScenarios();
    void this.poller.read();
    void this.load();
  }

  /** The log page by page (the first arrows show after the first page), then live. */
  private async load(): Promise<void> {
    this.shell.setStatus("connecting");
    let last = 0;
    try {
      await this.api.eventsAfter(this.lab, 0, (page) => {
        last = page.at(-1)?.id ?? last;
        this.onEvents(page);
      });
    } catch (e) {
      if (e instanceof LabApiError && e.status === 404) return this.labGone(e.message);
      this.shell.error(this.shell.describe(e));
    }
    if (this.gone) return;
    const base = this.settings.apiBase;
    this.stream = new EventStream(
      {
        url: (after) =>
          `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${base}/labs/${encodeURIComponent(this.lab)}/events/stream?after=${after}`,
        fetchAfter: (after) => this.api.eventsAfter(this.lab, after),
        onEvents: (evs) => this.onEvents(evs),
        onStatus: (s) => this.shell.setStatus(s),
        onGone: (reason) => this.labGone(reason),
        isGone: (e) => e instanceof LabApiError && e.status === 404,
      },
      last,
    );
    this.stream.start();
  }

  private async loadScenarios(): Promise<void> {
    let list: ScenarioInfo[] = [];
    try {
      list = await this.api.scenarios();
    } catch (e) {
      // A server without scenarios (404) simply offers none; anything else is worth saying.
      if (!(e instanceof LabApiError && e.status === 404) && this.controls)
        this.shell.error(this.shell.describe(e));
    }
    this.scenarioTitles = new Map(list.map((x) => [x.name, x.title]));
    this.controls?.setScenarios(list);
    this.scheduler.queue(true);
  }

  /**
   * Events are taken in chunks between frames, so a big log (or a server that answers it all at
   * once) shows its first arrows at once and the page stays responsive while the rest comes in.
   */
  private onEvents(evs: LabEvent[]): void {
    if (this.gone) return;
    this.quiz.onEvents(evs);
    this.inbox.push(evs);
    if (!this.pumping) this.pump();
  }

  private pump(): void {
    const first = this.builder.model.events.length === 0;
    let taken = 0;
    while (this.inbox.length && taken < CHUNK) {
      const batch = this.inbox[0];
      const n = Math.min(batch.length - this.inboxAt, CHUNK - taken);
      for (let i = 0; i < n; i++) this.builder.add(batch[this.inboxAt + i]);
      taken += n;
      this.inboxAt += n;
      if (this.inboxAt >= batch.length) {
        this.inbox.shift();
        this.inboxAt = 0;
      }
    }
    if (this.builder.model.narration.length && this.playBar.suggestNumbering("absolute"))
      this.layout = null;
    this.scheduler.queue(first);
    this.poller.poke();
    this.pumping = this.inbox.length > 0;
    if (this.pumping) setTimeout(() => this.pump(), 0);
  }

  private onSnapshot(s: LabSnapshot): void {
    const { i18n } = this.shell;
    const texts = (n: Host) => {
      const host = s.hosts.find((x) => x.name === n);
      const name = i18n.host(n);
      const ip = host?.ip ?? "";
      const listening = host?.listeners.length ? ` · LISTEN :${host.listeners.join(",")}` : "";
      return [`${name} ${ip}${listening}`, `${name} ${ip}`, name];
    };
    this.diagram.setHosts({ client: texts("client"), server: texts("server") });
    this.controls?.setSnapshot(s);
    this.captureInfo.show(s.capture);
    if (s.scenario && this.playBar.suggestNumbering("absolute")) this.layout = null;
    this.scheduler.queue(true);
  }

  /** The lab no longer exists: stop, say so with the reason, offer a new one. */
  private labGone(reason: string): void {
    if (this.gone) return;
    this.gone = true;
    this.quiz.stop();
    this.stream?.stop("gone");
    this.poller.stop();
    this.shell.setStatus("gone");
    this.shell.clearError();
    const { ui } = this.shell;
    clear(this.shell.main);
    this.shell.main.classList.remove("lab-page");
    this.shell.main.append(
      h(
        "section",
        { class: "panel gone", role: "alert", "data-gone": "true" },
        ui.text("gone.title", "h2"),
        ui.text("gone.what", "p"),
        h(
          "p",
          { class: "reason" },
          h("span", { "data-i18n": "gone.reason" }, ui.t("gone.reason")),
          " ",
          h("code", {}, reason),
        ),
        h(
          "p",
          {},
          h(
            "a",
            { href: this.shell.home, class: "button", "data-i18n": "gone.new" },
            ui.t("gone.new"),
          ),
        ),
      ),
    );
  }

  private toggleProjector(): void {
    this.projector = !this.projector;
    document.body.toggleAttribute("data-projector", this.projector);
    this.playBar.projector.setAttribute("aria-pressed", String(this.projector));
    this.measure = textMeasure(this.projector ? 18 : 12);
    this.layout = null;
    this.scheduler.queue(true);
  }

  private title(): string {
    const s = this.poller.latest?.scenario;
    const name = s ? this.scenarioTitle(s) : "";
    return name ? `TCP Lab — ${name}` : `TCP Lab — lab ${this.lab.slice(0, 8)}`;
  }

  /** The catalog's title in the page's language, else one the page knows (a capture's check), else the server's. */
  private scenarioTitle(s: { name: string; title: string }): string {
    return (
      this.scenarioTitles.get(s.name) ??
      this.shell.i18n.tOr(`verdict.title.${s.name}`, s.title || s.name)
    );
  }

  private exportDoc() {
    if (!this.layout) return null;
    const { i18n } = this.shell;
    const host = (n: Host) => [i18n.host(n)];
    return exportSvg(
      this.layout,
      {
        title: this.title(),
        subtitle: i18n.t("export.subtitle", {
          lab: this.lab.slice(0, 8),
          events: this.playback.limit(),
          numbering: i18n.t(`numbering.${this.playBar.view().numbering}`),
        }),
        narration: this.narration.lines(),
        hosts: { client: host("client"), server: host("server") },
      },
      i18n,
      this.measure,
    );
  }

  private layoutOptions(): LayoutOptions {
    const v = this.playBar.view();
    const { i18n } = this.shell;
    return {
      measure: this.measure,
      fontSize: this.projector ? 18 : 12,
      numbering: v.numbering,
      compressIdle: v.compress,
      pxPerMs: v.zoom,
      width: Math.max(300, this.width || this.diagram.width),
      tagText: (t: ArrowTag) => i18n.tOr(`tag.short.${t}`, TAG_TEXT[t]),
      latencyMs: this.poller.latest?.latencyMs,
      reasonText: (r) => dropReason(r, i18n),
    };
  }

  private render(): void {
    if (this.gone) return;
    const m = this.builder.model;
    const limit = this.playback.limit();
    const o = this.layoutOptions();
    const key = `${o.fontSize}/${o.numbering}/${o.compressIdle}/${o.pxPerMs}/${o.width}/${o.latencyMs}/${this.shell.i18n.locale}`;
    // The layout grows with the log; a new view, a narrower pane or a step back starts it again.
    if (!this.layout || key !== this.layoutKey || limit < this.layout.count) {
      this.layout = new SequenceLayout(o);
      this.layoutKey = key;
    }
    this.layout.extend(m, limit, this.labTime());
    // A realtime lab's clock runs between events: redraw what is in flight as it moves.
    if (this.realtimeRunning() && this.builder.anythingDue() && !this.ticking) {
      this.ticking = true;
      setTimeout(() => {
        this.ticking = false;
        this.scheduler.queue(false);
      }, 100);
    }
    this.diagram.show(this.layout);
    this.segments.update(this.layout);
    if (this.selected >= 0) this.diagram.select(this.selected, false);
    this.table.setRows(this.rows(), limit);
    this.playBar.show(this.playback.mode, limit, m.events.length);
    this.narration.show(this.builder.narrationUpTo(limit));
    this.renderVerdict(limit);
  }

  private realtimeRunning(): boolean {
    const s = this.poller.latest;
    return !!s && s.clock === "realtime" && !s.paused && this.playback.mode === "live";
  }

  /**
   * The lab's virtual time now, for what is in flight: a step clock's time as its snapshot says, a
   * realtime clock's moved on from its last snapshot.
   */
  private labTime(): number | undefined {
    const s = this.poller.latest;
    if (!s || this.playback.mode !== "live") return undefined;
    if (!this.realtimeRunning()) return s.time;
    return s.time + (performance.now() - this.poller.readAt) * s.timeScale;
  }

  private renderVerdict(limit: number): void {
    const s = this.poller.latest?.scenario;
    if (!s?.verdict) return this.verdict.show(null);
    const m = this.builder.model;
    const atEnd = limit >= m.events.length;
    this.verdict.show({
      title: this.scenarioTitle(s),
      verdict: s.verdict,
      shownUpTo: limit > 0 ? m.events[limit - 1].id : 0,
      final: atEnd && !s.running && !this.builder.anythingDue(),
    });
  }

  /** Table rows, built once per event (a row never changes) until numbering or language does. */
  private rows(): Row[] {
    const key = `${this.playBar.view().numbering}/${this.shell.i18n.locale}`;
    if (key !== this.rowKey) {
      this.rowKey = key;
      this.rowCache = [];
    }
    const m = this.builder.model;
    if (this.rowCache.length < m.events.length) {
      const more = eventRows(
        m,
        this.playBar.view().numbering,
        this.shell.i18n,
        this.rowCache.length,
        m.events.length,
        (id) => this.builder.arrowOf(id),
      );
      for (const r of more) this.rowCache.push(r);
    }
    return this.rowCache;
  }

  private select(n: number, scroll: boolean): void {
    const m = this.builder.model;
    if (n < 0 || n >= m.arrows.length || n >= (this.layout?.arrowCount ?? 0)) return;
    this.selected = n;
    this.diagram.select(n, scroll);
    this.table.select(n, m.arrows[n].index);
    this.inspector.show(m.arrows[n], m, this.playBar.view().numbering);
  }
}
