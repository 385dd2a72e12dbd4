import { describe, expect, it } from "vitest";
import { decodeEvent } from "../src/api/decode";
import { EventStream } from "../src/api/stream";
import type { LabEvent } from "../src/model/events";
import { handshakeEvents } from "./fixtures/wire";

const all = handshakeEvents().map(decodeEvent);

class FakeSocket {
  onopen: (() => void) | null = null;
  onmessage: ((m: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {}
  close() {
    this.onclose?.();
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
