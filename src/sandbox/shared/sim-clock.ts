/**
 * A simulator's clock: a base clock (real time, or a test's hand-driven one) plus an offset that the
 * `/_sim/clock` control sets, so a test can build histories in the past (e.g. issues created 12 weeks ago and
 * resolved since) through the ordinary REST API, then set the offset back to 0.
 */
export class SimClock {
  private offset = 0;

  constructor(private readonly base: () => number) {}

  /** Simulator time (ms since epoch): base + offset. Bound, so it can be passed around as `now`. */
  readonly now = (): number => this.base() + this.offset;

  get offsetMs(): number {
    return this.offset;
  }

  setOffset(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError(`clock offset must be a finite number of ms, got ${ms}`);
    this.offset = Math.trunc(ms);
  }

  /** Moves simulator time to `ms` (since epoch) by setting the offset from the base clock. */
  setNow(ms: number): void {
    this.setOffset(ms - this.base());
  }
}
