// Client-side playback over the events received so far: live (follow the end), paused at a
// cursor, stepping, or replaying from the start at a chosen speed. A step moves one segment
// (its send, or its arrival or loss, with the state changes and timers that causes); event-level
// steps stay available. Stepping from Live starts a lesson from the beginning.

export type PlaybackMode = "live" | "paused" | "replay";

export const SPEEDS = [0.25, 0.5, 1, 2, 4] as const;

export interface PlaybackSource {
  total: () => number;
  /** Event counts at which segment steps stop, ascending, the last one `total()`. */
  stops: () => readonly number[];
  /** Virtual time of the event at an index. */
  timeOf: (index: number) => number;
}

export class Playback {
  mode: PlaybackMode = "live";
  /** Number of events shown when not live. */
  cursor = 0;
  speed = 1;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly src: PlaybackSource,
    private readonly changed: () => void,
  ) {}

  /** How many events to draw. */
  limit(): number {
    return this.mode === "live" ? this.src.total() : Math.min(this.cursor, this.src.total());
  }

  pause(): void {
    this.stopTimer();
    if (this.mode === "live") this.cursor = this.src.total();
    this.mode = "paused";
    this.changed();
  }

  live(): void {
    this.stopTimer();
    this.mode = "live";
    this.changed();
  }

  /** One segment forward (or back); from Live, the first segment of the lab. */
  step(dir: 1 | -1 = 1): void {
    const from = this.enterPaused();
    const stops = this.src.stops();
    this.cursor = dir > 0 ? nextStop(stops, from, this.src.total()) : prevStop(stops, from);
    this.changed();
  }

  /** One event forward (or back); from Live, the first event. */
  stepEvent(dir: 1 | -1 = 1): void {
    const from = this.enterPaused();
    this.cursor = Math.max(0, Math.min(this.src.total(), from + dir));
    this.changed();
  }

  scrub(n: number): void {
    this.stopTimer();
    this.mode = "paused";
    this.cursor = Math.max(0, Math.min(this.src.total(), n));
    this.changed();
  }

  replay(): void {
    this.stopTimer();
    this.mode = "replay";
    this.cursor = 0;
    this.changed();
    this.tick();
  }

  setSpeed(s: number): void {
    this.speed = s;
  }

  private enterPaused(): number {
    this.stopTimer();
    const from = this.mode === "live" ? 0 : this.cursor;
    this.mode = "paused";
    return from;
  }

  private tick(): void {
    if (this.mode !== "replay") return;
    const total = this.src.total();
    if (this.cursor >= total) {
      this.mode = "live";
      this.changed();
      return;
    }
    const before = this.cursor;
    this.cursor = nextStop(this.src.stops(), before, total);
    this.changed();
    // Pace by virtual time between steps, clamped so a 1 s RTO gap neither freezes nor flashes.
    const dt = this.cursor < total ? this.src.timeOf(this.cursor) - this.src.timeOf(before) : 0;
    const wait = Math.max(250, Math.min(1500, 500 + dt * 2)) / this.speed;
    this.timer = setTimeout(() => this.tick(), wait);
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** The first stop after `from` (or the end). */
export function nextStop(stops: readonly number[], from: number, total: number): number {
  let lo = 0;
  let hi = stops.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (stops[mid] <= from) lo = mid + 1;
    else hi = mid;
  }
  return lo < stops.length ? stops[lo] : total;
}

/** The last stop before `from` (or the start). */
export function prevStop(stops: readonly number[], from: number): number {
  let lo = 0;
  let hi = stops.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (stops[mid] < from) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? stops[lo - 1] : 0;
}
