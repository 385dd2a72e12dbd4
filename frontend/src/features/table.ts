// The event list, like Wireshark's packet list: one row per event, synchronised with the diagram
// (click a row, or Enter on it, to select the segment), filterable by words that must all appear
// in the row. A real table (header cells, row indices for screen readers), virtualised: fixed
// row height, only the rows in view in the DOM, spacer rows for the rest.

import type { DiagramModel } from "../model/diagram";
import type { LabEvent } from "../model/events";
import { segmentLabel } from "../model/format";
import type { Numbering } from "../model/numbering";
import { formatMs } from "../layout/sequence";
import type { I18n } from "../i18n";
import { clear, h } from "../render/dom";

const ROW = 24;

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

/** Rows for events [from, to) of the model, in the page's language. */
export function eventRows(
  m: DiagramModel,
  numbering: Numbering,
  i18n: I18n,
  from = 0,
  to = m.events.length,
  arrowOf: (eventId: number) => number | undefined = (id) => {
    const k = m.arrows.findIndex((a) => a.eventId === id);
    return k < 0 ? undefined : k;
  },
): Row[] {
  const rows: Row[] = [];
  for (let i = from; i < Math.min(to, m.events.length); i++) {
    const e = m.events[i];
    const arrowIndex = e.kind === "segmentSent" ? arrowOf(e.id) : undefined;
    rows.push({
      eventIndex: i,
      arrowIndex,
      no: e.id,
      time: formatMs(e.time),
      ...describe(e, m, arrowIndex, numbering, i18n),
    });
  }
  return rows;
}

function describe(
  e: LabEvent,
  m: DiagramModel,
  arrowIndex: number | undefined,
  numbering: Numbering,
  i18n: I18n,
): Pick<Row, "source" | "dest" | "info" | "cls"> {
  const t = (k: string, p?: Record<string, string | number>) => i18n.t(k, p);
  const link = t("table.link");
  switch (e.kind) {
    case "segmentSent": {
      const tags = [
        e.probe ? t("tag.probe") : e.retransmission ? t("tag.retransmission") : "",
        e.note ? i18n.tOr(`tag.${e.note}`, e.note) : "",
      ].filter(Boolean);
      const a = arrowIndex === undefined ? undefined : m.arrows[arrowIndex];
      const label = segmentLabel(e.segment, { numbering, numbers: a?.numbers ?? {} });
      return {
        source: i18n.host(e.from),
        dest: i18n.host(e.to),
        info: `${tags.length ? `[${tags.join(t("list.sep"))}] ` : ""}${label}`,
        cls: `sent${e.retransmission ? " retx" : ""}${e.probe ? " probe" : ""}`,
      };
    }
    case "segmentDelivered":
      return {
        source: link,
        dest: i18n.host(e.to),
        info: t("row.delivered", { id: e.segmentId }),
        cls: "delivered",
      };
    case "segmentDropped":
      return {
        source: link,
        dest: e.at ? i18n.host(e.at) : "",
        info: t("row.dropped", { id: e.segmentId, reason: dropReason(e.reason, i18n) }),
        cls: "dropped",
      };
    case "state":
      return {
        source: i18n.host(e.host),
        dest: "",
        info: `${e.from} → ${e.to}${e.cause ? t("row.cause", { cause: i18n.tOr(`cause.${e.cause}`, e.cause) }) : ""}${
          e.inferred ? t("row.inferred") : ""
        }`,
        cls: "state",
      };
    case "timer":
      return {
        source: i18n.host(e.host),
        dest: "",
        info:
          t("row.timer", { timer: t(`timer.${e.timer}`), action: t(`timer.${e.action}`) }) +
          (e.at !== undefined && e.action === "armed"
            ? t("row.timerAt", { at: formatMs(e.at) })
            : ""),
        cls: "timer",
      };
    case "data":
      return {
        source: i18n.host(e.host),
        dest: "",
        info: t("row.data", { bytes: e.bytes, total: e.total }),
        cls: "data",
      };
    case "error":
      return {
        source: e.host ? i18n.host(e.host) : "",
        dest: "",
        info: t("row.error", { error: i18n.tOr(`error.${e.error}`, e.error), detail: e.detail }),
        cls: "error",
      };
    case "fault":
      return {
        source: link,
        dest: "",
        info: t("row.fault", {
          id: e.faultId,
          action: t(`faultAction.${e.action}`),
          seg: e.segmentId,
        }),
        cls: "fault",
      };
    case "ackSuppressed":
      return {
        source: i18n.host(e.host),
        dest: "",
        info: t("row.ackSuppressed", {
          reason: i18n.tOr(`suppressed.${e.reason}`, e.reason),
          detail: e.detail,
        }),
        cls: "ack-suppressed",
      };
    case "congestion":
      return {
        source: i18n.host(e.host),
        dest: "",
        info: t("row.congestion", {
          cwnd: e.cwnd,
          ssthresh: e.ssthresh,
          cause: i18n.tOr(`congestion.${e.cause}`, e.cause),
        }),
        cls: "congestion",
      };
    case "note":
      return { source: e.host ? i18n.host(e.host) : "", dest: "", info: e.text, cls: "note" };
    case "narration":
      return { source: "", dest: "", info: `▶ ${i18n.pick(e.en, e.zh)}`, cls: "narration" };
    case "quizQuestion":
      return { source: "", dest: "", info: t("row.quizQuestion", { q: e.question }), cls: "quiz" };
    case "quizRevealed":
      return {
        source: "",
        dest: "",
        info: t("row.quizRevealed", { q: e.question, correct: e.correct, total: e.total }),
        cls: "quiz",
      };
    case "other":
      return { source: "", dest: "", info: `${e.type} ${e.summary}`, cls: "other" };
  }
}

