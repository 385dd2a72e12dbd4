import { describe, expect, it, vi } from "vitest";
import { decodeEvent } from "../src/api/decode";
import { buildDiagram, DiagramBuilder } from "../src/model/diagram";
import { dropReason, eventRows, filterRows } from "../src/features/table";
import { Playback, nextStop, prevStop } from "../src/features/playback";
import { groupScenarios } from "../src/app/start-page";
import { problemMessage } from "../src/app/shell";
import { qrPath } from "../src/features/qr";
import { wrap } from "../src/features/export";
import { I18n } from "../src/i18n";
import { droppedSynEvents, handshakeEvents } from "./fixtures/wire";
import type { ScenarioInfo } from "../src/model/events";

const en = new I18n("en");
const zh = new I18n("zh-CN");

describe("event table rows", () => {
  const m = buildDiagram(droppedSynEvents().map(decodeEvent));

  it("has one row per event, linking segment rows to their arrows", () => {
    const rows = eventRows(m, "relative", en);
    expect(rows.length).toBe(m.events.length);
    const sent = rows.filter((r) => r.arrowIndex !== undefined);
    expect(sent.map((r) => r.arrowIndex)).toEqual([0, 1]);
    expect(sent[1].info).toBe("[retransmission] SYN seq=0 win=65535");
    expect(rows.find((r) => r.cls === "dropped")?.info).toBe("dropped #1: fault rule: drop");
  });

  it("numbers as the view does", () => {
    const rows = eventRows(m, "absolute", en);
    expect(rows.filter((r) => r.arrowIndex !== undefined)[0].info).toBe("SYN seq=1000 win=65535");
  });

  it("filters on every word, case-insensitively", () => {
    const rows = eventRows(m, "relative", en);
    expect(filterRows(rows, "retrans").filter((r) => r.arrowIndex !== undefined).length).toBe(1);
    expect(
      filterRows(rows, "SYN client").every((r) => r.source === "client" || r.dest === "client"),
    ).toBe(true);
    expect(filterRows(rows, "  ")).toBe(rows);
    expect(filterRows(rows, "nothing-like-this")).toEqual([]);
  });

  it("speaks the page's language, hosts, causes and reasons included", () => {
    const rows = eventRows(m, "relative", zh);
    expect(rows.find((r) => r.cls === "dropped")?.info).toBe("已丢弃 #1：故障规则：drop");
    expect(rows.find((r) => r.cls === "timer")?.info).toBe("重传定时器启动，到期时间 1.000 s");
    const state = rows.find((r) => r.cls === "state" && r.info.includes("SYN_SENT"));
    expect(state?.source).toBe("客户端");
    expect(dropReason("no-listener", zh)).toBe("没有监听者");
    expect(dropReason("something-new: x", zh)).toBe("something-new：x");
  });

  it("stops at the playback limit", () => {
    expect(eventRows(m, "relative", en, 0, 3).map((r) => r.no)).toEqual([1, 2, 3]);
  });

  it("shows narration in the chosen language", () => {
    const h = buildDiagram(handshakeEvents().map(decodeEvent));
    const row = eventRows(h, "relative", zh).find((r) => r.cls === "narration");
    expect(row?.info).toBe("▶ 服务器在 80 端口监听。");
  });

  it("names a suppressed ACK and a zero-window probe", () => {
    const b = new DiagramBuilder();
    const seg = handshakeEvents().find((e) => e.type === "segment.sent")!;
    b.add(decodeEvent({ ...seg, id: 1, retransmission: true, probe: true }));
    b.add(
      decodeEvent({
        id: 2,
        time: 1,
        type: "ack.suppressed",
        host: "server",
        reason: "delayed-ack",
        detail: "",
      }),
    );
    const rows = eventRows(b.model, "relative", en);
    expect(rows[0].info.startsWith("[zero-window probe] SYN")).toBe(true);
    expect(rows[0].info).not.toContain("retransmission");
    expect(rows[1]).toMatchObject({ source: "server", cls: "ack-suppressed" });
    expect(rows[1].info).toContain("ACK not sent (delayed ACK)");
  });
});

describe("segment steps", () => {
  const m = new DiagramBuilder();
  for (const e of handshakeEvents().map(decodeEvent)) m.add(e);
  const kinds = (from: number, to: number) => m.model.events.slice(from, to).map((e) => e.kind);

  it("stop after each segment's send and each arrival, with what they cause", () => {
    const stops = m.segmentStops();
    // 3 segments: 3 sends and 3 arrivals.
    expect(stops.length).toBe(6);
    expect(stops.at(-1)).toBe(m.model.events.length);
    // The first step: the narration, the listen, the SYN_SENT state, the SYN and its timer.
    expect(kinds(0, stops[0])).toEqual([
      "narration",
      "state",
      "narration",
      "state",
      "segmentSent",
      "timer",
    ]);
    // The SYN's arrival, with the state it causes.
    expect(kinds(stops[0], stops[1])).toEqual(["segmentDelivered", "state"]);
  });

  it("step from live starts from the beginning; steps go forward and back", () => {
    const changed = vi.fn();
    const p = new Playback(
      {
        total: () => m.model.events.length,
        stops: () => m.segmentStops(),
        timeOf: (i) => m.model.events[i].time,
      },
      changed,
    );
    expect(p.limit()).toBe(m.model.events.length);
    p.step();
    expect(p.mode).toBe("paused");
    expect(p.limit()).toBe(m.segmentStops()[0]);
    p.step();
    expect(p.limit()).toBe(m.segmentStops()[1]);
    p.step(-1);
    expect(p.limit()).toBe(m.segmentStops()[0]);
    p.stepEvent();
    expect(p.limit()).toBe(m.segmentStops()[0] + 1);
    p.stepEvent(-1);
    p.stepEvent(-1);
    expect(p.limit()).toBe(m.segmentStops()[0] - 1);
    p.live();
    expect(p.limit()).toBe(m.model.events.length);
    expect(changed).toHaveBeenCalledTimes(7);
  });

  it("finds the stops around a position", () => {
    expect(nextStop([3, 5, 9], 0, 12)).toBe(3);
    expect(nextStop([3, 5, 9], 5, 12)).toBe(9);
    expect(nextStop([3, 5, 9], 9, 12)).toBe(12);
    expect(prevStop([3, 5, 9], 9)).toBe(5);
    expect(prevStop([3, 5, 9], 3)).toBe(0);
  });
});

