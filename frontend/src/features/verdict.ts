// The scenario's expectation beside the diagram, up to the current step: what was expected and
// has happened (ticked), how many expected segments are still to come (not what they are: that
// is the lesson), every segment shown so far with the expectation it meets or a note that it is
// outside it, and the verdict: final, or "so far" while anything is still due.

import type { ActualSegment, ExpectedSegment, Verdict } from "../model/events";
import { flagList } from "../model/format";
import { verdictSoFar, type VerdictView } from "../model/verdict";
import type { I18n } from "../i18n";
import { clear, h } from "../render/dom";

export interface VerdictInput {
  title: string;
  verdict: Verdict;
  /** The last event id on screen. */
  shownUpTo: number;
  /** Nothing more will happen and the whole log is shown. */
  final: boolean;
}

export function describeExpected(e: ExpectedSegment, i18n: I18n): string {
  const parts = [i18n.host(e.from), flagList(e.flags)];
  if (e.seq !== undefined) parts.push(`seq=${e.seq}`);
  if (e.ack !== undefined) parts.push(`ack=${e.ack}`);
  if (e.length !== undefined) parts.push(`len=${e.length}`);
  if (e.window !== undefined) parts.push(`win=${e.window}`);
  if (e.retransmission) parts.push(i18n.t("verdict.retransmission"));
  if (e.dropped) parts.push(i18n.t("verdict.dropped"));
  if (e.states.length)
    parts.push(
      `→ ${e.states.map((s) => `${i18n.host(s.host)} ${s.state}`).join(i18n.t("list.sep"))}`,
    );
  return parts.join(" ");
}

export function describeActual(a: ActualSegment, i18n: I18n): string {
  const parts = [i18n.host(a.from), flagList(a.flags), `seq=${a.seq}`];
  if (a.ack !== undefined) parts.push(`ack=${a.ack}`);
  if (a.length) parts.push(`len=${a.length}`);
  if (a.retransmission) parts.push(i18n.t("verdict.retransmission"));
  if (a.dropped) parts.push(i18n.t("verdict.dropped"));
  if (a.note) parts.push(`(${i18n.tOr(`tag.${a.note}`, a.note)})`);
  return parts.join(" ");
}

export class VerdictPanel {
  readonly root = h("section", { class: "panel verdict", hidden: true, "aria-live": "polite" });
  private input: VerdictInput | null = null;
  private key = "";

  constructor(private readonly i18n: I18n) {
    i18n.onChange(() => {
      this.key = "";
      this.show(this.input);
    });
  }

  show(input: VerdictInput | null): void {
    this.input = input;
    const key = input
      ? `${input.title}/${input.shownUpTo}/${input.final}/${input.verdict.actual.length}/${input.verdict.passed}`
      : "";
    if (key === this.key) return;
    this.key = key;
    clear(this.root);
    this.root.hidden = !input;
    if (!input) return;
    const view = verdictSoFar(input.verdict, input.shownUpTo, input.final);
    this.draw(input, view);
  }

  private draw(input: VerdictInput, v: VerdictView): void {
    const t = (k: string, p?: Record<string, string | number>) => this.i18n.t(k, p);
    this.root.dataset.status = v.status;
    this.root.dataset.passed = input.final ? String(input.verdict.passed) : "";
    this.root.dataset.running = String(!input.final);
    const symbol = { passed: "✓", failed: "✗", "so-far": "⋯", failing: "✗" }[v.status];
    this.root.append(
      h("h2", {}, t("verdict.heading", { title: input.title })),
      h(
        "p",
        { class: `verdict-result ${v.status}` },
        `${symbol} ${t(`verdict.${v.status}`, { met: v.met.length, total: v.total })}`,
      ),
    );
    const expected = h("ol", { class: "expected" });
    for (const m of v.met)
      expected.append(
        h(
          "li",
          { value: m.expected.index, class: "met" },
          `✓ ${describeExpected(m.expected, this.i18n)}`,
        ),
      );
    if (input.final)
      for (const e of input.verdict.expected.slice(v.met.length))
        expected.append(
          h("li", { value: e.index, class: "missed" }, `✗ ${describeExpected(e, this.i18n)}`),
        );
    const actual = h("ol", { class: "actual" });
    for (const r of v.actual)
      actual.append(
        h(
          "li",
          { class: r.meets ? "meets" : "outside", "data-event-id": r.actual.eventId },
          describeActual(r.actual, this.i18n),
          " ",
          h(
            "span",
            { class: "why" },
            r.meets ? t("verdict.meets", { n: r.meets }) : t("verdict.outside"),
          ),
        ),
      );
    this.root.append(
      h(
        "div",
        { class: "cols" },
        h(
          "div",
          {},
          h("h3", {}, t("verdict.expected")),
          expected,
          !input.final && v.remaining
            ? h("p", { class: "hint remaining" }, t("verdict.remaining", { n: v.remaining }))
            : null,
        ),
        h("div", {}, h("h3", {}, t("verdict.actual")), actual),
      ),
    );
    if (v.mismatches.length) {
      const ul = h("ul", { class: "mismatches" });
      for (const m of v.mismatches) ul.append(h("li", {}, m));
      this.root.append(h("h3", {}, t("verdict.mismatches")), ul);
    }
  }
}