/** A drop reason ("fault", "no-listener", "checksum: ...") in the page's language. */
export function dropReason(reason: string, i18n: I18n): string {
  const [head, ...rest] = reason.split(":");
  const said = i18n.tOr(`drop.${head.trim()}`, head.trim());
  return rest.length ? `${said}${i18n.t("list.colon")}${rest.join(":").trim()}` : said;
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
  private readonly body: HTMLTableSectionElement;
  private readonly table: HTMLTableElement;
  private rows: Row[] = [];
  private count = 0;
  /** The rows on show: the first `count` rows, or those matching the filter. */
  private shown: Row[] = [];
  private shownCount = 0;
  private selectedArrow = -1;
  private followEnd = true;
  private frame = 0;

  constructor(
    i18n: I18n,
    private readonly onSelect: (arrowIndex: number) => void,
  ) {
    this.input = h("input", {
      type: "search",
      class: "filter",
      id: "event-filter",
      "data-i18n-placeholder": "table.filterHint",
    });
    this.input.addEventListener("input", () => this.apply());
    const head = h("tr", { "aria-rowindex": 1 });
    for (const k of ["table.no", "table.time", "table.source", "table.dest", "table.info"])
      head.append(h("th", { scope: "col", "data-i18n": k }, i18n.t(k)));
    this.body = h("tbody", {});
    this.table = h(
      "table",
      { class: "event-table", "aria-labelledby": "events-heading" },
      h("thead", {}, head),
      this.body,
    );
    this.viewport = h("div", { class: "table-viewport" }, this.table);
    this.viewport.addEventListener("scroll", () => {
      this.followEnd =
        this.viewport.scrollTop + this.viewport.clientHeight >= this.viewport.scrollHeight - ROW;
      if (!this.frame)
        this.frame = requestAnimationFrame(() => {
          this.frame = 0;
          this.paint();
        });
    });
    const pick = (e: Event) => {
      const r = (e.target as Element).closest("[data-arrow]");
      if (r) this.onSelect(Number(r.getAttribute("data-arrow")));
    };
    this.viewport.addEventListener("click", pick);
    this.viewport.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        pick(e);
      }
    });
    this.root = h(
      "section",
      { class: "events panel" },
      h("h2", { id: "events-heading", "data-i18n": "panel.events" }, i18n.t("panel.events")),
      h(
        "label",
        { class: "filter-label", for: "event-filter" },
        h("span", { "data-i18n": "table.filter" }, i18n.t("table.filter")),
        this.input,
      ),
      this.viewport,
    );
    this.input.placeholder = i18n.t("table.filterHint");
  }

  /** The first `count` of `rows` are shown (the array may hold more: playback shows a prefix). */
  setRows(rows: Row[], count = rows.length): void {
    this.rows = rows;
    this.count = Math.min(count, rows.length);
    this.apply();
  }

  /** Select a segment's row; unfiltered, the rows are the events in order. */
  select(arrowIndex: number, eventIndex: number): void {
    this.selectedArrow = arrowIndex;
    const i =
      this.shown === this.rows
        ? eventIndex < this.shownCount
          ? eventIndex
          : -1
        : this.shown.findIndex((r) => r.arrowIndex === arrowIndex);
    if (i >= 0) {
      const y = i * ROW;
      const top = this.viewport.scrollTop;
      if (y < top || y > top + this.viewport.clientHeight - 2 * ROW) {
        this.followEnd = false;
        this.viewport.scrollTop = Math.max(0, y - this.viewport.clientHeight / 2);
      }
    }
    this.paint();
  }

  private apply(): void {
    if (this.input.value.trim()) {
      this.shown = filterRows(this.rows.slice(0, this.count), this.input.value);
      this.shownCount = this.shown.length;
    } else {
      this.shown = this.rows;
      this.shownCount = this.count;
    }
    this.table.setAttribute("aria-rowcount", String(this.shownCount + 1));
    this.paint();
    if (this.followEnd) this.viewport.scrollTop = this.viewport.scrollHeight;
  }

  private paint(): void {
    clear(this.body);
    const headH = ROW;
    const first = Math.max(0, Math.floor((this.viewport.scrollTop - headH) / ROW) - 5);
    const last = Math.min(
      this.shownCount,
      first + Math.ceil((this.viewport.clientHeight || 260) / ROW) + 10,
    );
    if (first > 0)
      this.body.append(
        h("tr", { class: "spacer", "aria-hidden": "true", style: `height:${first * ROW}px` }),
      );
    for (let i = first; i < last; i++) {
      const r = this.shown[i];
      const segment = r.arrowIndex !== undefined;
      this.body.append(
        h(
          "tr",
          {
            class: `${r.cls}${segment && r.arrowIndex === this.selectedArrow ? " selected" : ""}`,
            "aria-rowindex": i + 2,
            "aria-selected": segment ? String(r.arrowIndex === this.selectedArrow) : undefined,
            "data-event-id": r.no,
            "data-arrow": r.arrowIndex,
            tabindex: segment ? 0 : undefined,
          },
          h("td", {}, String(r.no)),
          h("td", {}, r.time),
          h("td", {}, r.source),
          h("td", {}, r.dest),
          h("td", { class: "info", title: r.info }, r.info),
        ),
      );
    }
    if (last < this.shownCount)
      this.body.append(
        h("tr", {
          class: "spacer",
          "aria-hidden": "true",
          style: `height:${(this.shownCount - last) * ROW}px`,
        }),
      );
  }
}
