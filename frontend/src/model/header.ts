// The TCP header as the classic 32-bit-wide diagram of RFC 9293 section 3.1: every field with its
// bit position, value and the bytes it occupies, so the inspector can draw the layout and link it
// to the hex dump. Computed from the segment's own bytes, so a crafted or corrupt segment shows
// exactly what was on the wire.

import type { Segment } from "./events";

export interface HeaderField {
  /** Stable id, used to link the bit layout and the hex dump. */
  id: string;
  /** i18n key of the field's name. */
  nameKey: string;
  /** Bit offset from the start of the TCP header, and width. */
  bit: number;
  bits: number;
  /** Byte range [start, end) in the segment bytes. */
  start: number;
  end: number;
  value: string;
}

const be16 = (b: Uint8Array, i: number) => ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
const be32 = (b: Uint8Array, i: number) => be16(b, i) * 65536 + be16(b, i + 2);
const hex = (n: number, w: number) => "0x" + n.toString(16).padStart(w, "0");

const FLAG_BITS = ["CWR", "ECE", "URG", "ACK", "PSH", "RST", "SYN", "FIN"];

export function headerFields(seg: Segment): HeaderField[] {
  const b = seg.bytes;
  const f: HeaderField[] = [];
  const add = (id: string, nameKey: string, bit: number, bits: number, value: string) =>
    f.push({
      id,
      nameKey,
      bit,
      bits,
      start: Math.floor(bit / 8),
      end: Math.ceil((bit + bits) / 8),
      value,
    });
  if (b.length < 20) return f;
  add("srcPort", "field.srcPort", 0, 16, String(be16(b, 0)));
  add("dstPort", "field.dstPort", 16, 16, String(be16(b, 2)));
  add("seq", "field.seq", 32, 32, String(be32(b, 4)));
  add("ack", "field.ack", 64, 32, String(be32(b, 8)));
  const off = b[12] >> 4;
  add("dataOffset", "field.dataOffset", 96, 4, String(off));
  add("reserved", "field.reserved", 100, 4, String(b[12] & 0x0f));
  FLAG_BITS.forEach((name, i) => {
    const set = (b[13] >> (7 - i)) & 1;
    add(`flag${name}`, `flag.${name}`, 104 + i, 1, String(set));
  });
  add("window", "field.window", 112, 16, String(be16(b, 14)));
  add("checksum", "field.checksum", 128, 16, hex(be16(b, 16), 4) + (seg.checksumOk ? "" : " ✗"));
  add("urgent", "field.urgent", 144, 16, String(be16(b, 18)));
  const hdrEnd = Math.min(b.length, Math.max(20, off * 4));
  let i = 20;
  let n = 0;
  while (i < hdrEnd) {
    const kind = b[i];
    const len = kind <= 1 ? 1 : Math.max(2, b[i + 1] ?? 2);
    const end = Math.min(hdrEnd, i + len);
    const id = `opt${n++}`;
    f.push({
      id,
      nameKey: "field.option",
      bit: i * 8,
      bits: (end - i) * 8,
      start: i,
      end,
      value: describeOptionBytes(b, i, end),
    });
    if (kind === 0) {
      // Everything after End of Option List is padding (RFC 9293 3.2).
      if (end < hdrEnd)
        f.push({
          id: "padding",
          nameKey: "field.padding",
          bit: end * 8,
          bits: (hdrEnd - end) * 8,
          start: end,
          end: hdrEnd,
          value: "",
        });
      break;
    }
    i = end;
  }
  if (b.length > hdrEnd)
    f.push({
      id: "payload",
      nameKey: "field.payload",
      bit: hdrEnd * 8,
      bits: (b.length - hdrEnd) * 8,
      start: hdrEnd,
      end: b.length,
      value: `${b.length - hdrEnd} B`,
    });
  return f;
}

function describeOptionBytes(b: Uint8Array, i: number, end: number): string {
  const kind = b[i];
  switch (kind) {
    case 0:
      return "EOL";
    case 1:
      return "NOP";
    case 2:
      return `MSS ${be16(b, i + 2)}`;
    case 3:
      return `WS ${b[i + 2]} (×${2 ** (b[i + 2] ?? 0)})`;
    case 4:
      return "SACK_PERM";
    case 5: {
      const blocks: string[] = [];
      for (let p = i + 2; p + 8 <= end; p += 8) blocks.push(`${be32(b, p)}-${be32(b, p + 4)}`);
      return `SACK ${blocks.join(" ")}`;
    }
    case 8:
      return `TS val=${be32(b, i + 2)} ecr=${be32(b, i + 6)}`;
    default:
      return `kind ${kind}, ${end - i} B`;
  }
}

/** Which field owns each byte (for hex-dump hover). */
export function byteOwners(fields: HeaderField[], length: number): (string | undefined)[] {
  const owners: (string | undefined)[] = new Array(length).fill(undefined);
  for (const f of fields) {
    // Sub-byte fields (flags, offset) share bytes 12-13: the byte belongs to the group.
    if (f.bits < 8) continue;
    for (let i = f.start; i < f.end && i < length; i++) owners[i] = f.id;
  }
  owners[12] = owners[12] ?? "dataOffset";
  owners[13] = owners[13] ?? "flags";
  return owners;
}

/** The bytes a field id highlights in the hex dump. */
export function fieldBytes(fields: HeaderField[], id: string): [number, number] | undefined {
  if (id === "flags") return [13, 14];
  const f = fields.find((x) => x.id === id);
  return f ? [f.start, f.end] : undefined;
}
