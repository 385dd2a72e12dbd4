// UI text of the capture feature (upload, recorded samples, the capture panel of a lab), merged
// into the message tables in messages.ts.

export const captureEn = {
  "capture.title": "Bring your own capture",
  "capture.intro":
    "Upload a pcap or pcapng file (tcpdump, Wireshark): each TCP conversation in it becomes a read-only lab with the capture's own times and bytes, both sides' states inferred by our RFC 9293 state machine, and notes on what a teacher would point at.",
  "capture.choose": "Choose a capture file",
  "capture.drop": "or drop a .pcap / .pcapng file here",
  "capture.howto": "Capture your own handshake",
  "capture.howtoTcpdump":
    "Linux or macOS: start tcpdump, open {url} in a browser, stop tcpdump with Ctrl-C, then upload {file}:",
  "capture.howtoWireshark":
    "Or Wireshark: capture on your network interface with the capture filter “{filter}”, browse to a {scheme} site, stop, then File › Save As… (pcapng).",
  "capture.uploading": "Reading {name}…",
  "capture.result": "{name}: {packets} packets, {conversations} TCP conversations",
  "capture.skipped": "Left aside: {list}",
  "capture.segments": "{n} segments",
  "capture.complete": "handshake captured",
  "capture.incomplete": "no full handshake",
  "capture.endStates": "ends: client {client}, server {server}",
  "capture.open": "Open",
  "capture.samples": "Linux, recorded",
  "capture.samplesIntro":
    "TAP labs recorded against a real Linux kernel: compare our stack with the kernel without a TAP server.",
  "capture.panel": "Capture",
  "capture.source": "From {source} ({format}), conversation {n}",
  "capture.startTime": "Captured at {time}",
  "capture.delays": "Capture point: {client} ms from the client, {server} ms from the server",
  "capture.readOnly":
    "A capture lab is read-only. Its states are inferred (dashed badges): hover one for its Linux name and why.",
  "capture.others": "Conversations of this file",
  "capture.delete": "Delete these labs",
  "verdict.title.capture-handshake": "Three-way handshake (RFC 9293 §3.5) with the capture's ISNs",
} as const;

export const captureZh: Record<keyof typeof captureEn, string> = {
  "capture.title": "分析你自己的抓包",
  "capture.intro":
    "上传 pcap 或 pcapng 文件（tcpdump、Wireshark）：其中每个 TCP 会话都会成为一个只读实验，保留抓包中的真实时间和字节，双方的状态由我们的 RFC 9293 状态机推断，并附上老师会指出的要点。",
  "capture.choose": "选择抓包文件",
  "capture.drop": "或把 .pcap / .pcapng 文件拖放到这里",
  "capture.howto": "抓取你自己的握手",
  "capture.howtoTcpdump":
    "Linux 或 macOS：先启动 tcpdump，在浏览器中打开 {url}，用 Ctrl-C 停止 tcpdump，然后上传 {file}：",
  "capture.howtoWireshark":
    "或者用 Wireshark：在网卡上抓包，捕获过滤器填“{filter}”，访问一个 {scheme} 网站后停止，再选择“文件 › 另存为…”（pcapng）。",
  "capture.uploading": "正在读取 {name}…",
  "capture.result": "{name}：{packets} 个数据包，{conversations} 个 TCP 会话",
  "capture.skipped": "已略过：{list}",
  "capture.segments": "{n} 个报文段",
  "capture.complete": "含完整握手",
  "capture.incomplete": "握手不完整",
  "capture.endStates": "结束时：客户端 {client}，服务器 {server}",
  "capture.open": "打开",
  "capture.samples": "Linux 实录",
  "capture.samplesIntro":
    "针对真实 Linux 内核录制的 TAP 实验：无需 TAP 服务器，也能比较我们的协议栈和内核。",
  "capture.panel": "抓包",
  "capture.source": "来自 {source}（{format}），第 {n} 个会话",
  "capture.startTime": "抓包时间 {time}",
  "capture.delays": "抓包点：距客户端 {client} 毫秒，距服务器 {server} 毫秒",
  "capture.readOnly":
    "抓包实验是只读的。其中的状态是推断出来的（虚线徽标）：悬停可看 Linux 中的名称和原因。",
  "capture.others": "此文件中的会话",
  "capture.delete": "删除这些实验",
  "verdict.title.capture-handshake": "三次握手（RFC 9293 §3.5），使用抓包中的 ISN",
};
