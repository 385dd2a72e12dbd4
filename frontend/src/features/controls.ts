// Driving the lab: only rendered for the browser that holds the lab's token. What cannot be done
// yet is disabled with the reason on hover (Send before any connection, Advance outside a step
// clock, a second Listen on the same port); forms are checked before anything is sent, in the
// page's language; every request goes through `run`, which shows a refusal as the server gives it.

import type { LabApi } from "../api/rest";
import type { FaultRequest } from "../api/decode";
import type { Flag, Host, LabSnapshot, ScenarioInfo } from "../model/events";
import { FLAG_ORDER } from "../model/events";
import { clear, h } from "../render/dom";
import { Ui, checkedNumber, hostSelect, input, numberOrUndefined, select } from "./forms";

export interface ControlContext {
  api: LabApi;
  lab: string;
  token: string;
  run: (what: () => Promise<unknown>) => Promise<void>;
  /** A message for the student (a form that cannot be sent as it is). */
  report: (message: string) => void;
}

const SEQ_MAX = 4294967295;

export class Controls {
  readonly root: HTMLElement;
  private readonly connSelect = select([], { name: "connection", id: "ctl-connection" });
  private readonly faultList = h("ul", { class: "fault-list" });
  private readonly scenarioBox = h("div", { class: "scenario-box" });
  private readonly speedRow: HTMLElement;
  private readonly speed = input({
    type: "range",
    min: -2,
    max: 2,
    step: 0.25,
    value: 0,
    name: "speed",
  });
  private readonly speedOut = h("output", {}, "1×");
  private readonly linkInfo = h("p", { class: "hint link-info" });
  private readonly connButtons: HTMLButtonElement[] = [];
  private readonly advance: HTMLButtonElement;
  private readonly listen: HTMLButtonElement;
  private readonly listenHost: HTMLSelectElement;
  private readonly listenPort: HTMLInputElement;
  private snapshot: LabSnapshot | null = null;
  private scenarios: ScenarioInfo[] = [];
  private clockPaused = false;

  constructor(
    private readonly ui: Ui,
    private readonly c: ControlContext,
  ) {
    this.speed.addEventListener("change", () => {
      const scale = 2 ** Number(this.speed.value);
      this.speedOut.textContent = `${scale}×`;
      void c.run(() => c.api.setClock(c.lab, c.token, { timeScale: scale }));
    });
    this.speed.addEventListener(
      "input",
      () => (this.speedOut.textContent = `${2 ** Number(this.speed.value)}×`),
    );
    const pauseClock = ui.button(
      "ctl.pauseClock",
      () => void c.run(() => c.api.setClock(c.lab, c.token, { paused: !this.clockPaused })),
      { name: "pause-clock" },
    );
    this.speedRow = h(
      "span",
      { class: "speed" },
      ui.label("ctl.speed", this.speed, this.speedOut),
      pauseClock,
    );
    this.listenHost = hostSelect(ui, { name: "listen-host" });
    this.listenHost.value = "server";
    this.listenPort = input({ type: "number", name: "listen-port", value: 80, min: 1, max: 65535 });
    this.listen = ui.button("ctl.listen", () => this.doListen(), { name: "listen" });
    for (const el of [this.listenHost, this.listenPort])
      el.addEventListener("input", () => this.updateDisabled());
    this.advance = ui.button("ctl.advance", () => {}, { name: "advance" });
    this.root = h(
      "div",
      { class: "controls", "data-role": "controls" },
      this.drivePanel(),
      this.scenarioPanel(),
      this.faultPanel(),
      this.injectPanel(),
    );
    ui.i18n.onChange(() => {
      this.setScenarios(this.scenarios);
      if (this.snapshot) this.setSnapshot(this.snapshot);
    });
    this.updateDisabled();
  }

  private num(el: HTMLInputElement, key: string, required = true) {
    return checkedNumber(this.ui, el, key, this.c.report, required);
  }

