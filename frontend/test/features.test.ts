import { describe, expect, it, vi } from "vitest";
import { decodeEvent } from "../src/api/decode";
import { buildDiagram } from "../src/model/diagram";
import { eventRows, filterRows } from "../src/features/table";
import { Playback } from "../src/features/playback";
import { droppedSynEvents, handshakeEvents } from "./fixtures/wire";

const pick = (en: string) => en;

describe("event table rows", () => {
  const m = buildDiagram(droppedSynEvents().map(decodeEvent));

  it("has one row per event, linking segment rows to their arrows", () => {
    const rows = eventRows(m, true, Infinity, pick);
    expect(rows.length).toBe(m.events.length);
    const sent = rows.filter((r) => r.arrowIndex !== undefined);
    expect(sent.map((r) => r.arrowIndex)).toEqual([0, 1]);
    expect(sent[1].info).toBe("[retransmission] SYN seq=0 win=65535");
    expect(rows.find((r) => r.cls === "dropped")?.info).toBe("dropped #1: fault: drop");
  });

  it("filters on every word, case-insensitively", () => {
    const rows = eventRows(m, true, Infinity, pick);
    expect(filterRows(rows, "retrans").filter((r) => r.arrowIndex !== undefined).length).toBe(1);
    expect(
      filterRows(rows, "SYN client").every((r) => r.source === "client" || r.dest === "client"),
    ).toBe(true);
    expect(filterRows(rows, "  ")).toBe(rows);
    expect(filterRows(rows, "nothing-like-this")).toEqual([]);
  });

  it("speaks the page's language", async () => {
    const { I18n } = await import("../src/i18n");
    const zh = new I18n("zh-CN");
    const rows = eventRows(m, true, Infinity, pick, 0, (k, p) => zh.t(k, p));
    expect(rows.find((r) => r.cls === "dropped")?.info).toBe("已丢弃 #1：fault: drop");
    expect(rows.find((r) => r.cls === "timer")?.info).toBe("重传定时器启动 @ 1.000 s");
  });

  it("stops at the playback limit", () => {
    expect(eventRows(m, true, 3, pick).map((r) => r.no)).toEqual([1, 2, 3]);
  });

  it("shows narration in the chosen language", () => {
    const h = buildDiagram(handshakeEvents().map(decodeEvent));
    const zh = eventRows(h, true, Infinity, (_en, z) => z).find((r) => r.cls === "narration");
    expect(zh?.info).toBe("▶ listen: 服务器在 80 端口监听。");
  });
});

describe("playback", () => {
  it("pauses at the current end, steps, scrubs and goes live again", () => {
    let total = 5;
    const changed = vi.fn();
    const p = new Playback(
      () => total,
      (i) => i * 10,
      changed,
    );
    expect(p.limit()).toBe(5);
    p.pause();
    total = 8; // events keep arriving while paused
    expect(p.limit()).toBe(5);
    p.step();
    expect(p.limit()).toBe(6);
    p.scrub(2);
    expect(p.limit()).toBe(2);
    p.scrub(99);
    expect(p.limit()).toBe(8);
    p.live();
    total = 9;
    expect(p.limit()).toBe(9);
    expect(changed).toHaveBeenCalledTimes(5);
  });

  it("replays from the start, one event at a time, back to live at the end", () => {
    vi.useFakeTimers();
    const p = new Playback(
      () => 3,
      (i) => i,
      () => {},
    );
    p.replay();
    expect(p.mode).toBe("replay");
    expect(p.limit()).toBe(1);
    vi.advanceTimersByTime(5000);
    expect(p.mode).toBe("live");
    expect(p.limit()).toBe(3);
    vi.useRealTimers();
  });
});
