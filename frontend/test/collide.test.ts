import { describe, expect, it } from "vitest";
import { Placements, overlaps, yExtent } from "../src/layout/collide";

const box = (cx: number, cy: number, w = 20, h = 10, angle = 0) => ({ cx, cy, w, h, angle });

describe("oriented boxes", () => {
  it("overlap when they cross, not when they only touch", () => {
    expect(overlaps(box(0, 0), box(10, 0))).toBe(true);
    expect(overlaps(box(0, 0), box(20, 0))).toBe(false);
    expect(overlaps(box(0, 0), box(0, 10))).toBe(false);
  });

  it("take rotation into account", () => {
    // Two labels crossing in an X, like the labels of crossing SYNs.
    expect(overlaps(box(0, 0, 100, 10, 20), box(0, 0, 100, 10, -20))).toBe(true);
    // Parallel labels one line apart along a slope do not touch.
    const a = box(0, 0, 100, 10, 30);
    const dy = 12 / Math.cos((30 * Math.PI) / 180);
    expect(overlaps(a, { ...a, cy: dy })).toBe(false);
    // A square rotated 45 degrees reaches further than its unrotated bounding box.
    expect(yExtent(box(0, 0, 10, 10, 45))[1]).toBeCloseTo(Math.SQRT2 * 5);
  });
});

describe("placements", () => {
  it("take the first free candidate", () => {
    const p = new Placements();
    p.add("badge", box(0, 0));
    expect(p.place("label", [box(5, 0), box(5, 10), box(5, 20)])).toBe(1);
    expect(p.hits(box(5, 10))).toBe(1);
  });

  it("fall back to the least crowded candidate", () => {
    const p = new Placements();
    p.add("a", box(0, 0));
    p.add("b", box(0, 20));
    p.add("c", box(30, 20));
    expect(p.place("x", [box(10, 20, 40), box(0, 0)])).toBe(1);
  });

  it("make candidates only as far as needed", () => {
    const p = new Placements();
    let made = 0;
    p.place("x", (i) => (i < 5 ? (made++, box(i * 100, 0)) : undefined));
    expect(made).toBe(1);
  });

  it("can move an item again", () => {
    const p = new Placements();
    p.add("a", box(0, 0));
    p.remove("a");
    expect(p.hits(box(0, 0))).toBe(0);
  });
});
