// Client-side playback over the events received so far: live (follow the end), paused at a
// cursor, stepping one event, or replaying from the start at a pace derived from virtual time.

export type PlaybackMode = "live" | "paused" | "replay";

export class Playback {
  mode: PlaybackMode = "live";
  /** Number of events shown when not live. */
  cursor = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly total: () => number,
    private readonly timeOf: (index: number) => number,
    private readonly changed: () => void,
  ) {}

  /** How many events to draw. */
  limit(): number {
    return this.mode === "live" ? this.total() : Math.min(this.cursor, this.total());
  }

  pause(): void {
    this.stopTimer();
    if (this.mode === "live") this.cursor = this.total();
    this.mode = "paused";
    this.changed();
  }

  live(): void {
    this.stopTimer();
    this.mode = "live";
    this.changed();
  }

  step(): void {
    if (this.mode === "live") this.cursor = this.total();
    this.stopTimer();
    this.mode = "paused";
    this.cursor = Math.min(this.total(), this.cursor + 1);
    this.changed();
  }

  scrub(n: number): void {
    this.stopTimer();
    this.mode = "paused";
    this.cursor = Math.max(0, Math.min(this.total(), n));
    this.changed();
  }

  replay(): void {
    this.stopTimer();
    this.mode = "replay";
    this.cursor = 0;
    this.changed();
    this.tick();
  }

  private tick(): void {
    if (this.mode !== "replay") return;
    if (this.cursor >= this.total()) {
      this.mode = "live";
      this.changed();
      return;
    }
    this.cursor++;
    this.changed();
    // Pace by virtual time between events, clamped so a 1 s RTO gap neither freezes nor flashes.
    const dt =
      this.cursor < this.total() ? this.timeOf(this.cursor) - this.timeOf(this.cursor - 1) : 0;
    const wait = Math.max(60, Math.min(900, 120 + dt * 2));
    this.timer = setTimeout(() => this.tick(), wait);
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
