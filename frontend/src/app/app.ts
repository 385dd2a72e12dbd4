// Wires the pieces together: settings -> API and stream -> diagram builder -> layout -> views.

import { LabApi, LabApiError } from "../api/rest";
import { EventStream, type StreamStatus } from "../api/stream";
import { DiagramBuilder } from "../model/diagram";
import type { LabEvent, LabSnapshot } from "../model/events";
import { DEFAULT_LAYOUT, layoutDiagram, type Layout } from "../layout/sequence";
import { DiagramView } from "../render/diagram";
import { clear, download, h } from "../render/dom";
import { Inspector } from "../features/inspector";
import { EventTable, eventRows, type Row } from "../features/table";
import { Controls } from "../features/controls";
import { Playback } from "../features/playback";
import { toMermaid } from "../features/mermaid";
import { button, input, label, relabelAll, select, text, useI18n } from "../features/forms";
import { I18n, pickLocale, type Locale } from "../i18n";
import { labToken, readSettings, rememberToken, type Settings } from "./settings";
import { CaptureApi } from "../api/captures";
import { capturePanels } from "../features/capture-upload";
import { CaptureInfoPanel } from "../features/capture-info";

const LOCALE_KEY = "tcplab.locale";

export function startApp(root: HTMLElement): void {
  const settings = readSettings(document, location);
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(LOCALE_KEY);
  } catch {
    /* ignore */
  }
  const i18n = new I18n(
    pickLocale({ stored, languages: navigator.languages, serverDefault: settings.defaultLocale }),
  );
  useI18n(i18n);
  document.documentElement.lang = i18n.locale;
  const api = new LabApi(settings.apiBase, () => i18n.locale);
  const shell = new Shell(root, i18n);
  window.addEventListener("error", (e) => {
    // Benign browser notice, not an application error.
    if (!String(e.message).startsWith("ResizeObserver loop")) shell.error(String(e.message));
  });
  window.addEventListener("unhandledrejection", (e) =>
    shell.error(String((e.reason as Error)?.message ?? e.reason)),
  );
  if (settings.labId) new LabPage(shell, settings, settings.labId, api, i18n);
  else new StartPage(shell, settings, api);
}

/** Header, language switch, error banner; the page content goes in `main`. */
class Shell {
  readonly main = h("main", {});
  readonly status = h("span", { class: "status", "data-status": "connecting" });
  readonly role = h("span", { class: "role" });
  readonly labInfo = h("span", { class: "lab-info" });
  private readonly banner = h("div", { class: "error-banner", role: "alert", hidden: true });
  private readonly listeners: (() => void)[] = [];

  constructor(
    root: HTMLElement,
    readonly i18n: I18n,
  ) {
    const lang = select(
      [
        ["en", "English"],
        ["zh-CN", "简体中文"],
      ],
      { name: "lang", "aria-label": "Language" },
    );
    lang.value = i18n.locale;
    lang.addEventListener("change", () => {
      try {
        localStorage.setItem(LOCALE_KEY, lang.value);
      } catch {
        /* ignore */
      }
      i18n.set(lang.value as Locale);
      document.documentElement.lang = i18n.locale;
      relabelAll(document, i18n);
      for (const l of this.listeners) l();
    });
    clear(root);
    root.append(
      h(
        "header",
        {},
        h("a", { href: "/", class: "brand" }, text("app.title", "strong")),
        text("app.subtitle", "span", { class: "subtitle" }),
        this.labInfo,
        this.role,
        this.status,
        h("label", { class: "lang" }, lang),
      ),
      this.banner,
      this.main,
    );
  }

  onLocale(l: () => void): void {
    this.listeners.push(l);
  }

  error(message: string): void {
    clear(this.banner);
    const close = h("button", { type: "button", class: "close", "aria-label": "dismiss" }, "×");
    close.addEventListener("click", () => (this.banner.hidden = true));
    this.banner.append(
      h("strong", {}, `${this.i18n.t("error.prefix")}: `),
      h("span", { class: "detail" }, message),
      close,
    );
    this.banner.hidden = false;
  }

