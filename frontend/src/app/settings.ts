// Settings the server hands the page (Thymeleaf writes them into
// <script id="tcplab-settings" type="application/json">), and the lab token's storage.

export interface Settings {
  labId: string | null;
  /** The app's own path on this origin: "" at the root, "/tcplab" behind a proxy at that sub-path. */
  basePath: string;
  /** `/compare/{a}/{b}`: two labs side by side. */
  compare: [string, string] | null;
  apiBase: string;
  tapAvailable: boolean;
  tapReason: string;
  version: string;
  defaultLocale: string | null;
  /** Where viewers reach this server (tcplab.public-url, or the forwarded or request host). */
  publicBase: string;
  /** `/labs/{lab}/handout`: the segment whose header it shows (an event id; 0: the default) and the paper. */
  handout: { segment: number; paper: "a4" | "letter" } | null;
}

export function readSettings(doc: Document, loc: Location): Settings {
  let raw: Record<string, unknown> = {};
  const el = doc.getElementById("tcplab-settings");
  if (el?.textContent) {
    try {
      raw = JSON.parse(el.textContent);
    } catch {
      raw = {};
    }
  }
  const fromPath = /(?:^|\/)labs\/([A-Za-z0-9_-]+)\/?$/.exec(loc.pathname)?.[1] ?? null;
  const basePath = (typeof raw.basePath === "string" ? raw.basePath : "").replace(/\/+$/, "");
  const pair = /(?:^|\/)compare\/([A-Za-z0-9_-]+)\/([A-Za-z0-9_-]+)\/?$/.exec(loc.pathname);
  return {
    compare: pair ? [pair[1], pair[2]] : null,
    labId: typeof raw.labId === "string" && raw.labId ? raw.labId : fromPath,
    basePath,
    apiBase: typeof raw.apiBase === "string" ? raw.apiBase : `${basePath}/api`,
    tapAvailable: raw.tapAvailable === true,
    tapReason: typeof raw.tapReason === "string" ? raw.tapReason : "",
    version: typeof raw.version === "string" ? raw.version : "dev",
    defaultLocale: typeof raw.defaultLocale === "string" ? raw.defaultLocale : null,
    handout: readHandout(raw.handout),
    publicBase: (typeof raw.publicBase === "string" && raw.publicBase
      ? raw.publicBase
      : loc.origin
    ).replace(/\/+$/, ""),
  };
}

function readHandout(raw: unknown): Settings["handout"] {
  if (!raw || typeof raw !== "object") return null;
  const r = raw as Record<string, unknown>;
  return {
    segment: typeof r.segment === "number" && r.segment > 0 ? r.segment : 0,
    paper: r.paper === "letter" ? "letter" : "a4",
  };
}

/** The printable handout of a lab, in a language (`en` or `zh`). */
export function handoutUrl(s: Settings, lab: string, locale: string): string {
  const lang = locale.startsWith("zh") ? "zh" : "en";
  return `${s.basePath}/labs/${encodeURIComponent(lab)}/handout?lang=${lang}`;
}

const KEY = (lab: string) => `tcplab.token.${lab}`;

/**
 * The token that lets this browser change the lab: from the URL fragment (`#token=...`, the
 * teacher's own link), remembered in localStorage per lab; absent for viewers.
 */
export function labToken(lab: string, loc: Location, storage: Storage): string | null {
  const m = /(?:^#|&)token=([^&]+)/.exec(loc.hash);
  if (m) {
    const t = decodeURIComponent(m[1]);
    try {
      storage.setItem(KEY(lab), t);
    } catch {
      /* private mode: the fragment still works for this page */
    }
    return t;
  }
  try {
    return storage.getItem(KEY(lab));
  } catch {
    return null;
  }
}

/** Remembers a lab's token; false where storage is refused (private mode). */
export function rememberToken(lab: string, token: string, storage: Storage): boolean {
  try {
    storage.setItem(KEY(lab), token);
    return true;
  } catch {
    return false;
  }
}

/** Opens a lab this browser just created: the token stays in storage, or in the fragment. */
export function openOwnLab(
  lab: { id: string; token: string },
  basePath: string,
  loc: Location,
  storage: Storage,
): void {
  const path = `${basePath}/labs/${encodeURIComponent(lab.id)}`;
  loc.assign(
    rememberToken(lab.id, lab.token, storage)
      ? path
      : `${path}#token=${encodeURIComponent(lab.token)}`,
  );
}

/** The viewer link of a lab, for the class. */
export function viewerUrl(s: Settings, lab: string): string {
  return `${s.publicBase}/labs/${encodeURIComponent(lab)}`;
}
