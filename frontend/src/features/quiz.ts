// Class mode: "predict the next segment". The teacher (the page with the lab's token) turns
// Predict on, watches the class's answers come in as a histogram and reveals the segment; each
// student's page (no token) asks who sends next, which flags and optionally seq/ack, typed in the
// numbering the diagram shows, and afterwards says what was right, what was wrong and why.
// Names are shown as text only (the DOM helpers never parse markup).

import { LabApiError, type LabApi } from "../api/rest";
import type { Arrow } from "../model/diagram";
import type { Flag, Host, LabEvent, QuizHistogram, QuizKey, QuizQuestion } from "../model/events";
import { explainSegment } from "../model/explain";
import { numberText, seqAdd, seqDiff, type Numbering } from "../model/numbering";
import { clear, download, h } from "../render/dom";
import { Ui, input } from "./forms";

/** The flags a student picks from (the others are rare enough to leave out of a class form). */
const FORM_FLAGS: Flag[] = ["SYN", "ACK", "FIN", "RST", "PSH"];
const POLL_MS = 1000;

export interface QuizContext {
  api: LabApi;
  lab: string;
  token: string | null;
  numbering: () => Numbering;
  isnOf: (connection: string, from: Host) => number | undefined;
  arrowAfter: (eventId: number) => Arrow | undefined;
  report: (message: string) => void;
  describe: (e: unknown) => string;
}

/** A student's display name, once per lab, kept in the browser. */
function nameKey(lab: string): string {
  return `tcplab.quiz.name.${lab}`;
}

