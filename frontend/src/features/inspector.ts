// The segment inspector: the TCP header as RFC 9293's 32-bit-wide figure with every field's value
// (a table of rows and cells for screen readers; the bit ruler is visual only), the hex dump
// (hovering a field highlights its bytes and vice versa), and plain-language reasons.

import type { Arrow, DiagramModel } from "../model/diagram";
import { narrationAt } from "../model/diagram";
import { explainSegment } from "../model/explain";
import { byteOwners, fieldBytes, headerFields, type HeaderField } from "../model/header";
import { optionText } from "../model/format";
import { numberText, type Numbering } from "../model/numbering";
import type { I18n } from "../i18n";
import { clear, h } from "../render/dom";

/** A sentence that starts with a host's name ("server accepts ...") starts with a capital. */
const capitalized = (s: string) =>
  /^(client|server|absolute|relative)\b/.test(s) ? s.charAt(0).toUpperCase() + s.slice(1) : s;

export class Inspector {
  readonly root = h("section", { class: "inspector panel", "aria-labelledby": "inspector-h" });
  private arrow: Arrow | null = null;
  private model: DiagramModel | null = null;
  private numbering: Numbering = "relative";

  constructor(private readonly i18n: I18n) {
    i18n.onChange(() => this.render());
    this.render();
  }

  show(a: Arrow | null, m: DiagramModel, numbering: Numbering): void {
    this.arrow = a;
    this.model = m;
    this.numbering = numbering;
    this.render();
  }

  render(): void {
    const t = (k: string, p = {}) => this.i18n.t(k, p);
    clear(this.root);
    this.root.append(h("h2", { id: "inspector-h" }, t("panel.inspector")));
    const a = this.arrow;
    const m = this.model;
    if (!a || !m) {
      this.root.append(h("p", { class: "hint" }, t("inspector.empty")));
      return;
    }
    const s = a.segment;
    this.root.append(
      h(
        "p",
        { class: "seg-title", "data-segment-id": a.segmentId },
        `#${a.segmentId} ${this.i18n.host(a.from)} → ${this.i18n.host(a.to)} · ${s.srcIp}:${s.srcPort} → ${s.dstIp}:${s.dstPort}`,
      ),
    );
    if (s.malformed) this.root.append(h("p", { class: "error-text" }, s.malformed));
    const fields = headerFields(s);
    const grid = this.headerGrid(fields);
    const hex = this.hexDump(fields, s.bytes);
    const link = (id: string | undefined, on: boolean) => {
      if (!id) return;
      for (const el of this.root.querySelectorAll(`[data-field="${id}"]`))
        el.classList.toggle("hl", on);
      const range = id === "payload" ? undefined : fieldBytes(fields, id);
      if (!range) return;
      for (let i = range[0]; i < range[1]; i++)
        this.root.querySelector(`[data-byte="${i}"]`)?.classList.toggle("hl", on);
    };
    for (const el of [grid, hex]) {
      const field = (e: Event) =>
        (e.target as Element).closest("[data-field]")?.getAttribute("data-field") ?? undefined;
      el.addEventListener("mouseover", (e) => link(field(e), true));
      el.addEventListener("mouseout", (e) => link(field(e), false));
    }
    this.root.append(h("h3", {}, t("inspector.header")), grid);
    const notes = h("ul", { class: "field-notes" });
    const off = fields.find((f) => f.id === "dataOffset");
    if (off) {
      const words = Number(off.value);
      notes.append(
        h(
          "li",
          { "data-note": "dataOffset" },
          t("inspector.dataOffset", { words, bytes: words * 4 }),
        ),
      );
    }
    notes.append(h("li", { "data-note": "reserved" }, t("inspector.reserved")));
    this.root.append(notes);
    // The numbers as the diagram does not show them: relative when it shows absolute, and back.
    const other: Numbering = this.numbering === "absolute" ? "relative" : "absolute";
    const rel = [numberText("seq", s.seq, a.numbers.relSeq, other)];
    if (s.flags.includes("ACK")) rel.push(numberText("ack", s.ack, a.numbers.relAck, other));
    this.root.append(
      h(
        "p",
        { class: "relative" },
        capitalized(`${t(`numbering.${other}`)}${t("list.colon")}${rel.join(" ")}`),
      ),
    );
    if (s.options.length)
      this.root.append(
        h(
          "p",
          { class: "options" },
          `${t("inspector.options")}${t("list.colon")}${s.options.map(optionText).join(", ")}`,
        ),
      );
    this.root.append(h("h3", {}, t("inspector.hex")), hex);
    const why = h("ul", { class: "why" });
    for (const sentence of explainSegment(a))
      why.append(
        h("li", { "data-key": sentence.key }, capitalized(t(sentence.key, sentence.params))),
      );
    this.root.append(h("h3", {}, t("inspector.why")), why);
    const step = narrationAt(m, a.eventId);
    if (step)
      this.root.append(
        h(
          "div",
          { class: "narration-step" },
          h("strong", {}, t("inspector.narration", { step: step.step })),
          " ",
          h("span", { class: "narration-text" }, this.i18n.pick(step.en, step.zh)),
        ),
      );
  }

