// REST client for the captures endpoints (lab-api.md "Captures: bring your own"): upload a file as
// the raw body, list and open the recorded Linux captures, delete a capture lab with the upload's
// token. Like rest.ts, errors surface as LabApiError with the problem's detail.

import type { CaptureConversation } from "../model/events";
import { decodeCaptureConversation, problemDetail } from "./decode";
import { LabApiError } from "./rest";

type Json = Record<string, unknown>;

/** What an upload (or an opened sample) made. */
export interface UploadResult {
  token: string;
  format: string;
  packets: number;
  conversations: CaptureConversation[];
  /** Packets left aside, e.g. {detail: "UDP", count: 12}. */
  skipped: { reason: string; detail: string; count: number }[];
  conversationsLeftOut: number;
  note: string | null;
}

export interface CaptureSample {
  name: string;
  title: string;
  description: string;
}

function decodeUpload(j: Json): UploadResult {
  return {
    token: String(j.token ?? ""),
    format: String(j.format ?? ""),
    packets: typeof j.packets === "number" ? j.packets : 0,
    conversations: (Array.isArray(j.conversations) ? (j.conversations as Json[]) : []).map(
      decodeCaptureConversation,
    ),
    skipped: (Array.isArray(j.skipped) ? (j.skipped as Json[]) : []).map((s) => ({
      reason: String(s.reason ?? ""),
      detail: String(s.detail ?? ""),
      count: typeof s.count === "number" ? s.count : 0,
    })),
    conversationsLeftOut: typeof j.conversationsLeftOut === "number" ? j.conversationsLeftOut : 0,
    note: typeof j.note === "string" ? j.note : null,
  };
}

export class CaptureApi {
  constructor(
    private readonly base: string,
    private readonly locale: () => string = () => "en",
  ) {}

  private async call(method: string, path: string, body?: Blob, token?: string): Promise<unknown> {
    const headers: Record<string, string> = {
      Accept: "application/json, application/problem+json",
      "Accept-Language": this.locale(),
    };
    if (body) headers["Content-Type"] = "application/octet-stream";
    if (token) headers.Authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await fetch(this.base + path, { method, headers, body });
    } catch (e) {
      throw new LabApiError(0, `${method} ${path}: ${(e as Error).message}`);
    }
    const text = await res.text();
    let parsed: unknown = null;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    if (!res.ok)
      throw new LabApiError(res.status, problemDetail(res.status, parsed, res.statusText));
    return parsed;
  }

  async upload(file: Blob, name: string): Promise<UploadResult> {
    const j = await this.call("POST", `/captures?name=${encodeURIComponent(name)}`, file);
    return decodeUpload(j as Json);
  }

  async samples(): Promise<CaptureSample[]> {
    const j = await this.call("GET", "/captures/samples");
    return (Array.isArray(j) ? (j as Json[]) : []).map((s) => ({
      name: String(s.name ?? ""),
      title: String(s.title ?? s.name ?? ""),
      description: String(s.description ?? ""),
    }));
  }

  async openSample(name: string): Promise<UploadResult> {
    return decodeUpload(
      (await this.call("POST", `/captures/samples/${encodeURIComponent(name)}`)) as Json,
    );
  }

  async deleteLab(lab: string, token: string): Promise<void> {
    await this.call("DELETE", `/labs/${encodeURIComponent(lab)}`, undefined, token);
  }
}
