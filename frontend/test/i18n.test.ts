// The Chinese page must be complete and consistent: every key translated, no English left in the
// Chinese table (protocol names and numbers aside), the tutorial's terms, and full-width
// punctuation used as Chinese typesetting does. Every key the code asks for must exist.

import { describe, expect, it } from "vitest";
import { en, zhCN } from "../src/i18n/messages";

/** Words that stay as they are in Chinese text: protocol and file-format names, units, keys. */
const KEEP = new Set(
  (
    "TCP SYN ACK FIN RST PSH URG CWR ECE ECN ISN RTO MSS SACK MSL TSval TSecr RFC IP " +
    "TAP Linux HTTP MTU pcap SVG PNG JSON Mermaid Ctrl Home End TIME WAIT s ms B root C P " +
    "pcapng tcpdump Wireshark macOS"
  ).split(" "),
);

const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();

/** Every source file's text (Vite reads them; no Node API needed). */
const SOURCES = import.meta.glob("../src/**/*.ts", {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

describe("the Chinese table", () => {
  it("translates every key, with the same placeholders", () => {
    const missing = Object.keys(en).filter((k) => !zhCN[k as keyof typeof en]);
    expect(missing).toEqual([]);
    for (const k of Object.keys(en) as (keyof typeof en)[])
      expect(placeholders(zhCN[k]), k).toEqual(placeholders(en[k]));
  });

  it("has no English left in it", () => {
    const english: string[] = [];
    for (const [k, v] of Object.entries(zhCN)) {
      const words = v
        .replace(/\{\w+\}/g, "") // placeholders
        .replace(/--[a-z.-]+=\w+/g, "") // a command-line option
        .replace(/§[\d.]+/g, "")
        .match(/[A-Za-z][A-Za-z-]*/g);
      for (const w of words ?? [])
        for (const part of w.split("-")) if (part && !KEEP.has(part)) english.push(`${k}: ${part}`);
    }
    expect(english).toEqual([]);
  });

  it("uses the tutorial's terms: 序列号 and 确认号, and 编号 for a row number", () => {
    for (const [k, v] of Object.entries(zhCN)) expect(v, k).not.toMatch(/序号/);
    expect(zhCN["field.seq"]).toBe("序列号");
    expect(zhCN["field.ack"]).toBe("确认号");
    expect(zhCN["table.no"]).toBe("编号");
    expect(zhCN["table.no"]).not.toBe(zhCN["field.seq"]);
  });

  it("uses full-width punctuation beside Chinese, and no space after it", () => {
    const cjk = "\\u4e00-\\u9fff";
    const ascii = new RegExp(`[${cjk}][,.:;?!()]|[,:;?!(](?=[${cjk}])`);
    for (const [k, v] of Object.entries(zhCN)) {
      expect(v, k).not.toMatch(ascii);
      expect(v, k).not.toMatch(/[，。：；！？、（）] /);
    }
  });

  it("says hosts and panels in Chinese, not as the API spells them", () => {
    expect(zhCN["host.client"]).toBe("客户端");
    expect(zhCN["host.server"]).toBe("服务器");
  });
});

describe("the keys the code uses", () => {
  it("all exist in the English table", () => {
    const used = new Set<string>();
    expect(Object.keys(SOURCES).length).toBeGreaterThan(20);
    for (const text of Object.values(SOURCES)) {
      // Literal keys passed to t(), text(), button(), label(), check(), tOr() and data-i18n.
      for (const m of text.matchAll(
        /(?:\bt|\.t|text|button|label|check|tOr|disable\([^,]+,|"data-i18n[a-z-]*":)\(?\s*"([a-z]+(?:\.[a-zA-Z0-9-]+)+)"/g,
      ))
        used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(100);
    const missing = [...used].filter((k) => !(k in en));
    expect(missing).toEqual([]);
  });
});
