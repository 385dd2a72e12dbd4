// The start page: where to begin (the scenario library, grouped as a course runs: the handshake,
// why it takes three segments, loss, closing, attacks, with companions side by side), a lab of
// one's own, a capture of one's own (upload, or the Linux recordings), and opening a lab by id.

import type { LabApi } from "../api/rest";
import { CaptureApi } from "../api/captures";
import type { ScenarioInfo } from "../model/events";
import { clear, h } from "../render/dom";
import { input } from "../features/forms";
import { capturePanels } from "../features/capture-upload";
import { openOwnLab, type Settings } from "./settings";
import type { Shell } from "./shell";

export const GROUPS = ["handshake", "why-three", "loss", "closing", "attacks"] as const;

/** Scenarios by group in course order (unknown groups last), each in the server's order. */
export function groupScenarios(
  list: ScenarioInfo[],
): { group: string; scenarios: ScenarioInfo[] }[] {
  const order = (g: string) => {
    const i = (GROUPS as readonly string[]).indexOf(g);
    return i < 0 ? GROUPS.length : i;
  };
  const groups = new Map<string, ScenarioInfo[]>();
  for (const s of list) {
    const g = groups.get(s.group);
    if (g) g.push(s);
    else groups.set(s.group, [s]);
  }
  return [...groups.entries()]
    .sort((a, b) => order(a[0]) - order(b[0]))
    .map(([group, scenarios]) => ({ group, scenarios }));
}

export class StartPage {
  constructor(shell: Shell, settings: Settings, api: LabApi) {
    const ui = shell.ui;
    const i18n = shell.i18n;
    const sim = input({ type: "radio", name: "mode", value: "sim", checked: "checked" });
    const tap = input({ type: "radio", name: "mode", value: "tap" });
    tap.disabled = !settings.tapAvailable;
    const tapNote = h("p", { class: "hint tap-reason", id: "tap-reason" });
    const setTapNote = () => {
      tapNote.textContent = settings.tapAvailable
        ? ""
        : i18n.t("start.tapUnavailable", {
            reason: settings.tapReason.includes("tcplab.tap.enabled=false")
              ? i18n.t("start.tapDisabled")
              : settings.tapReason || "-",
          });
      tapNote.title = settings.tapReason;
    };
    if (!settings.tapAvailable) tap.setAttribute("aria-describedby", "tap-reason");
    setTapNote();
    i18n.onChange(setTapNote);
    const seed = input({
      type: "number",
      name: "seed",
      id: "start-seed",
      "data-i18n-placeholder": "start.random",
    });
    seed.placeholder = i18n.t("start.random");
    const clock = ui.select(["instant", "realtime", "step"], "clock.", { name: "clock" });
    const latency = input({ type: "number", name: "latency", value: 10, min: 0, max: 600000 });
    const openId = input({ type: "text", name: "open-id", id: "open-id" });

    const library = h("div", { class: "library" });
    const showScenarios = () =>
      void shell.run(async () => {
        const list = await api.scenarios();
        clear(library);
        let first = true;
        for (const { group, scenarios } of groupScenarios(list)) {
          const ul = h("ul", { class: "scenario-list" });
          for (const s of scenarios) {
            const start = first;
            first = false;
            ul.append(
              h(
                "li",
                { "data-scenario": s.name, class: start ? "begin-here" : undefined },
                h("h4", {}, s.title),
                start ? h("p", { class: "badge-start" }, i18n.t("start.beginHere")) : null,
                h("p", { class: "hint" }, s.description),
                h(
                  "button",
                  {
                    type: "button",
                    name: `start-scenario-${s.name}`,
                    "aria-label": i18n.t("start.runNamed", { title: s.title }),
                  },
                  i18n.t("start.runScenario"),
                ),
                s.companion
                  ? h(
                      "button",
                      {
                        type: "button",
                        name: `compare-scenario-${s.name}`,
                        "data-compare": s.companion,
                      },
                      i18n.t("start.compare", {
                        title: list.find((x) => x.name === s.companion)?.title ?? s.companion,
                      }),
                    )
                  : null,
              ),
            );
            ul.lastElementChild!.querySelector("[data-compare]")?.addEventListener(
              "click",
              () =>
                void shell.run(async () => {
                  const a = await api.createScenarioLab(s.name);
                  const b = await api.createScenarioLab(s.companion!);
                  location.assign(
                    `/compare/${encodeURIComponent(a.id)}/${encodeURIComponent(b.id)}`,
                  );
                }),
            );
            ul.lastElementChild!.querySelector("button")!.addEventListener(
              "click",
              () =>
                void shell.run(async () =>
                  openOwnLab(
                    await api.createScenarioLab(s.name),
                    settings.basePath,
                    location,
                    localStorage,
                  ),
                ),
            );
          }
          library.append(
            h(
              "section",
              { class: "group", "data-group": group },
              h("h3", {}, i18n.tOr(`group.${group}`, group)),
              h("p", { class: "hint" }, i18n.tOr(`group.${group}.intro`, "")),
              ul,
            ),
          );
        }
      });
    showScenarios();
    i18n.onChange(showScenarios);
    shell.main.classList.add("start-page");
    shell.main.append(
      h(
        "section",
        { class: "panel scenarios", "aria-labelledby": "library-h" },
        ui.text("start.scenarios", "h2", { id: "library-h" }),
        ui.text("start.intro", "p", { class: "intro" }),
        library,
      ),
      h(
        "section",
        { class: "panel start", "aria-labelledby": "own-h" },
        ui.text("start.title", "h2", { id: "own-h" }),
        h(
          "fieldset",
          { class: "row" },
          ui.text("start.mode", "legend"),
          ui.check("start.sim", sim),
          ui.check("start.tap", tap),
          tapNote,
        ),
        h(
          "div",
          { class: "row" },
          ui.label("start.seed", seed),
          ui.label("start.clock", clock),
          ui.label("start.latency", latency),
        ),
        ui.button(
          "start.create",
          () =>
            void shell.run(async () => {
              const lab = await api.createLab({
                mode: tap.checked ? "tap" : "sim",
                seed: seed.value ? Number(seed.value) : undefined,
                clock: clock.value as "instant",
                latencyMs: latency.value ? Number(latency.value) : undefined,
              });
              openOwnLab(lab, settings.basePath, location, localStorage);
            }),
          { name: "create-lab" },
        ),
      ),
      ...capturePanels({
        api: new CaptureApi(settings.apiBase, () => i18n.locale),
        ui,
        run: (w) => shell.run(w),
        storage: localStorage,
      }),
      h(
        "section",
        { class: "panel open", "aria-labelledby": "open-h" },
        ui.text("start.open", "h2", { id: "open-h" }),
        h(
          "div",
          { class: "row" },
          h(
            "label",
            { for: "open-id", class: "sr-only", "data-i18n": "start.openId" },
            i18n.t("start.openId"),
          ),
          openId,
          ui.button("start.openButton", () => {
            if (openId.value.trim())
              location.assign(
                `${settings.basePath}/labs/${encodeURIComponent(openId.value.trim())}`,
              );
          }),
        ),
      ),
    );
  }
}
