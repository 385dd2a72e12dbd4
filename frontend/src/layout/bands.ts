// Cuts a laid-out diagram into bands for print: each band at most `maxHeight` tall and cut only
// where no arrow (nor state badge, mark or step tick) is drawn, so a printed page never splits an
// arrow; the page breaks between bands. Pure, like the layout it reads.

import type { Item } from "./sequence";

export interface Band {
  top: number;
  bottom: number;
}

/** Items whose drawing a cut must not cross; timer brackets and idle breaks may be cut. */
const WHOLE = new Set<Item["type"]>(["arrow", "state", "mark", "tick"]);

/**
 * Bands covering [top, bottom]. A stretch that holds no free cut within `maxHeight` (one arrow
 * taller than a page) becomes a band of its own, taller than asked: better than cutting the arrow.
 */
export function diagramBands(
  items: readonly Item[],
  top: number,
  bottom: number,
  maxHeight: number,
): Band[] {
  // Drawn spans, clipped to the diagram; a state's yMax is its band along the lifeline (to the
  // next state), so only its badge counts: yMin to yMin plus the badge's height.
  const spans = items
    .filter((it) => WHOLE.has(it.type))
    .map((it) => {
      const end = it.type === "state" ? it.badge.y + it.badge.h : it.yMax;
      return {
        from: Math.max(top, it.yMin),
        to: Math.min(bottom, Number.isFinite(end) ? end : bottom),
      };
    })
    .filter((s) => s.to >= s.from)
    .sort((a, b) => a.from - b.from);
  // Free cuts: the middle of every gap between the drawn spans.
  const cuts: number[] = [];
  let reach = top;
  for (const s of spans) {
    if (s.from > reach) cuts.push((reach + s.from) / 2);
    reach = Math.max(reach, s.to);
  }
  if (reach < bottom) cuts.push((reach + bottom) / 2);
  const bands: Band[] = [];
  let start = top;
  while (bottom - start > maxHeight) {
    const fit = cuts.filter((c) => c > start && c - start <= maxHeight);
    const cut = fit.length ? fit[fit.length - 1] : cuts.find((c) => c > start);
    if (cut === undefined || cut >= bottom) break;
    bands.push({ top: start, bottom: cut });
    start = cut;
  }
  bands.push({ top: start, bottom });
  return bands;
}