  clearError(): void {
    this.banner.hidden = true;
  }

  async run(what: () => Promise<unknown>): Promise<void> {
    try {
      await what();
      this.clearError();
    } catch (e) {
      this.error(e instanceof LabApiError ? e.message : String((e as Error).message ?? e));
    }
  }
}

/** A verdict's title the page itself knows (e.g. a capture's handshake check), if any. */
function localTitle(i18n: I18n, name: string): string | undefined {
  const key = `verdict.title.${name}`;
  const title = i18n.t(key);
  return title === key ? undefined : title;
}

class StartPage {
  constructor(shell: Shell, settings: Settings, api: LabApi) {
    const sim = input({ type: "radio", name: "mode", value: "sim", checked: "checked" });
    const tap = input({ type: "radio", name: "mode", value: "tap" });
    tap.disabled = !settings.tapAvailable;
    const tapNote = h("span", { class: "hint tap-reason" });
    const setTapNote = () => {
      tapNote.textContent = settings.tapAvailable
        ? ""
        : shell.i18n.t("start.tapUnavailable", { reason: settings.tapReason || "-" });
    };
    setTapNote();
    shell.onLocale(setTapNote);
    const seed = input({ type: "number", name: "seed", placeholder: "random" });
    const clock = select(["instant", "realtime", "step"], { name: "clock" });
    const latency = input({ type: "number", name: "latency", value: 10, min: 0 });
    const openId = input({ type: "text", name: "open-id" });
    // The scenario library, one click from a running lab: what most students and teachers want.
    const scenarioList = h("ul", { class: "scenario-list" });
    const showScenarios = () =>
      void shell.run(async () => {
        const list = await api.scenarios();
        clear(scenarioList);
        for (const s of list) {
          scenarioList.append(
            h(
              "li",
              { "data-scenario": s.name },
              h("strong", {}, s.title),
              h("p", { class: "hint" }, s.description),
              button(
                "start.runScenario",
                () =>
                  void shell.run(async () => {
                    const lab = await api.createScenarioLab(s.name);
                    rememberToken(lab.id, lab.token, localStorage);
                    location.assign(`/labs/${encodeURIComponent(lab.id)}`);
                  }),
                { name: `start-scenario-${s.name}` },
              ),
            ),
          );
        }
      });
    showScenarios();
    shell.onLocale(showScenarios);
    shell.main.append(
      h(
        "section",
        { class: "panel start" },
        text("start.title", "h2"),
        h(
          "div",
          { class: "row" },
          text("start.mode"),
          h("label", { class: "check" }, sim, text("start.sim")),
          h("label", { class: "check" }, tap, text("start.tap")),
          tapNote,
        ),
        h(
          "div",
          { class: "row" },
          label("start.seed", seed),
          label("start.clock", clock),
          label("start.latency", latency),
        ),
        button(
          "start.create",
          () =>
            void shell.run(async () => {
              const lab = await api.createLab({
                mode: tap.checked ? "tap" : "sim",
                seed: seed.value ? Number(seed.value) : undefined,
                clock: clock.value as "instant",
                latencyMs: latency.value ? Number(latency.value) : undefined,
              });
              rememberToken(lab.id, lab.token, localStorage);
              location.assign(`/labs/${encodeURIComponent(lab.id)}`);
            }),
          { name: "create-lab" },
        ),
      ),
      h("section", { class: "panel scenarios" }, text("start.scenarios", "h2"), scenarioList),
      ...capturePanels({
        api: new CaptureApi(settings.apiBase, () => shell.i18n.locale),
        i18n: shell.i18n,
        run: (w) => shell.run(w),
        onLocale: (l) => shell.onLocale(l),
        storage: localStorage,
      }),
      h(
        "section",
        { class: "panel open" },
        text("start.open", "h2"),
        h(
          "div",
          { class: "row" },
          openId,
          button("start.openButton", () => {
            if (openId.value.trim())
              location.assign(`/labs/${encodeURIComponent(openId.value.trim())}`);
          }),
        ),
      ),
    );
  }
}