  private doListen(): void {
    const port = this.num(this.listenPort, "ctl.port");
    if (port === null || port === undefined) return;
    void this.c.run(() =>
      this.c.api.listen(this.c.lab, this.c.token, this.listenHost.value as Host, port),
    );
  }

  private drivePanel(): HTMLElement {
    const { c, ui } = this;
    const from = hostSelect(ui, { name: "connect-from" });
    const localPort = input({
      type: "number",
      name: "local-port",
      min: 1,
      max: 65535,
      "data-i18n-placeholder": "ctl.auto",
    });
    localPort.placeholder = ui.t("ctl.auto");
    const remotePort = input({
      type: "number",
      name: "remote-port",
      value: 80,
      min: 1,
      max: 65535,
    });
    const isn = input({
      type: "number",
      name: "isn",
      min: 0,
      max: SEQ_MAX,
      "data-i18n-placeholder": "ctl.random",
    });
    const peerIsn = input({
      type: "number",
      name: "peer-isn",
      min: 0,
      max: SEQ_MAX,
      "data-i18n-placeholder": "ctl.random",
    });
    isn.placeholder = peerIsn.placeholder = ui.t("ctl.random");
    const side = hostSelect(ui, { name: "side" });
    const payload = input({ type: "text", name: "text", value: "hello" });
    const crashHost = hostSelect(ui, { name: "crash-host" });
    const loss = input({ type: "number", name: "loss", min: 0, max: 100, step: 1, value: 10 });
    const latency = input({
      type: "number",
      name: "latency",
      min: 0,
      max: 600000,
      step: 1,
      value: 10,
    });
    const advanceMs = input({
      type: "number",
      name: "advance-ms",
      value: 100,
      min: 1,
      max: 3_600_000,
    });
    const conn = () => this.connSelect.value;
    const connAction = (key: string, name: string, act: () => Promise<unknown>) => {
      const b = ui.button(key, () => void c.run(act), { name });
      this.connButtons.push(b);
      return b;
    };
    this.advance.addEventListener("click", () => {
      const ms = this.num(advanceMs, "ctl.advanceMs");
      if (ms !== null && ms !== undefined) void c.run(() => c.api.advance(c.lab, c.token, ms));
    });
    return h(
      "section",
      { class: "panel drive" },
      ui.text("panel.controls", "h2"),
      this.linkInfo,
      h(
        "div",
        { class: "row" },
        ui.label("ctl.host", this.listenHost),
        ui.label("ctl.port", this.listenPort),
        this.listen,
      ),
      h(
        "div",
        { class: "row" },
        ui.label("ctl.from", from),
        ui.label("ctl.localPort", localPort),
        ui.label("ctl.remotePort", remotePort),
        ui.label("ctl.isn", isn),
        ui.label("ctl.peerIsn", peerIsn),
        ui.button(
          "ctl.connect",
          () => {
            const lp = this.num(localPort, "ctl.localPort", false);
            const rp = this.num(remotePort, "ctl.remotePort");
            const i = this.num(isn, "ctl.isn", false);
            const pi = this.num(peerIsn, "ctl.peerIsn", false);
            if (lp === null || rp === null || rp === undefined || i === null || pi === null) return;
            void c.run(() =>
              c.api.connect(c.lab, c.token, {
                from: from.value as Host,
                localPort: lp,
                remotePort: rp,
                isn: i,
                peerIsn: pi,
              }),
            );
          },
          { name: "connect" },
        ),
      ),
      h(
        "div",
        { class: "row" },
        ui.label("ctl.connection", this.connSelect),
        ui.label("ctl.side", side),
        ui.label("ctl.text", payload),
        connAction("ctl.send", "send", () =>
          c.api.send(c.lab, c.token, conn(), side.value as Host, payload.value),
        ),
        connAction("ctl.close", "close", () =>
          c.api.close(c.lab, c.token, conn(), side.value as Host),
        ),
        connAction("ctl.abort", "abort", () =>
          c.api.abort(c.lab, c.token, conn(), side.value as Host),
        ),
      ),
      h(
        "div",
        { class: "row" },
        ui.label("ctl.host", crashHost),
        ui.button(
          "ctl.crash",
          () => void c.run(() => c.api.crash(c.lab, c.token, crashHost.value as Host)),
          {
            name: "crash",
          },
        ),
        ui.label("ctl.loss", loss),
        ui.button(
          "ctl.applyLoss",
          () => {
            const pct = this.num(loss, "ctl.loss");
            if (pct === null || pct === undefined) return;
            void c.run(() =>
              c.api.addFault(c.lab, c.token, {
                direction: "both",
                flags: [],
                onlyFlags: false,
                probability: pct / 100,
                action: "drop",
              }),
            );
          },
          { name: "loss" },
        ),
        ui.label("ctl.latency", latency),
        ui.button(
          "ctl.applyLatency",
          () => {
            const ms = this.num(latency, "ctl.latency");
            if (ms !== null && ms !== undefined)
              void c.run(() => c.api.setLink(c.lab, c.token, { latencyMs: ms }));
          },
          { name: "latency" },
        ),
      ),
      h("div", { class: "row" }, this.speedRow, ui.label("ctl.advanceMs", advanceMs), this.advance),
    );
  }

