// The start page's capture panels: upload a pcap/pcapng (file picker or drag and drop) and list the
// conversations it became; open a capture recorded against Linux; how to capture a handshake.

import type { CaptureApi, UploadResult } from "../api/captures";
import type { I18n } from "../i18n";
import { clear, h } from "../render/dom";
import type { Ui } from "./forms";

const TOKEN = (lab: string) => `tcplab.capture.${lab}`;

/** The upload's token, which deletes its labs; kept apart from lab tokens: a capture has no controls. */
export function captureToken(lab: string, storage: Storage): string | null {
  try {
    return storage.getItem(TOKEN(lab));
  } catch {
    return null;
  }
}

function remember(result: UploadResult, storage: Storage): void {
  try {
    for (const c of result.conversations) storage.setItem(TOKEN(c.labId), result.token);
  } catch {
    /* private mode: the labs still open, only deleting them from this page needs the token */
  }
}

export interface CapturePanelsOptions {
  api: CaptureApi;
  ui: Ui;
  run: (work: () => Promise<unknown>) => Promise<void>;
  storage: Storage;
}

/** The upload panel and the "Linux, recorded" panel. */
export function capturePanels(o: CapturePanelsOptions): HTMLElement[] {
  const { api, ui, run, storage } = o;
  const i18n = ui.i18n;
  const results = h("div", { class: "capture-result", "aria-live": "polite" });
  let last: { name: string; result: UploadResult } | null = null;

  const show = (name: string, r: UploadResult) => {
    last = { name, result: r };
    remember(r, storage);
    clear(results);
    results.append(
      h(
        "p",
        { class: "capture-summary" },
        i18n.t("capture.result", {
          name,
          packets: r.packets,
          conversations: r.conversations.length + r.conversationsLeftOut,
        }),
      ),
    );
    if (r.skipped.length)
      results.append(
        h(
          "p",
          { class: "hint" },
          i18n.t("capture.skipped", {
            list: r.skipped.map((s) => `${s.count} ${s.detail}`).join(", "),
          }),
        ),
      );
    if (r.note) results.append(h("p", { class: "hint" }, r.note));
    results.append(conversationList(r, i18n));
  };
  i18n.onChange(() => {
    if (last) show(last.name, last.result);
  });

  const upload = (file: File) =>
    void run(async () => {
      clear(results);
      results.append(h("p", { class: "hint" }, i18n.t("capture.uploading", { name: file.name })));
      try {
        show(file.name, await api.upload(file, file.name));
      } catch (e) {
        clear(results);
        throw e;
      }
    });

  const picker = h("input", {
    type: "file",
    name: "capture-file",
    accept: ".pcap,.pcapng,.cap,application/vnd.tcpdump.pcap",
    id: "capture-file",
  });
  picker.addEventListener("change", () => {
    const f = picker.files?.[0];
    if (f) upload(f);
    picker.value = "";
  });
  const drop = h(
    "label",
    { class: "capture-drop", for: "capture-file", "data-drop": "capture" },
    ui.text("capture.choose", "strong"),
    ui.text("capture.drop", "span", { class: "hint" }),
  );
  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    const f = e.dataTransfer?.files?.[0];
    if (f) upload(f);
  });

  // Commands, addresses and file names stay as typed, whatever the language, set as code.
  const tcpdumpHow = h("p", {});
  const wiresharkHow = h("p", {});
  const fillHowto = () => {
    withCode(tcpdumpHow, i18n.t("capture.howtoTcpdump"), {
      url: "http://example.com",
      file: "hs.pcap",
    });
    withCode(wiresharkHow, i18n.t("capture.howtoWireshark"), {
      filter: "tcp port 80",
      scheme: "http://",
    });
  };
  fillHowto();
  i18n.onChange(fillHowto);
  const howto = h(
    "details",
    { class: "capture-howto" },
    ui.text("capture.howto", "summary"),
    tcpdumpHow,
    h("pre", {}, h("code", {}, "sudo tcpdump -i any -w hs.pcap port 80")),
    wiresharkHow,
  );

  const uploadPanel = h(
    "section",
    { class: "panel capture-upload", "aria-labelledby": "capture-h" },
    ui.text("capture.title", "h2", { id: "capture-h" }),
    ui.text("capture.intro", "p", { class: "hint" }),
    picker,
    drop,
    howto,
    results,
  );

  const sampleList = h("ul", { class: "capture-samples" });
  const samplesOut = h("div", { class: "capture-result samples-result", "aria-live": "polite" });
  const showSamples = () =>
    void run(async () => {
      const list = await api.samples();
      clear(sampleList);
      for (const s of list)
        sampleList.append(
          h(
            "li",
            { "data-sample": s.name },
            h("strong", {}, s.title),
            h("p", { class: "hint" }, s.description),
            ui.button(
              "capture.open",
              () =>
                void run(async () => {
                  const r = await api.openSample(s.name);
                  remember(r, storage);
                  clear(samplesOut);
                  samplesOut.append(conversationList(r, i18n));
                  // A recording holds one conversation: go straight to it.
                  if (r.conversations.length === 1)
                    location.assign(`/labs/${encodeURIComponent(r.conversations[0].labId)}`);
                }),
              { name: `open-sample-${s.name}` },
            ),
          ),
        );
    });
  showSamples();
  i18n.onChange(showSamples);
  const samplesPanel = h(
    "section",
    { class: "panel capture-samples-panel", "aria-labelledby": "capture-samples-h" },
    ui.text("capture.samples", "h2", { id: "capture-samples-h" }),
    ui.text("capture.samplesIntro", "p", { class: "hint" }),
    sampleList,
    samplesOut,
  );
  return [uploadPanel, samplesPanel];
}

/** Fills `el` with `template`, each `{name}` in it replaced by `values[name]` set as code. */
function withCode(el: HTMLElement, template: string, values: Record<string, string>): void {
  clear(el);
  template.split(/\{(\w+)\}/).forEach((part, i) => {
    if (i % 2 === 0) el.append(part);
    else el.append(h("code", {}, values[part] ?? `{${part}}`));
  });
}

/** One line per conversation with a link to its lab; the current one (if any) marked. */
export function conversationList(
  r: { conversations: UploadResult["conversations"] },
  i18n: I18n,
  current?: string,
): HTMLElement {
  const ul = h("ul", { class: "capture-conversations" });
  for (const c of r.conversations) {
    const facts = [
      i18n.t("capture.segments", { n: c.segments }),
      i18n.t(c.complete ? "capture.complete" : "capture.incomplete"),
    ];
    if (c.durationMs !== undefined)
      facts.push(`${c.durationMs.toFixed(c.durationMs < 10 ? 3 : 1)} ms`);
    if (c.clientState && c.serverState)
      facts.push(i18n.t("capture.endStates", { client: c.clientState, server: c.serverState }));
    const here = c.labId === current;
    ul.append(
      h(
        "li",
        {
          "data-lab-id": c.labId,
          "data-complete": String(c.complete),
          class: here ? "current" : null,
        },
        h("span", { class: "conv-no" }, `#${c.index}`),
        " ",
        h("span", { class: "endpoints" }, `${c.client} → ${c.server}`),
        " ",
        h("span", { class: "hint" }, facts.join(" · ")),
        " ",
        here
          ? null
          : h(
              "a",
              {
                href: `/labs/${encodeURIComponent(c.labId)}`,
                class: "button",
                "data-open-lab": c.labId,
              },
              i18n.t("capture.open"),
            ),
      ),
    );
  }
  return ul;
}
