// The bar above the diagram: playback (live, pause, step by segment or by event, replay at a
// speed, the scrubber) and the view (numbering, idle compression, zoom, projector mode).

import type { Numbering } from "../model/numbering";
import { h } from "../render/dom";
import { Ui, input } from "./forms";
import { SPEEDS, type Playback } from "./playback";

export interface ViewOptions {
  numbering: Numbering;
  compress: boolean;
  zoom: number;
}

export class PlayBar {
  readonly root: HTMLElement;
  readonly scrub = input({ type: "range", min: 0, max: 0, value: 0, name: "scrub", id: "scrub" });
  private readonly position = h("span", { class: "position", "aria-live": "off" });
  readonly numbering: HTMLSelectElement;
  private readonly compress = input({ type: "checkbox", name: "compress", checked: "checked" });
  private readonly zoom = input({
    type: "range",
    name: "zoom",
    id: "zoom",
    min: 0.25,
    max: 12,
    step: 0.25,
    value: 3,
  });
  readonly projector: HTMLButtonElement;
  private numberingChosen = false;

  constructor(
    private readonly ui: Ui,
    p: Playback,
    onView: () => void,
    onProjector: () => void,
  ) {
    const speed = ui.select(
      SPEEDS.map((s) => String(s)),
      "play.speed.",
      { name: "speed", id: "replay-speed" },
    );
    speed.value = "1";
    speed.addEventListener("change", () => p.setSpeed(Number(speed.value)));
    this.numbering = ui.select(["absolute", "relative", "both"], "numbering.", {
      name: "numbering",
      id: "numbering",
    });
    this.numbering.value = "relative";
    this.numbering.addEventListener("change", () => {
      this.numberingChosen = true;
      onView();
    });
    for (const el of [this.compress, this.zoom]) el.addEventListener("input", onView);
    this.scrub.addEventListener("input", () => p.scrub(Number(this.scrub.value)));
    this.projector = ui.button("view.projector", onProjector, {
      name: "projector",
      "aria-pressed": "false",
      "aria-keyshortcuts": "p",
      "data-i18n-title": "view.projectorHint",
      title: ui.t("view.projectorHint"),
    });
    this.root = h(
      "div",
      {
        class: "playback",
        role: "toolbar",
        "data-i18n-aria": "panel.playback",
        "aria-label": ui.t("panel.playback"),
      },
      h(
        "div",
        { class: "play-row" },
        ui.button("play.resume", () => p.live(), { name: "live" }),
        ui.button("play.pause", () => p.pause(), { name: "pause" }),
        ui.button("play.stepBack", () => p.step(-1), {
          name: "step-back",
          "data-i18n-title": "play.stepBackHint",
          title: ui.t("play.stepBackHint"),
        }),
        ui.button("play.step", () => p.step(1), {
          name: "step",
          "data-i18n-title": "play.stepHint",
          title: ui.t("play.stepHint"),
        }),
        ui.button("play.eventBack", () => p.stepEvent(-1), {
          name: "step-event-back",
          "data-i18n-title": "play.eventBackHint",
          title: ui.t("play.eventBackHint"),
        }),
        ui.button("play.event", () => p.stepEvent(1), {
          name: "step-event",
          "data-i18n-title": "play.eventHint",
          title: ui.t("play.eventHint"),
        }),
        ui.button("play.replay", () => p.replay(), { name: "replay" }),
        ui.label("play.speed", speed),
      ),
      h(
        "div",
        { class: "play-row" },
        h(
          "label",
          { for: "scrub", class: "sr-only", "data-i18n": "play.scrub" },
          ui.t("play.scrub"),
        ),
        this.scrub,
        this.position,
      ),
      h(
        "div",
        { class: "play-row view-opts" },
        ui.label("view.numbering", this.numbering),
        ui.check("view.compress", this.compress),
        ui.label("view.zoom", this.zoom),
        this.projector,
      ),
    );
  }

  /** The default numbering until the user picks one: absolute in scenario labs, whose narration speaks in absolute numbers. */
  suggestNumbering(n: Numbering): boolean {
    if (this.numberingChosen || this.numbering.value === n) return false;
    this.numbering.value = n;
    return true;
  }

  view(): ViewOptions {
    return {
      numbering: this.numbering.value as Numbering,
      compress: this.compress.checked,
      zoom: Number(this.zoom.value),
    };
  }

  show(mode: string, limit: number, total: number): void {
    this.root.dataset.mode = mode;
    this.scrub.max = String(total);
    this.scrub.value = String(limit);
    this.scrub.setAttribute("aria-valuetext", this.ui.t("play.position", { n: limit, total }));
    this.position.textContent = this.ui.t("play.position", { n: limit, total });
  }
}
