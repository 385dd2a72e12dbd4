// At most one render per animation frame. A render only lays out the events it has not seen and
// draws what is in view, so it is cheap; under a continuous stream it still waits a little after
// an expensive one, keeping rendering to a fraction of the time.

export class RenderScheduler {
  private queued = false;
  private last = 0;
  private cost = 0;

  constructor(private readonly render: () => void) {}

  /** `soon`: the user acted (draw on the next frame); otherwise new events arrived. */
  queue(soon: boolean): void {
    if (this.queued) return;
    this.queued = true;
    const since = performance.now() - this.last;
    const wait = soon ? 0 : Math.max(0, Math.min(1000, this.cost * 3) - since);
    const go = () =>
      requestAnimationFrame(() => {
        this.queued = false;
        this.now();
      });
    if (wait > 0) setTimeout(go, wait);
    else go();
  }

  now(): void {
    const start = performance.now();
    this.last = start;
    this.render();
    this.cost = performance.now() - start;
  }
}
