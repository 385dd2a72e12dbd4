// REST client for the captures endpoints (lab-api.md "Captures: bring your own"): upload a file as
// the raw body, list and open the recorded Linux captures, delete a capture lab with the upload's
// token. Requests go through LabApi, so errors are LabApiErrors with the problem's detail.

import type { CaptureConversation } from "../model/events";
import { decodeCaptureConversation } from "./decode";
import { LabApi } from "./rest";

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
  private readonly api: LabApi;

  constructor(base: string, locale: () => string = () => "en") {
    this.api = new LabApi(base, locale);
  }

  async upload(file: Blob, name: string): Promise<UploadResult> {
    const j = await this.api.request("POST", `/captures?name=${encodeURIComponent(name)}`, {
      raw: file,
    });
    return decodeUpload(j as Json);
  }

  async samples(): Promise<CaptureSample[]> {
    const j = await this.api.request("GET", "/captures/samples");
    return (Array.isArray(j) ? (j as Json[]) : []).map((s) => ({
      name: String(s.name ?? ""),
      title: String(s.title ?? s.name ?? ""),
      description: String(s.description ?? ""),
    }));
  }

  async openSample(name: string): Promise<UploadResult> {
    const j = await this.api.request("POST", `/captures/samples/${encodeURIComponent(name)}`);
    return decodeUpload(j as Json);
  }

  deleteLab(lab: string, token: string): Promise<unknown> {
    return this.api.deleteLab(lab, token);
  }
}
