// The printable handout (`/labs/{lab}/handout`): the server renders the title block and the
// headings; this draws the rest with the lab page's own modules (model, layout, items, narration,
// inspector, verdict), in a print layout: the diagram cut into bands between arrows so a page
// break never splits one. `data-status` on the root says "ready" once everything is drawn, so a
// script (or a person) prints only then.

import { LabApi } from "../api/rest";
import { I18n, pickLocale } from "../i18n";
import { DiagramBuilder, type Arrow } from "../model/diagram";
import type { Host, LabSnapshot } from "../model/events";
import { SequenceLayout, TAG_TEXT, type ArrowTag } from "../layout/sequence";
import { diagramBands } from "../layout/bands";
import { defs } from "../render/items";
import { h, svg } from "../render/dom";
import { setSelected } from "../render/diagram";
import { bandSvg } from "../features/export";
import { narrationList } from "../features/narration";
import { Inspector } from "../features/inspector";
import { VerdictPanel } from "../features/verdict";
import { dropReason } from "../features/table";
import { readSettings, type Settings } from "./settings";
import { textMeasure } from "./lab-page";

/** Printable width at 96 px/in inside the stylesheet's margins (14 mm a side). */
const PAPER_WIDTH = { a4: 688, letter: 710 };
/** A band's body at most this tall, so a band and its heads fit a page's height with room to spare. */
const PAPER_BAND = { a4: 820, letter: 760 };

export function startHandout(root: HTMLElement): void {
  const settings = readSettings(document, location);
  const i18n = new I18n(pickLocale({ serverDefault: settings.defaultLocale }));
  const api = new LabApi(settings.apiBase, () => i18n.locale);
  const part = (name: string) => root.querySelector(`[data-handout="${name}"]`) as HTMLElement;
  root.querySelector("[data-print]")?.addEventListener("click", () => window.print());
  draw(root, settings, i18n, api, part).then(
    () => {
      part("status").hidden = true;
      root.dataset.status = "ready";
    },
    (e: unknown) => {
      part("status").textContent = e instanceof Error ? e.message : String(e);
      root.dataset.status = "error";
    },
  );
}

async function draw(
  root: HTMLElement,
  settings: Settings,
  i18n: I18n,
  api: LabApi,
  part: (name: string) => HTMLElement,
): Promise<void> {
  const lab = settings.labId ?? "";
  const paper = settings.handout?.paper ?? "a4";
  const [snapshot, events] = await Promise.all([api.snapshot(lab), api.eventsAfter(lab, 0)]);
  const builder = new DiagramBuilder();
  for (const e of events) builder.add(e);
  const m = builder.model;
  // As the lab page shows a scenario: absolute numbers, which its narration speaks of.
  const numbering = m.narration.length || snapshot.scenario ? "absolute" : "relative";
  const measure = textMeasure(12);
  const width = Math.max(300, Math.min(PAPER_WIDTH[paper], part("diagram").clientWidth || 9999));
  const layout = new SequenceLayout({
    measure,
    fontSize: 12,
    numbering,
    compressIdle: true,
    pxPerMs: 4,
    width,
    tagText: (t: ArrowTag) => i18n.tOr(`tag.short.${t}`, TAG_TEXT[t]),
    reasonText: (r) => dropReason(r, i18n),
  });
  layout.extend(m, m.events.length, undefined);

  const diagram = part("diagram");
  if (!m.arrows.length) diagram.append(h("p", { class: "hint" }, i18n.t("handout.empty")));
  else {
    const bands = diagramBands(layout.items(), layout.geo.head, layout.height, PAPER_BAND[paper]);
    const hosts = heads(snapshot, i18n);
    diagram.append(
      // One set of arrowhead markers for every band.
      svg("svg", { class: "handout-defs", width: 0, height: 0, "aria-hidden": "true" }, defs()),
      ...bands.map((b, i) =>
        h(
          "figure",
          { class: "handout-band-block", "data-band": i + 1 },
          bandSvg(
            layout,
            b,
            hosts,
            bands.length > 1
              ? i18n.t("handout.part", { n: i + 1, total: bands.length })
              : i18n.t("diagram.title"),
            i18n,
            measure,
          ),
        ),
      ),
    );
  }

  const steps = builder.narrationUpTo(m.events.length);
  if (steps.length) {
    part("narration").append(narrationList(steps, i18n));
    part("narration-section").hidden = false;
  }

  const chosen = chooseSegment(m.arrows, settings.handout?.segment ?? 0);
  if (chosen) {
    const segment = part("segment");
    if (chosen.missing)
      segment.append(
        h(
          "p",
          { class: "hint", "data-missing-segment": chosen.missing },
          i18n.t("handout.noSegment", { id: chosen.missing, shown: chosen.arrow.segmentId }),
        ),
      );
    // The segment shown is marked in the diagram as the lab page marks a selected one.
    const drawnArrow = diagram.querySelector(`[data-arrow="${m.arrows.indexOf(chosen.arrow)}"]`);
    if (drawnArrow) setSelected(drawnArrow, true);
    const inspector = new Inspector(i18n);
    inspector.show(chosen.arrow, m, numbering);
    inspector.root.dataset.eventId = String(chosen.arrow.eventId);
    segment.append(inspector.root, h("p", { class: "hint screen-only" }, i18n.t("handout.choose")));
    part("segment-section").hidden = false;
    // On screen, an arrow chooses the segment shown (the same page with `segment` set).
    diagram.addEventListener("click", (e) => {
      const g = (e.target as Element).closest("[data-arrow]");
      const a = g ? m.arrows[Number(g.getAttribute("data-arrow"))] : undefined;
      if (!a) return;
      const url = new URL(location.href);
      url.searchParams.set("segment", String(a.eventId));
      location.assign(url.toString());
    });
  }

  const s = snapshot.scenario;
  if (s?.verdict) {
    const verdict = new VerdictPanel(i18n);
    const title =
      root.querySelector(".handout-scenario")?.textContent ??
      i18n.tOr(`verdict.title.${s.name}`, s.title || s.name);
    verdict.show({
      title,
      verdict: s.verdict,
      shownUpTo: m.events.at(-1)?.id ?? 0,
      final: !s.running && !builder.anythingDue(),
    });
    part("verdict").append(verdict.root);
    part("verdict-section").hidden = false;
  }
}

/** The asked segment (by its send event's id), else the first SYN-ACK, else the first segment. */
function chooseSegment(
  arrows: Arrow[],
  eventId: number,
): { arrow: Arrow; missing?: number } | null {
  if (!arrows.length) return null;
  const asked = eventId ? arrows.find((a) => a.eventId === eventId) : undefined;
  if (asked) return { arrow: asked };
  const synAck = arrows.find(
    (a) => a.segment.flags.includes("SYN") && a.segment.flags.includes("ACK"),
  );
  return { arrow: synAck ?? arrows[0], ...(eventId ? { missing: eventId } : {}) };
}

function heads(s: LabSnapshot, i18n: I18n): Record<Host, string[]> {
  const texts = (n: Host) => {
    const ip = s.hosts.find((x) => x.name === n)?.ip ?? "";
    const name = i18n.host(n);
    return ip ? [`${name} ${ip}`, name] : [name];
  };
  return { client: texts("client"), server: texts("server") };
}
