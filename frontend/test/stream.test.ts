import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { decodeEvent } from "../src/api/decode";
import { EventStream, backoffDelay, type StreamStatus } from "../src/api/stream";
import type { LabEvent } from "../src/model/events";
import { handshakeEvents } from "./fixtures/wire";

const all = handshakeEvents().map(decodeEvent);

class FakeSocket {
  onopen: (() => void) | null = null;
  onmessage: ((m: { data: string }) => void) | null = null;
  onclose: ((e?: { code: number; reason: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {}
  close(code = 1006, reason = "") {
    this.onclose?.({ code, reason });
  }
  push(id: number) {
    this.onmessage?.({ data: JSON.stringify(handshakeEvents()[id - 1]) });
  }
}

describe("event stream", () => {
  it("resumes after a drop from the last id, with no repeats and no gaps", async () => {
    const sockets: FakeSocket[] = [];
    const got: LabEvent[] = [];
    const s = new EventStream({
      url: (after) => `ws://x/stream?after=${after}`,
      // The server had logged up to id 6 while the viewer was away.
      fetchAfter: async (after) => all.filter((e) => e.id > after && e.id <= 6),
      onEvents: (e) => got.push(...e),
      onStatus: () => {},
      socket: (u) => {
        const f = new FakeSocket(u);
        sockets.push(f);
        return f as unknown as WebSocket;
      },
      minDelay: 1,
    });
    s.start();
    sockets[0].onopen?.();
    for (const id of [1, 2, 3, 4]) sockets[0].push(id);
    sockets[0].close();
    await new Promise((r) => setTimeout(r, 20));
    // Caught up over REST meanwhile, so it resumes from there.
    expect(sockets[1].url).toBe("ws://x/stream?after=6");
    // The server replays ones we already have, then continues.
    for (const id of [4, 5, 6, 7]) sockets[1].push(id);
    expect(got.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    s.stop();
  });

  it("fills a gap over REST before delivering what came after it", async () => {
    const got: number[] = [];
    const s = new EventStream({
      url: () => "",
      fetchAfter: async (after) => all.filter((e) => e.id > after),
      onEvents: (e) => got.push(...e.map((x) => x.id)),
      onStatus: () => {},
    });
    s.accept([all[0], all[1]]);
    s.accept([all[4]]);
    s.accept([all[5]]);
    await new Promise((r) => setTimeout(r, 5));
    expect(got).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("keeps up over REST while the socket cannot connect", async () => {
    const got: number[] = [];
    const sockets: FakeSocket[] = [];
    const s = new EventStream({
      url: () => "ws://x",
      fetchAfter: async (after) => all.filter((e) => e.id > after && e.id <= 5),
      onEvents: (e) => got.push(...e.map((x) => x.id)),
      onStatus: () => {},
      socket: (u) => {
        const f = new FakeSocket(u);
        sockets.push(f);
        return f as unknown as WebSocket;
      },
      minDelay: 1000,
    });
    s.start();
    sockets[0].close(); // refused before it ever opened
    await new Promise((r) => setTimeout(r, 5));
    expect(got).toEqual([1, 2, 3, 4, 5]);
    s.stop();
  });
});

describe("reconnecting", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function harness(random = () => 0.5) {
    const sockets: FakeSocket[] = [];
    const statuses: StreamStatus[] = [];
    const gone: string[] = [];
    let rest = 0;
    const s = new EventStream({
      url: (after) => `ws://x?after=${after}`,
      fetchAfter: async () => {
        rest++;
        return [];
      },
      onEvents: () => {},
      onStatus: (st) => statuses.push(st),
      onGone: (r) => gone.push(r),
      socket: (u) => {
        const f = new FakeSocket(u);
        sockets.push(f);
        return f as unknown as WebSocket;
      },
      random,
      minDelay: 500,
      maxDelay: 30_000,
    });
    return { s, sockets, statuses, gone, rest: () => rest };
  }

  it("backs off exponentially with jitter, capped, and starts over once connected", () => {
    expect(backoffDelay(0, 500, 30_000, 0)).toBe(250);
    expect(backoffDelay(0, 500, 30_000, 1)).toBe(500);
    expect(backoffDelay(3, 500, 30_000, 1)).toBe(4000);
    expect(backoffDelay(20, 500, 30_000, 1)).toBe(30_000);
    expect(backoffDelay(20, 500, 30_000, 0)).toBe(250);

    const h = harness(() => 1);
    h.s.start();
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      h.sockets.at(-1)!.close();
      const before = h.sockets.length;
      let waited = 0;
      while (h.sockets.length === before) {
        vi.advanceTimersByTime(250);
        waited += 250;
      }
      waits.push(waited);
    }
    expect(waits).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    h.sockets.at(-1)!.onopen?.();
    h.sockets.at(-1)!.close();
    vi.advanceTimersByTime(500);
    expect(h.sockets.length).toBe(10);
    h.s.stop();
  });

  it("spreads a class's reconnects apart (jitter)", () => {
    const delays = [0, 0.25, 0.5, 0.75, 0.99].map((r) => backoffDelay(4, 500, 30_000, r));
    expect(new Set(delays).size).toBe(5);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(250);
    expect(Math.max(...delays)).toBeLessThanOrEqual(8000);
  });

  it("stops for good when the lab is gone (close 4404), and says why", () => {
    const h = harness();
    h.s.start();
    h.sockets[0].onopen?.();
    h.sockets[0].close(4404, "no lab abc");
    vi.advanceTimersByTime(120_000);
    expect(h.sockets.length).toBe(1);
    expect(h.gone).toEqual(["no lab abc"]);
    expect(h.statuses.at(-1)).toBe("gone");
    expect(h.rest()).toBe(0);
  });

  it("stops when the REST catch-up answers 404", async () => {
    const sockets: FakeSocket[] = [];
    const gone: string[] = [];
    const s = new EventStream({
      url: () => "ws://x",
      fetchAfter: async () => {
        throw Object.assign(new Error("no lab"), { status: 404 });
      },
      onEvents: () => {},
      onStatus: () => {},
      onGone: (r) => gone.push(r),
      isGone: (e) => (e as { status?: number }).status === 404,
      socket: (u) => {
        const f = new FakeSocket(u);
        sockets.push(f);
        return f as unknown as WebSocket;
      },
      random: () => 0.5,
    });
    s.start();
    sockets[0].close();
    await vi.advanceTimersByTimeAsync(0);
    expect(gone).toEqual(["no lab"]);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(sockets.length).toBe(1);
  });
});