  private headerGrid(fields: HeaderField[]): HTMLElement {
    const t = (k: string) => this.i18n.t(k);
    const grid = h("div", { class: "bits", role: "table", "aria-label": t("inspector.header") });
    for (let b = 0; b < 32; b++)
      grid.append(
        h(
          "div",
          { class: "ruler", style: `grid-column:${b + 1}`, "aria-hidden": "true" },
          String(b % 10),
        ),
      );
    const rows = new Map<number, HTMLElement>();
    const rowOf = (bit: number) => Math.floor(bit / 32) + 2;
    const rowEl = (r: number) => {
      let el = rows.get(r);
      if (!el) {
        el = h("div", { class: "bits-row", role: "row" });
        rows.set(r, el);
        grid.append(el);
      }
      return el;
    };
    // A field's pieces all belong to the row where it starts (rows are display: contents, so a
    // piece still sits where the grid places it): no row is left without a cell of its own.
    const cell = (f: HeaderField, style: string, first: boolean, row: number) => {
      const flag = f.bits === 1;
      const name = flag ? f.id.replace("flag", "") : t(f.nameKey);
      const value =
        f.id === "dataOffset"
          ? this.i18n.t("inspector.dataOffset", { words: f.value, bytes: Number(f.value) * 4 })
          : f.value;
      rowEl(row).append(
        h(
          "div",
          {
            class: `field${flag ? " flag" : ""}${flag && f.value === "1" ? " on" : ""}${first ? "" : " cont"}`,
            role: first ? "cell" : undefined,
            "data-field": flag ? "flags" : f.id,
            "data-name": first ? f.id : undefined,
            style,
            title: `${name}: ${value}`,
            "aria-label": first ? `${name}: ${value}` : undefined,
            "aria-hidden": first ? undefined : "true",
          },
          h("span", { class: "fname", "aria-hidden": "true" }, first ? name : "…"),
          h("span", { class: "fval", "aria-hidden": "true" }, first ? f.value : ""),
        ),
      );
    };
    for (const f of fields) {
      const home = rowOf(f.bit);
      if (f.id === "payload") {
        // The payload would be hundreds of rows: one row stands for it; the hex dump has it all.
        cell(f, `grid-column:1 / span 32;grid-row:${rowOf(f.bit)}`, true, rowOf(f.bit));
        continue;
      }
      // A field that crosses a 32-bit row is drawn as pieces: a partial row, whole rows, a partial row.
      let b = f.bit;
      const end = f.bit + f.bits;
      let first = true;
      while (b < end) {
        const col = b % 32;
        if (col === 0 && end - b >= 64) {
          const n = Math.floor((end - b) / 32);
          cell(f, `grid-column:1 / span 32;grid-row:${rowOf(b)} / span ${n}`, first, home);
          b += n * 32;
        } else {
          const span = Math.min(32 - col, end - b);
          cell(f, `grid-column:${col + 1} / span ${span};grid-row:${rowOf(b)}`, first, home);
          b += span;
        }
        first = false;
      }
    }
    return grid;
  }

  /**
   * The bytes, 16 a line. Header bytes are one element each (hovering links them to their field);
   * the payload is one element per line, so a full segment costs a few dozen elements, not 600.
   */
  private hexDump(fields: HeaderField[], bytes: Uint8Array): HTMLElement {
    const owners = byteOwners(fields, bytes.length);
    const payload = fields.find((f) => f.id === "payload")?.start ?? bytes.length;
    const hex = (i: number) => bytes[i].toString(16).padStart(2, "0");
    const box = h("div", { class: "hex" });
    for (let r = 0; r < bytes.length; r += 16) {
      const end = Math.min(bytes.length, r + 16);
      const line = h(
        "div",
        { class: "hexline" },
        h("span", { class: "off" }, r.toString(16).padStart(4, "0")),
      );
      for (let i = r; i < Math.min(end, payload); i++)
        line.append(
          h(
            "span",
            { class: "byte", "data-byte": i, "data-field": owners[i] ?? "payload" },
            hex(i),
          ),
        );
      if (end > payload) {
        const from = Math.max(r, payload);
        const text = [];
        for (let i = from; i < end; i++) text.push(hex(i));
        line.append(h("span", { class: "byte bytes", "data-field": "payload" }, text.join(" ")));
      }
      box.append(line);
    }
    return box;
  }
}
