// The lab's snapshot (hosts, listeners, connections, faults, clock, scenario verdict), read when
// events arrive but at most once a quarter second, also under a continuous (realtime) stream.

import { LabApiError, type LabApi } from "../api/rest";
import type { LabSnapshot } from "../model/events";

export class SnapshotPoller {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  latest: LabSnapshot | null = null;
  /** When the latest snapshot arrived (performance.now()). */
  readAt = 0;

  constructor(
    private readonly api: LabApi,
    private readonly lab: string,
    private readonly onSnapshot: (s: LabSnapshot) => void,
    private readonly onError: (e: unknown) => void,
    private readonly onGone: (reason: string) => void,
  ) {}

  /** Something happened: read the snapshot soon. */
  poke(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.read();
    }, 250);
  }

  async read(): Promise<void> {
    if (this.stopped) return;
    try {
      this.latest = await this.api.snapshot(this.lab);
      this.readAt = performance.now();
      this.onSnapshot(this.latest);
    } catch (e) {
      // No such lab (deleted, expired, mistyped): the page says so and stops knocking.
      if (e instanceof LabApiError && e.status === 404) this.onGone(e.message);
      else this.onError(e);
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
