// The segment inspector: the TCP header as RFC 9293's 32-bit-wide figure with every field's value,
// the hex dump (hovering a field highlights its bytes and vice versa), and plain-language reasons.

import type { Arrow, DiagramModel } from "../model/diagram";
import { narrationAt } from "../model/diagram";
import { explainSegment } from "../model/explain";
import { byteOwners, fieldBytes, headerFields, type HeaderField } from "../model/header";
import { optionText } from "../model/format";
import type { I18n } from "../i18n";
import { clear, h } from "../render/dom";

export class Inspector {
  readonly root = h("section", { class: "inspector panel", "aria-live": "polite" });
  private arrow: Arrow | null = null;
  private model: DiagramModel | null = null;

  constructor(private readonly i18n: I18n) {
    this.render();
  }

  show(a: Arrow | null, m: DiagramModel): void {
    this.arrow = a;
    this.model = m;
    this.render();
  }

  render(): void {
    const t = (k: string, p = {}) => this.i18n.t(k, p);
    clear(this.root);
    this.root.append(h("h2", {}, t("panel.inspector")));
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
        `#${a.segmentId} ${a.from} → ${a.to} · ${s.srcIp}:${s.srcPort} → ${s.dstIp}:${s.dstPort}`,
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
      const range = fieldBytes(fields, id);
      if (!range) return;
      for (let i = range[0]; i < range[1]; i++)
        this.root.querySelector(`[data-byte="${i}"]`)?.classList.toggle("hl", on);
    };
    for (const el of [grid, hex]) {
      el.addEventListener("mouseover", (e) =>
        link(
          (e.target as Element).closest("[data-field]")?.getAttribute("data-field") ?? undefined,
          true,
        ),
      );
      el.addEventListener("mouseout", (e) =>
        link(
          (e.target as Element).closest("[data-field]")?.getAttribute("data-field") ?? undefined,
          false,
        ),
      );
    }
    this.root.append(h("h3", {}, t("inspector.header")), grid);
    // Wireshark-style relative numbers next to the absolute ones in the header.
    const rel = [`seq ${m.isns.relSeq(s)}`];
    if (s.flags.includes("ACK")) rel.push(`ack ${m.isns.relAck(s)}`);
    this.root.append(h("p", { class: "relative" }, `${t("view.relative")}: ${rel.join(", ")}`));
    if (s.options.length)
      this.root.append(
        h(
          "p",
          { class: "options" },
          `${t("inspector.options")}: ${s.options.map(optionText).join(", ")}`,
        ),
      );
    this.root.append(h("h3", {}, t("inspector.hex")), hex);
    const why = h("ul", { class: "why" });
    for (const sentence of explainSegment(a, m))
      why.append(h("li", { "data-key": sentence.key }, t(sentence.key, sentence.params)));
    this.root.append(h("h3", {}, t("inspector.why")), why);
    const step = narrationAt(m, a.eventId);
    if (step)
      this.root.append(
        h(
          "div",
          { class: "narration-step" },
          h(
            "strong",
            {},
            t("inspector.narration", { step: step.step }) + (step.name ? ` (${step.name})` : ""),
          ),
          " ",
          h("span", { class: "narration-text" }, this.i18n.pick(step.en, step.zh)),
        ),
      );
  }

  private headerGrid(fields: HeaderField[]): HTMLElement {
    const t = (k: string) => this.i18n.t(k);
    const grid = h("div", { class: "bits", role: "table" });
    for (let b = 0; b < 32; b++)
      grid.append(h("div", { class: "ruler", style: `grid-column:${b + 1}` }, String(b % 10)));
    const rowOf = (bit: number) => Math.floor(bit / 32) + 2;
    const cell = (f: HeaderField, style: string, first: boolean) => {
      const flag = f.bits === 1;
      const name = flag ? f.id.replace("flag", "") : t(f.nameKey);
      grid.append(
        h(
          "div",
          {
            class: `field${flag ? " flag" : ""}${flag && f.value === "1" ? " on" : ""}${first ? "" : " cont"}`,
            "data-field": flag ? "flags" : f.id,
            "data-name": first ? f.id : undefined,
            style,
            title: `${name}: ${f.value}`,
          },
          h("span", { class: "fname" }, first ? name : "…"),
          h("span", { class: "fval" }, first ? f.value : ""),
        ),
      );
    };
    for (const f of fields) {
      if (f.id === "payload") {
        // The payload would be hundreds of rows: one row stands for it; the hex dump has it all.
        cell(f, `grid-column:1 / span 32;grid-row:${rowOf(f.bit)}`, true);
        continue;
      }
      // A field that crosses a 32-bit row is drawn as pieces: a partial row, whole rows, a partial row.
      let b = f.bit;
      const end = f.bit + f.bits;
      let first = true;
      while (b < end) {
        const col = b % 32;
        if (col === 0 && end - b >= 64) {
          const rows = Math.floor((end - b) / 32);
          cell(f, `grid-column:1 / span 32;grid-row:${rowOf(b)} / span ${rows}`, first);
          b += rows * 32;
        } else {
          const span = Math.min(32 - col, end - b);
          cell(f, `grid-column:${col + 1} / span ${span};grid-row:${rowOf(b)}`, first);
          b += span;
        }
        first = false;
      }
    }
    return grid;
  }

  private hexDump(fields: HeaderField[], bytes: Uint8Array): HTMLElement {
    const owners = byteOwners(fields, bytes.length);
    const box = h("div", { class: "hex" });
    for (let r = 0; r < bytes.length; r += 16) {
      const line = h(
        "div",
        { class: "hexline" },
        h("span", { class: "off" }, r.toString(16).padStart(4, "0")),
      );
      for (let i = r; i < Math.min(bytes.length, r + 16); i++) {
        line.append(
          h(
            "span",
            { class: "byte", "data-byte": i, "data-field": owners[i] ?? "payload" },
            bytes[i].toString(16).padStart(2, "0"),
          ),
        );
      }
      box.append(line);
    }
    return box;
  }
}
