// Driving the lab: only rendered for the browser that holds the lab's token. Every action goes
// through `run`, which shows the server's problem `detail` when a request fails.

import type { LabApi } from "../api/rest";
import type { FaultRequest } from "../api/decode";
import type { Flag, Host, LabSnapshot, ScenarioInfo } from "../model/events";
import { FLAG_ORDER } from "../model/events";
import { clear, h } from "../render/dom";
import { button, input, label, numberOrUndefined, select, text } from "./forms";

export interface ControlContext {
  api: LabApi;
  lab: string;
  token: string;
  run: (what: () => Promise<unknown>) => Promise<void>;
}

const HOSTS: Host[] = ["client", "server"];

export class Controls {
  readonly root: HTMLElement;
  private readonly connSelect = select([], { name: "connection" });
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
  private clockPaused = false;

  constructor(private readonly c: ControlContext) {
    this.speed.addEventListener("change", () => {
      const scale = 2 ** Number(this.speed.value);
      this.speedOut.textContent = `${scale}×`;
      void c.run(() => c.api.setClock(c.lab, c.token, { timeScale: scale }));
    });
    this.speed.addEventListener(
      "input",
      () => (this.speedOut.textContent = `${2 ** Number(this.speed.value)}×`),
    );
    const pauseClock = button(
      "ctl.pauseClock",
      () => void c.run(() => c.api.setClock(c.lab, c.token, { paused: !this.clockPaused })),
      { name: "pause-clock" },
    );
    this.speedRow = h(
      "span",
      { class: "speed" },
      label("ctl.speed", this.speed, this.speedOut),
      pauseClock,
    );
    this.root = h(
      "div",
      { class: "controls", "data-role": "controls" },
      this.drivePanel(),
      this.scenarioPanel(),
      this.faultPanel(),
      this.injectPanel(),
    );
  }

  private drivePanel(): HTMLElement {
    const c = this.c;
    const lHost = select(HOSTS, { name: "listen-host" });
    lHost.value = "server";
    const lPort = input({ type: "number", name: "listen-port", value: 80, min: 1, max: 65535 });
    const from = select(HOSTS, { name: "connect-from" });
    const localPort = input({
      type: "number",
      name: "local-port",
      placeholder: "auto",
      min: 1,
      max: 65535,
    });
    const remotePort = input({
      type: "number",
      name: "remote-port",
      value: 80,
      min: 1,
      max: 65535,
    });
    const isn = input({ type: "number", name: "isn", placeholder: "random", min: 0 });
    const peerIsn = input({ type: "number", name: "peer-isn", placeholder: "random", min: 0 });
    const side = select(HOSTS, { name: "side" });
    const payload = input({ type: "text", name: "text", value: "hello" });
    const crashHost = select(HOSTS, { name: "crash-host" });
    const loss = input({ type: "number", name: "loss", min: 0, max: 100, step: 1, value: 10 });
    const latency = input({
      type: "number",
      name: "latency",
      min: 0,
      max: 600000,
      step: 1,
      value: 10,
    });
    const advanceMs = input({ type: "number", name: "advance-ms", value: 100, min: 1 });
    const conn = () => this.connSelect.value;
    return h(
      "section",
      { class: "panel drive" },
      text("panel.controls", "h2"),
      this.linkInfo,
      h(
        "div",
        { class: "row" },
        label("ctl.host", lHost),
        label("ctl.port", lPort),
        button(
          "ctl.listen",
          () =>
            void c.run(() =>
              c.api.listen(c.lab, c.token, lHost.value as Host, Number(lPort.value)),
            ),
          { name: "listen" },
        ),
      ),
      h(
        "div",
        { class: "row" },
        label("ctl.from", from),
        label("ctl.localPort", localPort),
        label("ctl.remotePort", remotePort),
        label("ctl.isn", isn),
        label("ctl.peerIsn", peerIsn),
        button(
          "ctl.connect",
          () =>
            void c.run(() =>
              c.api.connect(c.lab, c.token, {
                from: from.value as Host,
                localPort: numberOrUndefined(localPort),
                remotePort: Number(remotePort.value),
                isn: numberOrUndefined(isn),
                peerIsn: numberOrUndefined(peerIsn),
              }),
            ),
          { name: "connect" },
        ),
      ),
      h(
        "div",
        { class: "row" },
        label("ctl.connection", this.connSelect),
        label("ctl.side", side),
        label("ctl.text", payload),
        button(
          "ctl.send",
          () =>
            void c.run(() => c.api.send(c.lab, c.token, conn(), side.value as Host, payload.value)),
          { name: "send" },
        ),
        button(
          "ctl.close",
          () => void c.run(() => c.api.close(c.lab, c.token, conn(), side.value as Host)),
          { name: "close" },
        ),
        button(
          "ctl.abort",
          () => void c.run(() => c.api.abort(c.lab, c.token, conn(), side.value as Host)),
          { name: "abort" },
        ),
      ),
      h(
        "div",
        { class: "row" },
        label("ctl.host", crashHost),
        button(
          "ctl.crash",
          () => void c.run(() => c.api.crash(c.lab, c.token, crashHost.value as Host)),
          { name: "crash" },
        ),
        label("ctl.loss", loss),
        button(
          "ctl.applyLoss",
          () =>
            void c.run(() =>
              c.api.addFault(c.lab, c.token, {
                direction: "both",
                flags: [],
                onlyFlags: false,
                probability: Number(loss.value) / 100,
                action: "drop",
              }),
            ),
          { name: "loss" },
        ),
        label("ctl.latency", latency),
        button(
          "ctl.applyLatency",
          () =>
            void c.run(() => c.api.setLink(c.lab, c.token, { latencyMs: Number(latency.value) })),
          { name: "latency" },
        ),
      ),
      h(
        "div",
        { class: "row" },
        this.speedRow,
        input({ type: "hidden" }),
        label("ctl.advance", advanceMs),
        button(
          "ctl.advance",
          () => void c.run(() => c.api.advance(c.lab, c.token, Number(advanceMs.value))),
          { name: "advance" },
        ),
      ),
    );
  }

