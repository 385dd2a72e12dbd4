// A QR code of the viewer link, so a class can open it from a projector. Encoding is uqr's (a
// small, dependency-free encoder bundled with the app, so it works offline); drawing is one SVG
// path of dark modules.

import { encode } from "uqr";
import { svg } from "../render/dom";

/** The dark modules of a QR code as one SVG path, and its size in modules (with a quiet zone). */
export function qrPath(text: string): { size: number; d: string } {
  const qr = encode(text, { ecc: "M", border: 2 });
  const parts: string[] = [];
  qr.data.forEach((row, y) => {
    for (let x = 0; x < row.length;) {
      if (!row[x]) {
        x++;
        continue;
      }
      let run = 1;
      while (x + run < row.length && row[x + run]) run++;
      parts.push(`M${x},${y}h${run}v1h-${run}z`);
      x += run;
    }
  });
  return { size: qr.size, d: parts.join("") };
}

export function qrSvg(text: string, px: number, label: string): SVGSVGElement {
  const { size, d } = qrPath(text);
  return svg(
    "svg",
    {
      class: "qr",
      width: px,
      height: px,
      viewBox: `0 0 ${size} ${size}`,
      role: "img",
      "aria-label": label,
      "shape-rendering": "crispEdges",
    },
    svg("rect", { width: size, height: size, fill: "#fff" }),
    svg("path", { d, fill: "#000" }),
  );
}
