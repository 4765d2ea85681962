// The one writer of a workflow's events (a case's, a topic's): events reach Postgres in seq order, the commits of one
// activation as one batch, and an action answers once its own events are written.
export class EventWriter<E extends { seq: number }> {
  private unwritten: E[] = [];
  private writing = false;
  private waiting: { seq: number; done: () => void }[] = [];

  /** `write` persists one batch (a local activity); it must not throw for a batch that can never be written. */
  constructor(
    private writtenSeq: number,
    private readonly write: (batch: E[]) => Promise<void>,
  ) {}

  /** Nothing is waiting to be written: the run may end or continue as new. */
  get idle(): boolean {
    return !this.writing && this.unwritten.length === 0;
  }

  push(events: E[]): void {
    this.unwritten.push(...events);
    // Queued, so the commits of one activation reach Postgres as one batch.
    if (!this.writing && this.unwritten.length > 0) {
      this.writing = true;
      void Promise.resolve().then(() => this.drain());
    }
  }

  /** Resolves once every event up to `seq` is written. */
  written(seq: number): Promise<void> {
    if (seq <= this.writtenSeq) return Promise.resolve();
    return new Promise((done) => this.waiting.push({ seq, done }));
  }

  private async drain(): Promise<void> {
    while (this.unwritten.length > 0) {
      const batch = this.unwritten;
      this.unwritten = [];
      const last = batch[batch.length - 1].seq;
      await this.write(batch);
      this.writtenSeq = last;
      while (this.waiting.length > 0 && this.waiting[0].seq <= last) this.waiting.shift()!.done();
    }
    this.writing = false;
  }
}