  private faultPanel(): HTMLElement {
    const c = this.c;
    const dir = select(["client-to-server", "server-to-client", "both"], {
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
    const action = select(["drop", "delay", "duplicate", "reorder", "corrupt"], {
      name: "fault-action",
    });
    const delay = input({ type: "number", name: "fault-delay", min: 0, placeholder: "ms" });
    const add = (f: FaultRequest) => c.run(() => c.api.addFault(c.lab, c.token, f));
    return h(
      "section",
      { class: "panel faults" },
      text("panel.faults", "h2"),
      h(
        "div",
        { class: "row" },
        button(
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
        label("fault.direction", dir),
        label("fault.action", action),
        label("fault.delay", delay),
      ),
      h(
        "div",
        { class: "row flags" },
        text("fault.flags"),
        ...flagBoxes.map((x) => x.el),
        h("label", { class: "check" }, only, text("fault.only")),
      ),
      h(
        "div",
        { class: "row" },
        label("fault.nth", nth),
        label("fault.count", count),
        label("fault.probability", prob),
        button(
          "fault.add",
          () =>
            void add({
              direction: dir.value as FaultRequest["direction"],
              flags: flagBoxes.filter((x) => x.cb.checked).map((x) => x.f as Flag),
              onlyFlags: only.checked,
              nth: numberOrUndefined(nth),
              count: numberOrUndefined(count),
              probability: numberOrUndefined(prob),
              action: action.value,
              delayMs: numberOrUndefined(delay),
            }),
          { name: "add-fault" },
        ),
      ),
      this.faultList,
    );
  }

  private injectPanel(): HTMLElement {
    const c = this.c;
    const from = select(HOSTS, { name: "inject-from" });
    const srcPort = input({ type: "number", name: "inject-src-port", value: 40000 });
    const dstPort = input({ type: "number", name: "inject-dst-port", value: 80 });
    const seq = input({ type: "number", name: "inject-seq", value: 0, min: 0 });
    const ack = input({ type: "number", name: "inject-ack", value: 0, min: 0 });
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
      text("panel.inject", "h2"),
      h(
        "div",
        { class: "row" },
        label("ctl.from", from),
        label("ctl.localPort", srcPort),
        label("ctl.remotePort", dstPort),
        label("inject.seq", seq),
        label("inject.ack", ack),
        label("inject.window", win),
      ),
      h(
        "div",
        { class: "row flags" },
        ...flags.map((x) => h("label", { class: "check" }, x.cb, x.f)),
        label("ctl.text", body),
        button(
          "inject.send",
          () =>
            void c.run(() =>
              c.api.inject(c.lab, c.token, {
                from: from.value as Host,
                srcPort: Number(srcPort.value),
                dstPort: Number(dstPort.value),
                seq: Number(seq.value),
                ack: Number(ack.value),
                window: Number(win.value),
                flags: flags.filter((x) => x.cb.checked).map((x) => x.f),
                text: body.value || undefined,
              }),
            ),
          { name: "inject" },
        ),
      ),
    );
  }

  private scenarioPanel(): HTMLElement {
    return h(
      "section",
      { class: "panel scenario" },
      text("panel.scenario", "h2"),
      this.scenarioBox,
    );
  }

  setScenarios(list: ScenarioInfo[], t: (k: string) => string): void {
    const c = this.c;
    clear(this.scenarioBox);
    if (!list.length) {
      this.scenarioBox.append(h("p", { class: "hint" }, t("scenario.none")));
      return;
    }
    const pick = select(
      list.map((s) => [s.name, s.title] as [string, string]),
      { name: "scenario" },
    );
    const params = h("div", { class: "row params" });
    const desc = h("p", { class: "hint" });
    const inputs = new Map<string, HTMLInputElement>();
    const fill = () => {
      clear(params);
      inputs.clear();
      const s = list.find((x) => x.name === pick.value)!;
      desc.textContent = s.description;
      for (const p of s.params) {
        const el = input({
          name: `param-${p.name}`,
          type:
            p.type === "int" ||
            p.type === "long" ||
            p.type === "number" ||
            typeof p.defaultValue === "number"
              ? "number"
              : "text",
          value: p.defaultValue == null ? "" : String(p.defaultValue),
          title: p.description,
        });
        inputs.set(p.name, el);
        params.append(h("label", {}, h("span", {}, p.name), el));
      }
    };
    pick.addEventListener("change", fill);
    fill();
    this.scenarioBox.append(
      h(
        "div",
        { class: "row" },
        pick,
        button(
          "scenario.run",
          () => {
            const body: Record<string, unknown> = {};
            for (const [k, el] of inputs)
              if (el.value !== "") body[k] = el.type === "number" ? Number(el.value) : el.value;
            void c.run(() => c.api.runScenario(c.lab, c.token, pick.value, body));
          },
          { name: "run-scenario" },
        ),
      ),
      desc,
      params,
    );
  }

  setSnapshot(s: LabSnapshot, t: (k: string) => string): void {
    const prev = this.connSelect.value;
    clear(this.connSelect);
    for (const conn of s.connections) {
      const st = [conn.client?.state, conn.server?.state].map((x) => x ?? "-").join(" / ");
      this.connSelect.append(h("option", { value: conn.id }, `${conn.id}: ${st}`));
    }
    if (prev && s.connections.some((c) => c.id === prev)) this.connSelect.value = prev;
    this.speedRow.hidden = s.clock !== "realtime";
    this.clockPaused = s.paused;
    this.linkInfo.textContent = `${s.mode} · ${s.clock}${s.clock === "realtime" ? ` ×${s.timeScale}` : ""} · link ${s.latencyMs} ms`;
    clear(this.faultList);
    if (!s.faults.length) this.faultList.append(h("li", { class: "hint" }, t("fault.none")));
    for (const f of s.faults) {
      this.faultList.append(
        h(
          "li",
          { "data-fault-id": f.id },
          `#${f.id} ${f.direction} ${f.action} ${f.summary} `,
          button(
            "fault.delete",
            () => void this.c.run(() => this.c.api.deleteFault(this.c.lab, this.c.token, f.id)),
          ),
        ),
      );
    }
  }
}