  private faultPanel(): HTMLElement {
    const { c, ui } = this;
    const dir = ui.select(["client-to-server", "server-to-client", "both"], "faultDirection.", {
      name: "fault-direction",
    });
    const flagBoxes = FLAG_ORDER.filter((f) => f !== "CWR" && f !== "ECE").map((f) => {
      const cb = input({ type: "checkbox", name: `fault-flag-${f}`, value: f });
      return { f, cb, el: h("label", { class: "check" }, cb, f) };
    });
    const only = input({ type: "checkbox", name: "fault-only" });
    const nth = input({ type: "number", name: "fault-nth", min: 1, placeholder: "1" });
    const count = input({ type: "number", name: "fault-count", min: 1, value: 1 });
    const prob = input({
      type: "number",
      name: "fault-probability",
      min: 0,
      max: 1,
      step: 0.05,
      placeholder: "1",
    });
    const action = ui.select(["drop", "delay", "duplicate", "reorder", "corrupt"], "faultAction.", {
      name: "fault-action",
    });
    const delay = input({
      type: "number",
      name: "fault-delay",
      min: 0,
      max: 600000,
      placeholder: "ms",
    });
    const add = (f: FaultRequest) => c.run(() => c.api.addFault(c.lab, c.token, f));
    return h(
      "section",
      { class: "panel faults" },
      ui.text("panel.faults", "h2"),
      h(
        "div",
        { class: "row" },
        ui.button(
          "fault.preset",
          () =>
            void add({
              direction: "server-to-client",
              flags: ["SYN", "ACK"],
              onlyFlags: true,
              count: 1,
              action: "drop",
            }),
          { name: "drop-next-synack" },
        ),
      ),
      h(
        "div",
        { class: "row" },
        ui.label("fault.direction", dir),
        ui.label("fault.action", action),
        ui.label("fault.delay", delay),
      ),
      h(
        "fieldset",
        { class: "row flags" },
        ui.text("fault.flags", "legend"),
        ...flagBoxes.map((x) => x.el),
        ui.check("fault.only", only),
      ),
      h(
        "div",
        { class: "row" },
        ui.label("fault.nth", nth),
        ui.label("fault.count", count),
        ui.label("fault.probability", prob),
        ui.button(
          "fault.add",
          () => {
            const n = this.num(nth, "fault.nth", false);
            const k = this.num(count, "fault.count", false);
            const p = this.num(prob, "fault.probability", false);
            const d = this.num(delay, "fault.delay", false);
            if (n === null || k === null || p === null || d === null) return;
            void add({
              direction: dir.value as FaultRequest["direction"],
              flags: flagBoxes.filter((x) => x.cb.checked).map((x) => x.f as Flag),
              onlyFlags: only.checked,
              nth: n,
              count: k,
              probability: p,
              action: action.value,
              delayMs: d,
            });
          },
          { name: "add-fault" },
        ),
      ),
      this.faultList,
    );
  }

