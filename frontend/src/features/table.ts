// The event list, like Wireshark's packet list: one row per event, synchronised with the diagram
// (click a row to select the segment), filterable by words that must all appear in the row.
// Virtualised: fixed-height rows, only the visible ones in the DOM.

import type { DiagramModel } from "../model/diagram";
import type { LabEvent } from "../model/events";
import { segmentLabel } from "../model/format";
import { formatMs } from "../layout/sequence";
import { I18n } from "../i18n";
import { clear, h } from "../render/dom";

const ROW = 22;

type Translate = (key: string, params?: Record<string, string | number>) => string;

/** English without an I18n instance (tests, exports). */
function fallback(key: string, p: Record<string, string | number> = {}): string {
  return new I18n("en").t(key, p);
}

export interface Row {
  eventIndex: number;
  arrowIndex?: number;
  no: number;
  time: string;
  source: string;
  dest: string;
  info: string;
  cls: string;
}

export function eventRows(
  m: DiagramModel,
  relative: boolean,
  limit: number,
  pick: (en: string, zh: string) => string,
  from = 0,
  t: Translate = (k, p) => fallback(k, p),
): Row[] {
  const arrowOf = new Map<number, number>();
  m.arrows.forEach((a, i) => arrowOf.set(a.eventId, i));
  const rows: Row[] = [];
  for (let i = from; i < Math.min(limit, m.events.length); i++) {
    const e = m.events[i];
    const r = describe(e, m, relative, pick, t);
    rows.push({
      eventIndex: i,
      arrowIndex: arrowOf.get(e.id),
      no: e.id,
      time: formatMs(e.time),
      ...r,
    });
  }
  return rows;
}

function describe(
  e: LabEvent,
  m: DiagramModel,
  relative: boolean,
  pick: (en: string, zh: string) => string,
  t: Translate,
) {
  switch (e.kind) {
    case "segmentSent": {
      const tags = [e.retransmission ? "retransmission" : "", e.note ?? ""].filter(Boolean);
      return {
        source: e.from,
        dest: e.to,
        info: `${tags.length ? `[${tags.join(", ")}] ` : ""}${segmentLabel(e.segment, { relative, isns: m.isns })}`,
        cls: `sent${e.retransmission ? " retx" : ""}`,
      };
    }
    case "segmentDelivered":
      return {
        source: "link",
        dest: e.to,
        info: t("row.delivered", { id: e.segmentId }),
        cls: "delivered",
      };
    case "segmentDropped":
      return {
        source: "link",
        dest: e.at ?? "",
        info: t("row.dropped", { id: e.segmentId, reason: e.reason }),
        cls: "dropped",
      };
    case "state":
      return {
        source: e.host,
        dest: "",
        info: `${e.from} → ${e.to}${e.cause ? ` (${e.cause})` : ""}`,
        cls: "state",
      };
    case "timer":
      return {
        source: e.host,
        dest: "",
        info:
          t("row.timer", { timer: t(`timer.${e.timer}`), action: t(`timer.${e.action}`) }) +
          (e.at !== undefined ? ` @ ${formatMs(e.at)}` : ""),
        cls: "timer",
      };
    case "data":
      return {
        source: e.host,
        dest: "",
        info: t("row.data", { bytes: e.bytes, total: e.total }),
        cls: "data",
      };
    case "error":
      return {
        source: e.host ?? "",
        dest: "",
        info: `error ${e.error}: ${e.detail}`,
        cls: "error",
      };
    case "fault":
      return {
        source: "link",
        dest: "",
        info: t("row.fault", { id: e.faultId, action: e.action, seg: e.segmentId }),
        cls: "fault",
      };
    case "narration":
      return { source: "", dest: "", info: `▶ ${e.step}: ${pick(e.en, e.zh)}`, cls: "narration" };
    case "other":
      return { source: "", dest: "", info: `${e.type} ${e.summary}`, cls: "other" };
  }
}

export function filterRows(rows: Row[], filter: string): Row[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return rows;
  return rows.filter((r) => {
    const text = `${r.no} ${r.source} ${r.dest} ${r.info} ${r.cls}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

export class EventTable {
  readonly root: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly rowsEl: HTMLElement;
  private readonly headRow: HTMLElement;
  private rows: Row[] = [];
  private shown: Row[] = [];
  private selectedArrow = -1;
  private followEnd = true;

  constructor(
    private readonly i18n: I18n,
    private readonly onSelect: (arrowIndex: number) => void,
  ) {
    this.input = h("input", { type: "search", class: "filter" });
    this.input.addEventListener("input", () => this.apply());
    this.headRow = h("div", { class: "row head" });
    this.spacer = h("div", { class: "spacer" });
    this.rowsEl = h("div", { class: "rows" });
    this.viewport = h("div", { class: "table-viewport" }, this.spacer, this.rowsEl);
    this.viewport.addEventListener("scroll", () => {
      this.followEnd =
        this.viewport.scrollTop + this.viewport.clientHeight >= this.viewport.scrollHeight - ROW;
      this.paint();
    });
    this.viewport.addEventListener("click", (e) => {
      const r = (e.target as Element).closest("[data-arrow]");
      if (r) this.onSelect(Number(r.getAttribute("data-arrow")));
    });
    this.root = h(
      "section",
      { class: "events panel" },
      h("h2", {}, ""),
      this.input,
      this.headRow,
      this.viewport,
    );
    this.relabel();
  }

  relabel(): void {
    const t = (k: string) => this.i18n.t(k);
    (this.root.querySelector("h2") as HTMLElement).textContent = t("panel.events");
    this.input.placeholder = t("table.filter");
    clear(this.headRow);
    for (const k of ["table.no", "table.time", "table.source", "table.dest", "table.info"])
      this.headRow.append(h("span", {}, t(k)));
  }

  setRows(rows: Row[]): void {
    this.rows = rows;
    this.apply();
  }

  select(arrowIndex: number): void {
    this.selectedArrow = arrowIndex;
    const i = this.shown.findIndex((r) => r.arrowIndex === arrowIndex);
    if (i >= 0) {
      const y = i * ROW;
      if (
        y < this.viewport.scrollTop ||
        y > this.viewport.scrollTop + this.viewport.clientHeight - ROW
      ) {
        this.followEnd = false;
        this.viewport.scrollTop = Math.max(0, y - this.viewport.clientHeight / 2);
      }
    }
    this.paint();
  }

  private apply(): void {
    this.shown = filterRows(this.rows, this.input.value);
    this.spacer.style.height = `${this.shown.length * ROW}px`;
    if (this.followEnd) this.viewport.scrollTop = this.viewport.scrollHeight;
    this.paint();
  }

  private paint(): void {
    clear(this.rowsEl);
    const first = Math.max(0, Math.floor(this.viewport.scrollTop / ROW) - 5);
    const last = Math.min(
      this.shown.length,
      first + Math.ceil(this.viewport.clientHeight / ROW) + 10,
    );
    for (let i = first; i < last; i++) {
      const r = this.shown[i];
      const el = h(
        "div",
        {
          class: `row ${r.cls}${r.arrowIndex !== undefined && r.arrowIndex === this.selectedArrow ? " selected" : ""}`,
          style: `top:${i * ROW}px`,
          "data-event-id": r.no,
          "data-arrow": r.arrowIndex,
        },
        h("span", {}, String(r.no)),
        h("span", {}, r.time),
        h("span", {}, r.source),
        h("span", {}, r.dest),
        h("span", { class: "info" }, r.info),
      );
      this.rowsEl.append(el);
    }
  }
}
