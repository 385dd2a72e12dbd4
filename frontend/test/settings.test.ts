import { describe, expect, it } from "vitest";
import { openOwnLab, readSettings, viewerUrl } from "../src/app/settings";

function page(json: string | null, pathname: string, origin = "https://school.example") {
  const doc = {
    getElementById: (id: string) =>
      id === "tcplab-settings" && json !== null ? { textContent: json } : null,
  } as unknown as Document;
  return readSettings(doc, { pathname, origin } as Location);
}

describe("settings behind a proxy at a sub-path", () => {
  it("takes the API base and base path from the page", () => {
    const s = page(
      JSON.stringify({
        labId: "abc",
        basePath: "/tcplab",
        apiBase: "/tcplab/api",
        publicBase: "https://school.example/tcplab/",
      }),
      "/tcplab/labs/abc",
    );
    expect(s.basePath).toBe("/tcplab");
    expect(s.apiBase).toBe("/tcplab/api");
    expect(viewerUrl(s, "abc")).toBe("https://school.example/tcplab/labs/abc");
  });

  it("derives the API base from the base path when the page gives only that", () => {
    const s = page(JSON.stringify({ basePath: "/tcplab/" }), "/tcplab/");
    expect(s.apiBase).toBe("/tcplab/api");
    expect(s.labId).toBeNull();
  });

  it("finds the lab id in a prefixed path", () => {
    expect(page(null, "/tcplab/labs/X_y-1").labId).toBe("X_y-1");
    expect(page(null, "/labs/abc").labId).toBe("abc");
    expect(page(null, "/").labId).toBeNull();
  });

  it("at the root, everything is as before", () => {
    const s = page(null, "/");
    expect(s.basePath).toBe("");
    expect(s.apiBase).toBe("/api");
    expect(s.publicBase).toBe("https://school.example");
  });

  it("opens a new lab under the base path", () => {
    const went: string[] = [];
    const store = new Map<string, string>();
    const storage = {
      setItem: (k: string, v: string) => void store.set(k, v),
    } as unknown as Storage;
    openOwnLab(
      { id: "L1", token: "t" },
      "/tcplab",
      { assign: (u: string) => void went.push(u) } as unknown as Location,
      storage,
    );
    expect(went).toEqual(["/tcplab/labs/L1"]);
    expect(store.get("tcplab.token.L1")).toBe("t");
  });
});