  private injectPanel(): HTMLElement {
    const { c, ui } = this;
    const from = hostSelect(ui, { name: "inject-from" });
    const srcPort = input({
      type: "number",
      name: "inject-src-port",
      value: 40000,
      min: 1,
      max: 65535,
    });
    const dstPort = input({
      type: "number",
      name: "inject-dst-port",
      value: 80,
      min: 1,
      max: 65535,
    });
    const seq = input({ type: "number", name: "inject-seq", value: 0, min: 0, max: SEQ_MAX });
    const ack = input({ type: "number", name: "inject-ack", value: 0, min: 0, max: SEQ_MAX });
    const win = input({ type: "number", name: "inject-window", value: 65535, min: 0, max: 65535 });
    const body = input({ type: "text", name: "inject-text", value: "" });
    const flags = FLAG_ORDER.map((f) => ({
      f,
      cb: input({ type: "checkbox", name: `inject-flag-${f}` }),
    }));
    flags.find((x) => x.f === "RST")!.cb.checked = true;
    return h(
      "section",
      { class: "panel inject" },
      ui.text("panel.inject", "h2"),
      h(
        "div",
        { class: "row" },
        ui.label("ctl.from", from),
        ui.label("ctl.localPort", srcPort),
        ui.label("ctl.remotePort", dstPort),
        ui.label("inject.seq", seq),
        ui.label("inject.ack", ack),
        ui.label("inject.window", win),
      ),
      h(
        "fieldset",
        { class: "row flags" },
        ui.text("fault.flags", "legend"),
        ...flags.map((x) => h("label", { class: "check" }, x.cb, x.f)),
      ),
      h(
        "div",
        { class: "row" },
        ui.label("ctl.text", body),
        ui.button(
          "inject.send",
          () => {
            const values = [
              this.num(srcPort, "ctl.localPort"),
              this.num(dstPort, "ctl.remotePort"),
              this.num(seq, "inject.seq"),
              this.num(ack, "inject.ack"),
              this.num(win, "inject.window"),
            ];
            if (values.some((v) => v === null || v === undefined)) return;
            const [sp, dp, sq, ak, w] = values as number[];
            void c.run(() =>
              c.api.inject(c.lab, c.token, {
                from: from.value as Host,
                srcPort: sp,
                dstPort: dp,
                seq: sq,
                ack: ak,
                window: w,
                flags: flags.filter((x) => x.cb.checked).map((x) => x.f),
                text: body.value || undefined,
              }),
            );
          },
          { name: "inject" },
        ),
      ),
    );
  }

  private scenarioPanel(): HTMLElement {
    return h(
      "section",
      { class: "panel scenario" },
      this.ui.text("panel.scenario", "h2"),
      this.scenarioBox,
    );
  }

