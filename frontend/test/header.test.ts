import { describe, expect, it } from "vitest";
import { decodeEvent, decodeSegment } from "../src/api/decode";
import { buildDiagram } from "../src/model/diagram";
import { explainSegment } from "../src/model/explain";
import { byteOwners, fieldBytes, headerFields } from "../src/model/header";
import { I18n, pickLocale } from "../src/i18n";
import { en, zhCN } from "../src/i18n/messages";
import { toMermaid } from "../src/features/mermaid";
import {
  CLIENT_ISN,
  SERVER_ISN,
  droppedSynEvents,
  handshakeEvents,
  segment,
} from "./fixtures/wire";

describe("header fields", () => {
  const synAck = decodeSegment(
    segment({
      from: "server",
      seq: SERVER_ISN,
      ack: CLIENT_ISN + 1,
      flags: ["SYN", "ACK"],
      options: [{ kind: "MSS", value: 1460 }, { kind: "NOP" }, { kind: "WS", value: 7 }],
    }),
  );
  const fields = headerFields(synAck);
  const byId = (id: string) => fields.find((f) => f.id === id)!;

  it("reads every fixed field from the bytes, with its bit position", () => {
    expect(byId("srcPort")).toMatchObject({ bit: 0, bits: 16, start: 0, end: 2, value: "80" });
    expect(byId("ack")).toMatchObject({
      bit: 64,
      bits: 32,
      start: 8,
      end: 12,
      value: String(CLIENT_ISN + 1),
    });
    // 7 words: 20 bytes of fixed header and 8 of options.
    expect(byId("dataOffset").value).toBe("7");
    expect(byId("flagSYN").value).toBe("1");
    expect(byId("flagACK").value).toBe("1");
    expect(byId("flagFIN").value).toBe("0");
    expect(byId("window")).toMatchObject({ start: 14, end: 16, value: "65535" });
    expect(byId("checksum").value).toMatch(/^0x[0-9a-f]{4}$/);
  });

  it("decodes options with their byte ranges", () => {
    const opts = fields.filter((f) => f.nameKey === "field.option");
    expect(opts.map((o) => [o.value, o.start, o.end])).toEqual([
      ["MSS 1460", 20, 24],
      ["NOP", 24, 25],
      ["WS 7 (×128)", 25, 28],
    ]);
  });

  it("maps bytes to fields and fields to bytes, both ways", () => {
    const owners = byteOwners(fields, synAck.bytes.length);
    expect(owners.slice(8, 12)).toEqual(["ack", "ack", "ack", "ack"]);
    expect(owners[13]).toBe("flags");
    expect(fieldBytes(fields, "ack")).toEqual([8, 12]);
    expect(fieldBytes(fields, "flags")).toEqual([13, 14]);
  });
});

describe("explanations", () => {
  const m = buildDiagram(handshakeEvents().map(decodeEvent));
  const i18n = new I18n("en");
  const text = (n: number) => explainSegment(m.arrows[n]).map((s) => i18n.t(s.key, s.params));

  it("says why the SYN-ACK acknowledges client ISN + 1", () => {
    expect(text(1).join(" ")).toContain(
      `ack = client ISN + 1 (${CLIENT_ISN} + 1 = ${CLIENT_ISN + 1}) because the SYN consumes one sequence number`,
    );
  });

  it("explains the SYN's ISN and options, and a retransmission", () => {
    expect(text(0)[0]).toContain(`picked ${CLIENT_ISN} as its initial sequence number`);
    expect(text(0).some((s) => s.includes("MSS 1460"))).toBe(true);
    const d = buildDiagram(droppedSynEvents().map(decodeEvent));
    const keys = (n: number) => explainSegment(d.arrows[n]).map((s) => s.key);
    expect(keys(0)).toContain("explain.lost");
    expect(keys(1)).toContain("explain.retransmission");
  });
});

