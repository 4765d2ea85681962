// The case's one durable timer, moved only when the next wake-up moves (as temporalio/samples-typescript's
// updatable-timer.ts): a progress note or an urge leaves it running, so it costs no cancel and restart.
import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';

export class DeadlineTimer {
  /** Set when the timer fired; the main loop clears it once it has applied what the clock decided. */
  fired = false;
  private wake: number | null = null;
  private scope: CancellationScope | null = null;

  /** Aims the timer at `wake` (null: nothing to wait for); a timer already aimed there keeps running. */
  set(wake: number | null): void {
    if (wake === this.wake && (this.scope !== null || wake === null)) return;
    this.scope?.cancel();
    this.scope = null;
    this.wake = wake;
    if (wake === null) return;
    const scope = new CancellationScope();
    this.scope = scope;
    void scope
      .run(() => sleep(Math.max(wake - Date.now(), 1)))
      .then(
        () => {
          if (this.scope !== scope) return;
          this.scope = null;
          this.wake = null;
          this.fired = true;
        },
        (err: unknown) => {
          if (!isCancellation(err)) throw err;
        },
      );
  }
}