describe("playback", () => {
  const source = (total: () => number) => ({
    total,
    stops: () => Array.from({ length: total() }, (_, i) => i + 1),
    timeOf: (i: number) => i * 10,
  });

  it("pauses at the current end, scrubs and goes live again", () => {
    let total = 5;
    const p = new Playback(
      source(() => total),
      () => {},
    );
    p.pause();
    total = 8; // events keep arriving while paused
    expect(p.limit()).toBe(5);
    p.scrub(2);
    expect(p.limit()).toBe(2);
    p.scrub(99);
    expect(p.limit()).toBe(8);
    p.live();
    total = 9;
    expect(p.limit()).toBe(9);
  });

  it("replays from the start, one step at a time, faster at a higher speed, back to live", () => {
    vi.useFakeTimers();
    try {
      const slow = new Playback(
        source(() => 10),
        () => {},
      );
      const fast = new Playback(
        source(() => 10),
        () => {},
      );
      fast.setSpeed(4);
      slow.replay();
      fast.replay();
      expect(slow.mode).toBe("replay");
      expect(slow.limit()).toBe(1);
      vi.advanceTimersByTime(2000);
      expect(fast.limit()).toBeGreaterThan(slow.limit());
      vi.advanceTimersByTime(60_000);
      expect(slow.mode).toBe("live");
      expect(slow.limit()).toBe(10);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("the start page's library", () => {
  const s = (name: string, group: string): ScenarioInfo => ({
    name,
    title: name,
    description: "",
    group,
    params: [],
  });

  it("groups scenarios in course order, keeping the server's order within a group", () => {
    const groups = groupScenarios([
      s("normal-close", "closing"),
      s("three-way-handshake", "handshake"),
      s("old-duplicate-syn", "why-three"),
      s("two-way-handshake-old-duplicate", "why-three"),
      s("blind-reset", "attacks"),
      s("new-thing", "something-else"),
      s("syn-lost", "loss"),
    ]);
    expect(groups.map((g) => g.group)).toEqual([
      "handshake",
      "why-three",
      "loss",
      "closing",
      "attacks",
      "something-else",
    ]);
    expect(groups[1].scenarios.map((x) => x.name)).toEqual([
      "old-duplicate-syn",
      "two-way-handshake-old-duplicate",
    ]);
  });
});

describe("refusals in the page's language", () => {
  it("says what kind of refusal it is, then the server's own detail", () => {
    const p = { status: 400, field: "match.probability", detail: "must be at most 1" };
    expect(problemMessage(p, en)).toBe(
      "The server did not accept this request (field match.probability): must be at most 1",
    );
    expect(problemMessage(p, zh)).toBe(
      "服务器没有接受这个请求（字段 match.probability）：must be at most 1",
    );
    expect(problemMessage({ status: 418, detail: "teapot" }, en)).toBe(
      "The server refused this (HTTP 418): teapot",
    );
  });

  it("says a known problem code in Chinese without the server's English detail", () => {
    const busy = { status: 503, code: "lab-busy", detail: "lab x is busy with other work" };
    expect(problemMessage(busy, zh)).toBe("实验正忙：请稍后再试");
    expect(problemMessage(busy, en)).toBe(
      "The server cannot do this now: lab x is busy with other work",
    );
    const field = { status: 400, code: "invalid-field", field: "port", detail: "must be 1..65535" };
    expect(problemMessage(field, zh)).toBe("这个值不被接受（字段 port）");
    const twice = { status: 409, code: "tcp-state", detail: "connection already exists" };
    expect(problemMessage(twice, zh)).toBe("连接已经存在（RFC 9293 §3.10.1）：请换一个本地端口");
    // A code this page does not know yet keeps the server's words.
    expect(problemMessage({ status: 409, code: "new-kind", detail: "why" }, zh)).toBe(
      "实验当前的状态不允许这样做：why",
    );
  });
});

describe("QR code", () => {
  it("encodes the viewer link as square modules with a quiet zone", () => {
    const { size, d } = qrPath("http://192.168.1.20:8080/labs/abcdefghijklmnopqrstuv");
    expect(size).toBeGreaterThanOrEqual(25 + 4);
    expect(d).toMatch(/^M\d+,\d+h\d+v1h-\d+z/);
    // The top-left finder pattern starts after the 2-module border.
    expect(d.startsWith("M2,2h7")).toBe(true);
  });
});

describe("export text", () => {
  it("wraps narration at spaces, and anywhere in Chinese", () => {
    const m = (t: string) => t.length * 10;
    expect(wrap("the quick brown fox", 100, m)).toEqual(["the quick", "brown fox"]);
    expect(wrap("服务器在八十端口监听。", 50, m)).toEqual(["服务器在八", "十端口监听", "。"]);
  });
});