  setScenarios(list: ScenarioInfo[]): void {
    const { c, ui } = this;
    this.scenarios = list;
    const prev = this.scenarioBox.querySelector("select")?.value;
    clear(this.scenarioBox);
    if (!list.length) {
      this.scenarioBox.append(ui.text("scenario.none", "p", { class: "hint" }));
      return;
    }
    const pick = select(
      list.map((s) => [s.name, s.title] as [string, string]),
      { name: "scenario", id: "ctl-scenario" },
    );
    if (prev && list.some((s) => s.name === prev)) pick.value = prev;
    const params = h("div", { class: "row params" });
    const desc = h("p", { class: "hint" });
    const inputs = new Map<string, { el: HTMLInputElement; label: string }>();
    const fill = () => {
      clear(params);
      inputs.clear();
      const s = list.find((x) => x.name === pick.value)!;
      desc.textContent = s.description;
      for (const p of s.params) {
        const [min, max] =
          p.type === "seq" ? [0, SEQ_MAX] : p.type === "port" ? [1, 65535] : [p.min, p.max];
        const el = input({
          name: `param-${p.name}`,
          type: "number",
          value: p.defaultValue == null ? "" : String(p.defaultValue),
          title: p.name,
          ...(min !== undefined ? { min } : {}),
          ...(max !== undefined ? { max } : {}),
        });
        // The server describes each parameter in the page's language; its name is on hover.
        const label = p.description || p.name;
        inputs.set(p.name, { el, label });
        params.append(h("label", {}, h("span", {}, label), el));
      }
    };
    pick.addEventListener("change", fill);
    fill();
    this.scenarioBox.append(
      h(
        "div",
        { class: "row" },
        h("label", {}, h("span", {}, ui.t("scenario.pick")), pick),
        ui.button(
          "scenario.run",
          () => {
            const body: Record<string, unknown> = {};
            for (const [k, { el, label }] of inputs) {
              const v = checkedNumber(ui, el, label, c.report, false);
              if (v === null) return;
              if (v !== undefined) body[k] = v;
            }
            void c.run(() => c.api.runScenario(c.lab, c.token, pick.value, body));
          },
          { name: "run-scenario" },
        ),
      ),
      desc,
      params,
    );
  }

  setSnapshot(s: LabSnapshot): void {
    const { ui } = this;
    this.snapshot = s;
    const prev = this.connSelect.value;
    clear(this.connSelect);
    for (const conn of s.connections) {
      const st = [conn.client?.state, conn.server?.state].map((x) => x ?? "-").join(" / ");
      this.connSelect.append(h("option", { value: conn.id }, `${conn.id}: ${st}`));
    }
    if (prev && s.connections.some((x) => x.id === prev)) this.connSelect.value = prev;
    this.speedRow.hidden = s.clock !== "realtime";
    this.clockPaused = s.paused;
    this.linkInfo.textContent = ui.t("ctl.linkInfo", {
      mode: ui.i18n.tOr(`mode.${s.mode}`, s.mode),
      clock: ui.i18n.tOr(`clock.${s.clock}`, s.clock),
      scale: s.clock === "realtime" ? ` ×${s.timeScale}` : "",
      latency: s.latencyMs,
    });
    clear(this.faultList);
    if (!s.faults.length) this.faultList.append(h("li", { class: "hint" }, ui.t("fault.none")));
    for (const f of s.faults) {
      this.faultList.append(
        h(
          "li",
          { "data-fault-id": f.id },
          `#${f.id} ${ui.i18n.tOr(`faultDirection.${f.direction}`, f.direction)} ${ui.i18n.tOr(`faultAction.${f.action}`, f.action)} ${f.summary} `,
          ui.button(
            "fault.delete",
            () => void this.c.run(() => this.c.api.deleteFault(this.c.lab, this.c.token, f.id)),
          ),
        ),
      );
    }
    this.updateDisabled();
  }

  /** What cannot be done in the lab as it is, disabled with the reason on hover. */
  private updateDisabled(): void {
    const { ui } = this;
    const s = this.snapshot;
    const noConn = !s || s.connections.length === 0;
    for (const b of this.connButtons) ui.disable(b, noConn ? "ctl.why.noConnection" : null);
    ui.disable(this.advance, s && s.clock !== "step" ? "ctl.why.notStepClock" : null);
    const port = numberOrUndefined(this.listenPort);
    const listening = s?.hosts
      .find((x) => x.name === this.listenHost.value)
      ?.listeners.includes(port ?? -1);
    ui.disable(this.listen, listening ? "ctl.why.alreadyListening" : null);
  }
}