class LabPage {
  private readonly builder = new DiagramBuilder();
  private readonly diagram: DiagramView;
  private readonly inspector: Inspector;
  private readonly table: EventTable;
  private readonly playback: Playback;
  private readonly controls: Controls | null = null;
  private readonly narration = h("section", { class: "panel narration" });
  private readonly captureInfo: CaptureInfoPanel;
  private readonly verdict = h("section", { class: "panel verdict", hidden: true });
  private readonly playBar = h("div", { class: "playback" });
  private readonly scrub = input({ type: "range", min: 0, max: 0, value: 0, name: "scrub" });
  private readonly position = h("span", { class: "position" });
  private readonly relative = input({ type: "checkbox", name: "relative", checked: "checked" });
  private readonly compress = input({ type: "checkbox", name: "compress", checked: "checked" });
  private readonly zoom = input({
    type: "range",
    name: "zoom",
    min: 0.25,
    max: 12,
    step: 0.25,
    value: DEFAULT_LAYOUT.pxPerMs,
  });
  private selected = -1;
  private layout: Layout | null = null;
  private snapshot: LabSnapshot | null = null;
  private renderQueued = false;
  private lastRender = 0;
  private layoutMs = 0;
  private stream: EventStream | null = null;
  private scenarioTitles = new Map<string, string>();
  private rowCache: Row[] = [];
  private rowKey = "";
  private snapTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly measureCache = new Map<string, number>();
  private readonly ctx = document.createElement("canvas").getContext("2d");

  constructor(
    private readonly shell: Shell,
    settings: Settings,
    private readonly lab: string,
    private readonly api: LabApi,
    private readonly i18n: I18n,
  ) {
    const token = labToken(lab, location, localStorage);
    shell.labInfo.textContent = `lab ${lab.slice(0, 8)}…`;
    shell.role.setAttribute("data-i18n", token ? "role.driver" : "role.viewer");
    shell.role.textContent = i18n.t(token ? "role.driver" : "role.viewer");
    shell.role.dataset.role = token ? "driver" : "viewer";
    this.diagram = new DiagramView(i18n, { onSelect: (n) => this.select(n, true) });
    this.inspector = new Inspector(i18n);
    this.table = new EventTable(i18n, (n) => this.select(n, true));
    this.playback = new Playback(
      () => this.builder.model.events.length,
      (i) => this.builder.model.events[i]?.time ?? 0,
      () => this.queueRender(true),
    );
    if (token) this.controls = new Controls({ api, lab, token, run: (w) => shell.run(w) });
    this.captureInfo = new CaptureInfoPanel(
      i18n,
      new CaptureApi(settings.apiBase, () => i18n.locale),
      lab,
      (w) => shell.run(w),
      localStorage,
    );
    void this.loadScenarios();
    for (const el of [this.relative, this.compress, this.zoom])
      el.addEventListener("input", () => this.queueRender(true));
    this.scrub.addEventListener("input", () => this.playback.scrub(Number(this.scrub.value)));
    this.buildPlayBar();
    shell.main.classList.add("lab-page");
    shell.main.append(
      h("div", { class: "left" }, this.playBar, this.diagram.root),
      h(
        "aside",
        { class: "right" },
        this.captureInfo.root,
        this.narration,
        this.verdict,
        this.inspector.root,
        this.table.root,
        this.controls?.root ?? null,
        this.sharePanel(settings, token),
      ),
    );
    shell.onLocale(() => {
      // Scenario titles in the snapshot are localised by the server.
      void this.refreshSnapshot();
      this.diagram.relabel();
      this.inspector.render();
      this.captureInfo.render();
      this.table.relabel();
      this.renderNow();
      void this.loadScenarios();
    });
    this.renderNow();
    void this.refreshSnapshot();
    this.stream = new EventStream({
      url: (after) =>
        `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${settings.apiBase}/labs/${encodeURIComponent(lab)}/events/stream?after=${after}`,
      fetchAfter: (after) => api.events(lab, after),
      onEvents: (evs) => this.onEvents(evs),
      onStatus: (s) => this.setStatus(s),
    });
    this.stream.start();
  }