function stored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export class QuizPanel {
  readonly root = h("section", {
    class: "panel quiz",
    "aria-live": "polite",
    "data-quiz": "panel",
  });
  private enabled = false;
  /** The open question (held segment), or 0. */
  private open = 0;
  private openConnection: string | undefined;
  private answered = new Set<number>();
  private revealed: { question: number; eventId: number; correct: number; total: number } | null =
    null;
  private result: QuizQuestion | null = null;
  private histogram: QuizHistogram | null = null;
  private timer: number | undefined;
  private error = "";

  constructor(
    private readonly ui: Ui,
    private readonly ctx: QuizContext,
  ) {
    ui.i18n.onChange(() => this.draw());
    void ctx.api
      .quiz(ctx.lab)
      .then((s) => {
        this.enabled = s.enabled;
        this.draw();
      })
      .catch(() => undefined);
    this.draw();
  }

  private get teacher(): boolean {
    return this.ctx.token !== null;
  }

  /** The lab's quiz events, in order (history first, then live). */
  onEvents(evs: LabEvent[]): void {
    let changed = false;
    for (const e of evs) {
      if (e.kind === "quizQuestion") {
        this.open = e.question;
        this.openConnection = e.connection;
        this.enabled = true;
        this.histogram = null;
        changed = true;
      } else if (e.kind === "quizRevealed") {
        if (this.open === e.question) this.open = 0;
        this.revealed = { question: e.question, eventId: e.id, correct: e.correct, total: e.total };
        this.result = null;
        changed = true;
      }
    }
    if (!changed) return;
    if (!this.teacher && this.revealed && this.answered.has(this.revealed.question))
      void this.loadResult(this.revealed.question);
    this.poll();
    this.draw();
  }

  stop(): void {
    window.clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The teacher's histogram follows the open question once a second. */
  private poll(): void {
    const token = this.ctx.token;
    if (!token || !this.open) return this.stop();
    if (this.timer !== undefined) return;
    const tick = () => {
      const q = this.open;
      if (!q) return this.stop();
      this.ctx.api
        .histogram(this.ctx.lab, token, q)
        .then((hist) => {
          if (hist.id === this.open) {
            this.histogram = hist;
            this.draw();
          }
        })
        .catch(() => undefined);
    };
    tick();
    this.timer = window.setInterval(tick, POLL_MS);
  }

  private async loadResult(q: number): Promise<void> {
    const name = stored(nameKey(this.ctx.lab));
    if (!name) return;
    try {
      this.result = await this.ctx.api.question(this.ctx.lab, q, name);
    } catch (e) {
      this.error = this.ctx.describe(e);
    }
    this.draw();
  }

  private draw(): void {
    clear(this.root);
    if (this.teacher) this.drawTeacher();
    else this.drawStudent();
  }

  // ---- the teacher ----

  private drawTeacher(): void {
    const { ui } = this;
    const token = this.ctx.token!;
    const toggle = ui.button("quiz.predict", () => {
      const on = !this.enabled;
      this.ctx.api
        .setQuiz(this.ctx.lab, token, on)
        .then(() => {
          this.enabled = on;
          if (!on) this.open = 0;
          this.draw();
        })
        .catch((e) => this.ctx.report(this.ctx.describe(e)));
    });
    toggle.setAttribute("aria-pressed", String(this.enabled));
    toggle.dataset.quiz = "toggle";
    const reveal = ui.button("quiz.reveal", () => {
      const q = this.open;
      this.ctx.api
        .reveal(this.ctx.lab, token, q)
        .catch((e) => this.ctx.report(this.ctx.describe(e)));
    });
    reveal.dataset.quiz = "reveal";
    reveal.disabled = !this.open;
    const csv = ui.button("quiz.csv", () => {
      this.ctx.api
        .quizCsv(this.ctx.lab, token)
        .then((text) => download(`tcplab-quiz-${this.ctx.lab.slice(0, 8)}.csv`, text, "text/csv"))
        .catch((e) => this.ctx.report(this.ctx.describe(e)));
    });
    csv.dataset.quiz = "csv";
    this.root.append(
      ui.text("quiz.title", "h2"),
      h("p", { class: "hint" }, ui.t("quiz.teacherHint")),
      h("div", { class: "row" }, toggle, reveal, csv),
      h("p", { class: "quiz-status", "data-quiz": "status" }, this.teacherStatus()),
    );
    if (this.open) this.root.append(this.drawHistogram());
  }

  private teacherStatus(): string {
    const { ui } = this;
    const last = this.revealed
      ? ui.t("quiz.lastRevealed", {
          q: this.revealed.question,
          correct: this.revealed.correct,
          total: this.revealed.total,
        })
      : "";
    const now = !this.enabled
      ? ui.t("quiz.off")
      : !this.open
        ? ui.t("quiz.waiting")
        : ui.t("quiz.openCount", { q: this.open, n: this.histogram?.answers ?? 0 });
    return last ? `${last} ${now}` : now;
  }

  private drawHistogram(): HTMLElement {
    const { ui } = this;
    const hist = this.histogram;
    const box = h("div", { class: "histogram", "data-quiz": "histogram" });
    if (!hist || hist.answers === 0) {
      box.append(h("p", { class: "hint" }, ui.t("quiz.noAnswers")));
      return box;
    }
    const total = hist.answers;
    const bar = (label: string, n: number, cls = "") =>
      h(
        "div",
        { class: `bar-row ${cls}` },
        h("span", { class: "bar-label" }, label),
        h(
          "span",
          { class: "bar", role: "img", "aria-label": `${label}: ${n}` },
          h("span", { class: "bar-fill", style: `width:${Math.round((100 * n) / total)}%` }),
        ),
        h("span", { class: "bar-count" }, String(n)),
      );
    box.append(ui.text("quiz.who", "h3"));
    for (const host of ["client", "server"] as Host[])
      box.append(bar(ui.i18n.host(host), hist.from[host] ?? 0));
    box.append(ui.text("quiz.flags", "h3"));
    for (const row of hist.flags)
      box.append(bar(row.flags.length ? row.flags.join(", ") : ui.t("quiz.noFlags"), row.count));
    box.append(ui.text("quiz.numbers", "h3"));
    for (const [name, rw] of [
      ["seq", hist.seq],
      ["ack", hist.ack],
    ] as const) {
      box.append(
        h(
          "div",
          { class: "rw" },
          h("span", { class: "bar-label" }, name),
          h(
            "span",
            { class: "stacked", role: "img", "aria-label": ui.t("quiz.rw", rw) },
            h("span", { class: "right", style: `flex:${rw.right}` }),
            h("span", { class: "wrong", style: `flex:${rw.wrong}` }),
            h("span", { class: "blank", style: `flex:${rw.blank}` }),
          ),
          h("span", { class: "bar-count" }, ui.t("quiz.rw", rw)),
        ),
      );
    }
    return box;
  }

  // ---- a student ----

  private drawStudent(): void {
    const { ui } = this;
    const showResult = this.revealed && this.answered.has(this.revealed.question);
    this.root.hidden = !this.open && !showResult;
    if (this.root.hidden) return;
    this.root.append(ui.text("quiz.studentTitle", "h2"));
    if (showResult) this.root.append(this.drawResult());
    if (this.open && !this.answered.has(this.open)) this.root.append(this.form(this.open));
    else if (this.open)
      this.root.append(h("p", { class: "quiz-sent", "data-quiz": "sent" }, ui.t("quiz.sent")));
    if (this.error) this.root.append(h("p", { class: "error", role: "alert" }, this.error));
  }

  private form(q: number): HTMLElement {
    const { ui } = this;
    const name = stored(nameKey(this.ctx.lab));
    const nameField = input({
      type: "text",
      name: "quiz-name",
      maxlength: 40,
      autocomplete: "nickname",
    });
    const radios = (["client", "server"] as Host[]).map((host) =>
      input({ type: "radio", name: "quiz-from", value: host }),
    );
    const boxes = FORM_FLAGS.map((f) => input({ type: "checkbox", name: "quiz-flag", value: f }));
    const seq = input({ type: "number", name: "quiz-seq", min: 0, max: 4294967295, step: 1 });
    const ack = input({ type: "number", name: "quiz-ack", min: 0, max: 4294967295, step: 1 });
    const numbering = this.ctx.numbering() === "relative" ? "relative" : "absolute";
    const form = h(
      "form",
      { class: "quiz-form", "data-quiz": "form", "data-question": q },
      name
        ? h("p", { class: "quiz-name" }, ui.t("quiz.as", { name }))
        : h(
            "label",
            {},
            h("span", {}, ui.t("quiz.name")),
            nameField,
            h("span", { class: "hint" }, ui.t("quiz.nameHint")),
          ),
      h(
        "fieldset",
        {},
        h("legend", {}, ui.t("quiz.who")),
        ...radios.map((r) =>
          h("label", { class: "check" }, r, h("span", {}, ui.i18n.host(r.value))),
        ),
      ),
      h(
        "fieldset",
        {},
        h("legend", {}, ui.t("quiz.flags")),
        ...boxes.map((b) => h("label", { class: "check" }, b, h("span", {}, b.value))),
      ),
      h(
        "fieldset",
        {},
        h("legend", {}, ui.t("quiz.numbersOptional")),
        h(
          "p",
          { class: "hint" },
          ui.t("quiz.numbersHint", { numbering: ui.t(`numbering.${numbering}`) }),
        ),
        h("label", {}, h("span", {}, "seq"), seq),
        h("label", {}, h("span", {}, "ack"), ack),
      ),
      h("button", { type: "submit", "data-quiz": "send" }, ui.t("quiz.send")),
    );
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.error = "";
      const who = radios.find((r) => r.checked)?.value as Host | undefined;
      const display = name ?? nameField.value.trim();
      if (!display) return this.fail(ui.t("quiz.needName"));
      if (!who) return this.fail(ui.t("quiz.needWho"));
      let key: QuizKey;
      try {
        key = {
          from: who,
          flags: boxes.filter((b) => b.checked).map((b) => b.value as Flag),
          ...this.absolute("seq", seq.value, who, numbering),
          ...this.absolute("ack", ack.value, who === "client" ? "server" : "client", numbering),
        };
      } catch (e) {
        return this.fail((e as Error).message);
      }
      this.ctx.api
        .answer(this.ctx.lab, q, display, key)
        .then(() => {
          try {
            localStorage.setItem(nameKey(this.ctx.lab), display);
          } catch {
            /* private mode: the name is asked again next time */
          }
          this.answered.add(q);
          this.draw();
        })
        .catch((e) => {
          // A second answer under this name means it is already in: show it as sent.
          if (e instanceof LabApiError && e.problem.code === "already-answered") {
            this.answered.add(q);
            this.draw();
          } else this.fail(this.ctx.describe(e));
        });
    });
    return form;
  }

  /**
   * A typed number as the server wants it (absolute). Relative numbers count from the ISN of the
   * side they belong to (seq: the sender's; ack: the receiver's), which the diagram knows once that
   * side has sent a segment of this connection.
   */
  private absolute(
    field: "seq" | "ack",
    text: string,
    side: Host,
    numbering: "relative" | "absolute",
  ): Partial<QuizKey> {
    const v = text.trim();
    if (!v) return {};
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 4294967295)
      throw new Error(this.ui.t("form.range", { name: field, min: 0, max: 4294967295 }));
    if (numbering === "absolute") return { [field]: n };
    const isn = this.openConnection ? this.ctx.isnOf(this.openConnection, side) : undefined;
    if (isn === undefined) throw new Error(this.ui.t("quiz.noIsn", { name: field }));
    return { [field]: seqAdd(isn, n) };
  }

  private fail(message: string): void {
    this.error = message;
    this.draw();
  }

  private drawResult(): HTMLElement {
    const { ui } = this;
    const box = h("div", { class: "quiz-result", "data-quiz": "result" });
    const r = this.result;
    const mine = r?.answers[0];
    if (!r || !mine || !r.expected) {
      box.append(h("p", { class: "hint" }, ui.t("quiz.loading")));
      return box;
    }
    box.dataset.correct = String(mine.correct);
    box.append(
      h(
        "p",
        { class: mine.correct ? "verdict-ok" : "verdict-bad", "data-quiz": "verdict" },
        mine.correct
          ? ui.t("quiz.right")
          : ui.t("quiz.wrong", {
              fields: mine.wrong.map((f) => ui.t(`quiz.field.${f}`)).join(ui.t("list.sep")),
            }),
      ),
    );
    const arrow = this.revealed ? this.ctx.arrowAfter(this.revealed.eventId) : undefined;
    box.append(
      h(
        "p",
        { "data-quiz": "expected" },
        ui.t("quiz.itWas", { text: this.keyText(r.expected, arrow) }),
      ),
    );
    if (!mine.correct)
      box.append(
        h(
          "p",
          { class: "hint" },
          ui.t("quiz.youSaid", { text: this.keyText(mine, undefined, arrow) }),
        ),
      );
    if (arrow) {
      // The reasons for its flags and numbers come first; the options' notes would drown them.
      const why = explainSegment(arrow)
        .slice(0, 3)
        .map((s) => ui.t(s.key, s.params));
      if (why.length)
        box.append(
          ui.text("quiz.why", "h3"),
          h("ul", { class: "why", "data-quiz": "why" }, ...why.map((w) => h("li", {}, w))),
        );
    }
    if (this.revealed)
      box.append(
        h(
          "p",
          { class: "hint" },
          ui.t("quiz.classResult", { correct: this.revealed.correct, total: this.revealed.total }),
        ),
      );
    return box;
  }

  /** "server → client: SYN, ACK seq=0 ack=1" in the page's numbering. */
  private keyText(k: QuizKey, arrow?: Arrow, relativeTo?: Arrow): string {
    const n = this.ctx.numbering();
    const ref = arrow ?? relativeTo;
    const rel = (abs: number, isn: number | undefined) =>
      isn === undefined ? undefined : seqDiff(abs, isn);
    const parts = [
      `${this.ui.i18n.host(k.from)} → ${this.ui.i18n.host(k.from === "client" ? "server" : "client")}${this.ui.t("list.colon")}${k.flags.join(", ") || this.ui.t("quiz.noFlags")}`,
    ];
    if (k.seq !== undefined) parts.push(numberText("seq", k.seq, rel(k.seq, ref?.numbers.isn), n));
    if (k.ack !== undefined)
      parts.push(numberText("ack", k.ack, rel(k.ack, ref?.numbers.peerIsn), n));
    return parts.join(" ");
  }
}