describe("i18n", () => {
  it("defaults from the browser language, a stored choice winning", () => {
    expect(pickLocale({ languages: ["zh-TW", "en"] })).toBe("zh-CN");
    expect(pickLocale({ languages: ["fr-FR", "en-GB"] })).toBe("en");
    expect(pickLocale({ languages: ["fr-FR"], serverDefault: "zh-CN" })).toBe("zh-CN");
    expect(pickLocale({ stored: "en", languages: ["zh-CN"] })).toBe("en");
  });

  it("translates every English key to Chinese with the same placeholders", () => {
    for (const k of Object.keys(en) as (keyof typeof en)[]) {
      expect(zhCN[k], k).toBeTruthy();
      const ph = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
      expect(ph(zhCN[k]), k).toEqual(ph(en[k]));
    }
  });

  it("switches language and picks narration by locale", () => {
    const i = new I18n("en");
    let changed = 0;
    i.onChange(() => changed++);
    expect(i.t("ctl.connect")).toBe("Connect");
    i.set("zh-CN");
    expect(i.t("ctl.connect")).toBe("连接");
    expect(i.t("play.position", { n: 3, total: 9 })).toBe("第 3/9 个事件");
    expect(i.pick("The server listens.", "服务器监听。")).toBe("服务器监听。");
    expect(changed).toBe(1);
  });
});

describe("mermaid export", () => {
  it("writes arrows, lost segments and states", () => {
    const d = buildDiagram(droppedSynEvents().map(decodeEvent));
    const text = toMermaid(d, "relative", new I18n("en"), "Lost SYN");
    expect(text.split("\n")[0]).toBe("sequenceDiagram");
    expect(text.split("\n")[1]).toBe("  title Lost SYN");
    expect(text).toContain("Note over client,server: solid arrow: delivered");
    expect(text).toContain("client-xserver: SYN seq=0 win=65535 (lost: fault: drop)");
    expect(text).toContain("client-->>server: [retransmission] SYN seq=0 win=65535");
    expect(text).toContain("Note over server: SYN_RECEIVED");
  });

  it("keeps option brackets out of Mermaid's parser", () => {
    const text = toMermaid(
      buildDiagram(handshakeEvents().map(decodeEvent)),
      "relative",
      new I18n("en"),
      "t",
    );
    const messages = text
      .split("\n")
      .filter((l) => l.includes(": "))
      .map((l) => l.split(": ").slice(1).join(": "));
    expect(messages.some((m) => m.includes("‹mss 1460,sackOK,ts,ws 7›"))).toBe(true);
    expect(messages.every((m) => !/[<>;#]/.test(m))).toBe(true);
  });
});

describe("window scaling", () => {
  it("scales windows after the SYNs only when both sides offered it (RFC 7323 2.2)", async () => {
    const { buildDiagram } = await import("../src/model/diagram");
    const scaled = buildDiagram(handshakeEvents().map(decodeEvent));
    const i18n = new I18n("en");
    const say = (d: typeof scaled, n: number) =>
      explainSegment(d.arrows[n]).map((s) => i18n.t(s.key, s.params));
    // The final ACK: win 512 from a client that announced ws 7.
    expect(say(scaled, 2)).toContain(
      "Window 512 << 7 = 65536 bytes: both SYNs offered window scaling, so client's windows after its SYN are shifted by the factor it announced.",
    );
    // The SYN's own window is never scaled.
    expect(say(scaled, 0).some((t) => t.startsWith("Window 65535:"))).toBe(true);
    // If only one SYN offered it, neither side scales (the server's SYN-ACK here has no options).
    const oneSided = buildDiagram(
      [
        {
          id: 1,
          time: 0,
          type: "segment.sent",
          segmentId: "1",
          from: "client",
          to: "server",
          retransmission: false,
          segment: segment({
            from: "client",
            seq: 1000,
            flags: ["SYN"],
            options: [{ kind: "WS", value: 7 }],
          }),
        },
        {
          id: 2,
          time: 1,
          type: "segment.sent",
          segmentId: "2",
          from: "server",
          to: "client",
          retransmission: false,
          segment: segment({ from: "server", seq: 5000, ack: 1001, flags: ["SYN", "ACK"] }),
        },
        {
          id: 3,
          time: 2,
          type: "segment.sent",
          segmentId: "3",
          from: "client",
          to: "server",
          retransmission: false,
          segment: segment({ from: "client", seq: 1001, ack: 5001, flags: ["ACK"], window: 512 }),
        },
      ].map(decodeEvent),
    );
    expect(oneSided.arrows[2].numbers.windowShift).toBeUndefined();
    expect(scaled.arrows[2].numbers.windowShift).toBe(7);
  });
});