  private async loadScenarios(): Promise<void> {
    try {
      const list = await this.api.scenarios();
      // Titles in the page's language, for the expectation panel (viewers too).
      this.scenarioTitles = new Map(list.map((x) => [x.name, x.title]));
      this.controls?.setScenarios(list, (k) => this.i18n.t(k));
      this.renderVerdict();
    } catch (e) {
      // A server without scenarios (404) simply offers none; anything else is worth saying.
      if (e instanceof LabApiError && e.status === 404)
        this.controls?.setScenarios([], (k) => this.i18n.t(k));
      else if (this.controls) this.shell.error((e as Error).message);
    }
  }

  private setStatus(s: StreamStatus): void {
    this.shell.status.dataset.status = s;
    this.shell.status.setAttribute("data-i18n", `status.${s}`);
    this.shell.status.textContent = this.i18n.t(`status.${s}`);
  }

  private onEvents(evs: LabEvent[]): void {
    for (const e of evs) this.builder.add(e);
    this.queueRender(false);
    // At most one snapshot read per quarter second, also under a continuous (realtime) stream.
    if (!this.snapTimer)
      this.snapTimer = setTimeout(() => {
        this.snapTimer = null;
        void this.refreshSnapshot();
      }, 250);
  }

  private async refreshSnapshot(): Promise<void> {
    try {
      const s = await this.api.snapshot(this.lab);
      this.snapshot = s;
      const label = (n: string) => {
        const host = s.hosts.find((x) => x.name === n);
        const listening = host?.listeners.length ? ` · LISTEN :${host.listeners.join(",")}` : "";
        return `${n} ${host?.ip ?? ""}${listening}`;
      };
      this.diagram.setHosts({ client: label("client"), server: label("server") });
      this.controls?.setSnapshot(s, (k) => this.i18n.t(k));
      this.captureInfo.show(s.capture);
      this.renderVerdict();
    } catch (e) {
      this.shell.error((e as Error).message);
      // No such lab (deleted, expired, mistyped): stop knocking.
      if (e instanceof LabApiError && e.status === 404) this.stream?.stop();
    }
  }

  private measure = (t: string): number => {
    let w = this.measureCache.get(t);
    if (w === undefined) {
      if (this.ctx) {
        this.ctx.font = "12px ui-monospace, Menlo, Consolas, monospace";
        w = this.ctx.measureText(t).width;
      } else w = t.length * 7.2;
      if (this.measureCache.size > 50_000) this.measureCache.clear();
      this.measureCache.set(t, w);
    }
    return w;
  };

