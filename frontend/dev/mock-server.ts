// A stand-in lab server for working on the UI without the Java server: serves dist/ and the
// fixture events over REST and WebSocket. `npm run build && npm run mock`, then open
// http://localhost:5179/labs/handshake#token=t (or /labs/dropped, /labs/big for 10,000 segments).
import { createServer } from "node:http";
import { createHash } from "node:crypto";
import { readFileSync, existsSync } from "node:fs";
import { join, extname } from "node:path";
import { corruptEvents, droppedSynEvents, handshakeEvents, segment } from "../test/fixtures/wire";

const PORT = Number(process.env.PORT ?? 5179);
const DIST = join(__dirname, "..", "dist");

function bigEvents(n: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [...handshakeEvents()];
  let id = out.length + 1;
  let t = 30;
  for (let i = 0; i < n; i++) {
    const seq = 1001 + i * 100;
    out.push({
      id: id++,
      time: t,
      type: "segment.sent",
      connection: "1",
      segmentId: String(100 + i),
      from: "client",
      to: "server",
      retransmission: false,
      segment: segment({
        from: "client",
        seq,
        ack: 5001,
        flags: ["ACK", "PSH"],
        text: "x".repeat(100),
      }),
    });
    out.push({
      id: id++,
      time: t + 10,
      type: "segment.delivered",
      connection: "1",
      segmentId: String(100 + i),
      to: "server",
    });
    t += 1;
  }
  return out;
}

const labs: Record<string, Record<string, unknown>[]> = {
  handshake: handshakeEvents(),
  dropped: droppedSynEvents(),
  corrupt: [
    ...handshakeEvents(),
    ...corruptEvents().map((e, i) => ({ ...e, id: 18 + i, time: 40 + (e.time as number) })),
  ],
  big: bigEvents(10_000),
};

function snapshot(id: string) {
  return {
    id,
    mode: "sim",
    clock: "instant",
    timeScale: 1,
    paused: false,
    time: 30,
    seed: 1,
    link: { latencyMs: 10, jitterMs: 0, bandwidthKbps: 0, mtu: 1500 },
    hosts: [
      { name: "client", ip: "192.0.2.1", listeners: [] },
      { name: "server", ip: "192.0.2.2", listeners: [80] },
    ],
    connections: [
      {
        id: "1",
        client: { state: "ESTABLISHED", localPort: 40000, remotePort: 80 },
        server: { state: "ESTABLISHED", localPort: 80, remotePort: 40000 },
      },
    ],
    faults: [],
    lastEventId: labs[id].length,
    eventCount: labs[id].length,
    limits: {},
    scenario:
      id === "handshake"
        ? {
            name: "handshake",
            title: "Three-way handshake",
            running: false,
            verdict: {
              passed: true,
              expected: [
                { from: "client", to: "server", flags: ["SYN"] },
                { from: "server", to: "client", flags: ["SYN", "ACK"] },
                { from: "client", to: "server", flags: ["ACK"] },
              ],
              actual: [
                { from: "client", to: "server", flags: ["SYN"] },
                { from: "server", to: "client", flags: ["SYN", "ACK"] },
                { from: "client", to: "server", flags: ["ACK"] },
              ],
              mismatches: [],
            },
          }
        : null,
    tap: null,
  };
}

const page = (
  lab: string | null,
) => `<!doctype html><html><head><meta charset="utf-8"><title>TCP Lab (mock)</title>
<link rel="stylesheet" href="/app/app.css"><script id="tcplab-settings" type="application/json">${JSON.stringify({ labId: lab, apiBase: "/api", tapAvailable: false, tapReason: "mock server", version: "mock", defaultLocale: null })}</script>
</head><body><div id="app"></div><script type="module" src="/app/app.js"></script></body></html>`;

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://x");
  const p = url.pathname;
  const json = (status: number, body: unknown, type = "application/json") => {
    res.writeHead(status, { "Content-Type": type });
    res.end(JSON.stringify(body));
  };
  let m: RegExpExecArray | null;
  if (p === "/" || (m = /^\/labs\/([\w-]+)$/.exec(p))) {
    res.writeHead(200, { "Content-Type": "text/html" });
    return res.end(page(p === "/" ? null : /^\/labs\/([\w-]+)$/.exec(p)![1]));
  }
  if (p.startsWith("/app/")) {
    const f = join(DIST, p);
    if (!existsSync(f)) return json(404, {});
    res.writeHead(200, { "Content-Type": extname(f) === ".js" ? "text/javascript" : "text/css" });
    return res.end(readFileSync(f));
  }
  if (p === "/api/scenarios")
    return json(200, [
      {
        name: "handshake",
        title: "Three-way handshake",
        description: "SYN, SYN-ACK, ACK",
        params: [
          { name: "clientIsn", type: "long", defaultValue: 1000, description: "client ISN" },
        ],
      },
    ]);
  if ((m = /^\/api\/labs\/([\w-]+)(\/.*)?$/.exec(p))) {
    const [, id, rest] = m;
    if (!labs[id])
      return json(
        404,
        { title: "Not Found", status: 404, detail: `no lab ${id}` },
        "application/problem+json",
      );
    if (req.method !== "GET")
      return json(
        409,
        { title: "Conflict", status: 409, detail: "the mock server cannot change labs" },
        "application/problem+json",
      );
    if (!rest) return json(200, snapshot(id));
    if (rest === "/events") {
      // The paged contract: at most `limit` (default and maximum 10,000), a Link to the next page.
      const after = Number(url.searchParams.get("after") ?? 0);
      const limit = Math.min(10_000, Number(url.searchParams.get("limit") ?? 10_000));
      const rest = labs[id].filter((e) => (e.id as number) > after);
      const page = rest.slice(0, limit);
      if (rest.length > limit)
        res.setHeader(
          "Link",
          `</api/labs/${id}/events?after=${page.at(-1)!.id as number}&limit=${limit}>; rel="next"`,
        );
      return json(200, page);
    }
    if (rest === "/capture.pcap") {
      res.writeHead(200, { "Content-Type": "application/vnd.tcpdump.pcap" });
      return res.end(Buffer.from([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0]));
    }
  }
  json(404, { title: "Not Found", status: 404, detail: p }, "application/problem+json");
});

// Minimal RFC 6455 server side: handshake, then unmasked text frames.
server.on("upgrade", (req, socket) => {
  const url = new URL(req.url ?? "/", "http://x");
  const m = /^\/api\/labs\/([\w-]+)\/events\/stream$/.exec(url.pathname);
  if (!m || !labs[m[1]]) return socket.destroy();
  const accept = createHash("sha1")
    .update(req.headers["sec-websocket-key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
    .digest("base64");
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
  const after = Number(url.searchParams.get("after") ?? 0);
  const list = labs[m[1]].filter((e) => (e.id as number) > after);
  const delay = Number(process.env.DELAY ?? (list.length > 100 ? 0 : 120));
  const frame = (e: unknown) => {
    const data = Buffer.from(JSON.stringify(e));
    const hdr =
      data.length < 126
        ? Buffer.from([0x81, data.length])
        : Buffer.from([0x81, 126, data.length >> 8, data.length & 255]);
    return Buffer.concat([hdr, data]);
  };
  if (!delay) {
    socket.write(Buffer.concat(list.map(frame)));
  } else {
    let i = 0;
    const send = () => {
      if (i >= list.length || socket.destroyed) return;
      socket.write(frame(list[i++]));
      setTimeout(send, delay);
    };
    send();
  }
  socket.on("data", () => {});
  socket.on("error", () => {});
});

server.listen(PORT, () => console.log(`mock lab server on http://localhost:${PORT}`));