  /**
   * At most one layout per frame, and under a heavy stream no more often than keeps layout below
   * about a fifth of the time (a 10,000-segment lab lays out in ~100 ms): scrolling repaints from
   * the last layout, so it stays smooth while arrows arrive a few times a second.
   */
  private queueRender(now: boolean): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    const since = performance.now() - this.lastRender;
    const wait = now ? 0 : Math.max(0, Math.min(2000, this.layoutMs * 4) - since);
    setTimeout(
      () =>
        requestAnimationFrame(() => {
          this.renderQueued = false;
          this.renderNow();
        }),
      wait,
    );
  }

  private renderNow(): void {
    const start = performance.now();
    this.lastRender = start;
    const m = this.builder.model;
    const limit = this.playback.limit();
    this.layout = layoutDiagram(m, {
      ...DEFAULT_LAYOUT,
      measure: this.measure,
      relative: this.relative.checked,
      compressIdle: this.compress.checked,
      pxPerMs: Number(this.zoom.value),
      limit,
    });
    this.layoutMs = performance.now() - start;
    this.diagram.draw(this.layout);
    if (this.selected >= 0) this.diagram.select(this.selected, false);
    this.table.setRows(this.rows(limit));
    this.scrub.max = String(m.events.length);
    this.scrub.value = String(limit);
    this.position.textContent = this.i18n.t("play.position", { n: limit, total: m.events.length });
    this.playBar.dataset.mode = this.playback.mode;
    this.renderNarration(limit);
  }

  /** Table rows, built once per event (a row never changes) until numbering or language does. */
  private rows(limit: number): Row[] {
    const key = `${this.relative.checked}/${this.i18n.locale}`;
    if (key !== this.rowKey) {
      this.rowKey = key;
      this.rowCache = [];
    }
    const m = this.builder.model;
    if (this.rowCache.length < m.events.length) {
      const more = eventRows(
        m,
        this.relative.checked,
        Infinity,
        (en, zh) => this.i18n.pick(en, zh),
        this.rowCache.length,
        (k, p) => this.i18n.t(k, p),
      );
      for (const r of more) this.rowCache.push(r);
    }
    return limit >= this.rowCache.length ? this.rowCache : this.rowCache.slice(0, limit);
  }

  private renderNarration(limit: number): void {
    const m = this.builder.model;
    clear(this.narration);
    const shown = m.narration.filter((n) => m.events.findIndex((e) => e.id === n.eventId) < limit);
    this.narration.hidden = shown.length === 0;
    if (!shown.length) return;
    const cur = shown[shown.length - 1];
    this.narration.append(
      h("h2", { "data-i18n": "panel.narration" }, this.i18n.t("panel.narration")),
      h(
        "p",
        { class: "current", "data-step": cur.step, "data-step-name": cur.name },
        h("span", { class: "step-no" }, String(cur.step)),
        " ",
        h("span", { class: "narration-text" }, this.i18n.pick(cur.en, cur.zh)),
      ),
    );
    if (shown.length > 1) {
      const ol = h("ol", { class: "steps" });
      for (const n of shown.slice(0, -1))
        ol.append(h("li", { value: n.step }, this.i18n.pick(n.en, n.zh)));
      this.narration.append(
        h(
          "details",
          {},
          h("summary", {}, this.i18n.t("narration.earlier", { n: shown.length - 1 })),
          ol,
        ),
      );
    }
  }

  private renderVerdict(): void {
    const s = this.snapshot?.scenario;
    const v = s?.verdict;
    clear(this.verdict);
    this.verdict.hidden = !v;
    if (!s || !v) return;
    const t = (k: string) => this.i18n.t(k);
    const list = (items: string[], cls: string) => {
      const ul = h("ul", { class: cls });
      for (const x of items) ul.append(h("li", {}, x));
      return ul;
    };
    // While the scenario still runs, the comparison is provisional: say so rather than "failed".
    const running = s.running;
    this.verdict.dataset.passed = running ? "" : String(v.passed);
    this.verdict.dataset.running = String(running);
    this.verdict.append(
      h(
        "h2",
        {},
        `${t("panel.verdict")}: ${this.scenarioTitles.get(s.name) ?? localTitle(this.i18n, s.name) ?? (s.title || s.name)}`,
      ),
      h(
        "p",
        { class: `verdict-result ${running ? "running" : v.passed ? "pass" : "fail"}` },
        running
          ? `⋯ ${t("verdict.running")}`
          : v.passed
            ? `✓ ${t("verdict.passed")}`
            : `✗ ${t("verdict.failed")}`,
      ),
      h(
        "div",
        { class: "cols" },
        h("div", {}, h("h3", {}, t("verdict.expected")), list(v.expected, "expected")),
        h("div", {}, h("h3", {}, t("verdict.actual")), list(v.actual, "actual")),
      ),
    );
    if (v.mismatches.length && !running)
      this.verdict.append(
        h("div", {}, h("h3", {}, t("verdict.mismatches")), list(v.mismatches, "mismatches")),
      );
  }

  private select(n: number, scroll: boolean): void {
    const m = this.builder.model;
    if (n < 0 || n >= m.arrows.length) return;
    this.selected = n;
    this.diagram.select(n, scroll);
    this.table.select(n);
    this.inspector.show(m.arrows[n], m);
    if (scroll) this.inspector.root.scrollIntoView({ block: "nearest" });
  }

  private buildPlayBar(): void {
    const p = this.playback;
    clear(this.playBar);
    this.playBar.append(
      button("play.pause", () => p.pause(), { name: "pause" }),
      button("play.resume", () => p.live(), { name: "live" }),
      button("play.step", () => p.step(), { name: "step" }),
      button("play.replay", () => p.replay(), { name: "replay" }),
      this.scrub,
      this.position,
      h(
        "span",
        { class: "view-opts" },
        h("label", { class: "check" }, this.relative, text("view.relative")),
        h("label", { class: "check" }, this.compress, text("view.compress")),
        label("view.zoom", this.zoom),
      ),
    );
  }

  private sharePanel(settings: Settings, token: string | null): HTMLElement {
    const base = `${location.origin}/labs/${encodeURIComponent(this.lab)}`;
    const copy = (value: string) => () => void navigator.clipboard?.writeText(value);
    const viewer = input({ type: "text", readonly: "readonly", value: base, name: "viewer-link" });
    const exportName = `tcplab-${this.lab.slice(0, 8)}`;
    return h(
      "section",
      { class: "panel share" },
      text("panel.share", "h2"),
      label("share.viewer", viewer, button("share.copy", copy(base))),
      token
        ? label(
            "share.driver",
            input({
              type: "text",
              readonly: "readonly",
              value: `${base}#token=${encodeURIComponent(token)}`,
              name: "driver-link",
            }),
            button("share.copy", copy(`${base}#token=${encodeURIComponent(token)}`)),
          )
        : null,
      text("panel.export", "h3"),
      h(
        "div",
        { class: "row exports" },
        h(
          "a",
          {
            href: this.api.pcapUrl(this.lab),
            download: `${exportName}.pcap`,
            class: "button",
            "data-export": "pcap",
            "data-i18n": "export.pcap",
          },
          this.i18n.t("export.pcap"),
        ),
        button(
          "export.svg",
          () => download(`${exportName}.svg`, this.diagram.exportSvg(), "image/svg+xml"),
          { "data-export": "svg" },
        ),
        button("export.png", () => void this.shell.run(() => this.exportPng(`${exportName}.png`)), {
          "data-export": "png",
        }),
        button(
          "export.mermaid",
          () => download(`${exportName}.mmd`, toMermaid(this.builder.model, this.relative.checked)),
          { "data-export": "mermaid" },
        ),
        button(
          "export.json",
          () =>
            void this.shell.run(async () =>
              download(
                `${exportName}-events.json`,
                await this.api.rawEvents(this.lab),
                "application/json",
              ),
            ),
          { "data-export": "json" },
        ),
      ),
      h("p", { class: "hint version" }, `TCP Lab ${settings.version}`),
    );
  }

  private async exportPng(name: string): Promise<void> {
    const svgText = this.diagram.exportSvg();
    const l = this.layout;
    if (!svgText || !l) return;
    // Browsers cap canvas size; very long diagrams are scaled down to fit.
    const scale = Math.min(2, 16000 / l.height, 16000 / l.width);
    const img = new Image();
    const url = URL.createObjectURL(new Blob([svgText], { type: "image/svg+xml" }));
    await new Promise<void>((res, rej) => {
      img.onload = () => res();
      img.onerror = () => rej(new Error("PNG export: the SVG could not be rasterised"));
      img.src = url;
    });
    const canvas = document.createElement("canvas");
    canvas.width = Math.ceil(l.width * scale);
    canvas.height = Math.ceil(l.height * scale);
    const ctx = canvas.getContext("2d")!;
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0);
    URL.revokeObjectURL(url);
    const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, "image/png"));
    if (blob) download(name, blob);
  }
}
