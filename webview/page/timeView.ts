/**
 * The span of time on screen: zoomed, panned, fitted and revealed within the trace's bounds (a
 * tenth of the trace's length of room beyond either end, and no wider than 1.2 times the trace),
 * and following the end of a live trace as it grows.
 */

/** The trace's first and last timestamps, from its overview. */
export interface TraceBounds {
  fromTs: number;
  toTs: number;
}

export class TimeView {
  fromTs = 0;
  toTs = 1;
  private bounds: TraceBounds | null = null;

  /** `changed` runs after every change made through set() and what uses it. */
  constructor(private readonly changed: () => void) {}

  get span(): number {
    return this.toTs - this.fromTs;
  }

  /** The trace the view moves in, without a change of view; null while there is none. */
  setBounds(bounds: TraceBounds | null): void {
    this.bounds = bounds && { fromTs: bounds.fromTs, toTs: bounds.toTs };
  }

  /** The whole trace, with a little room at both ends so first and last events are not on the edge. */
  whole(): TraceBounds {
    const b = this.bounds ?? { fromTs: this.fromTs, toTs: this.toTs };
    const pad = (b.toTs - b.fromTs) * 0.02;
    return { fromTs: b.fromTs - pad, toTs: b.toTs + pad };
  }

  /** Puts the view back as saved or as first shown, unclamped and without `changed`. */
  restore(view: TraceBounds): void {
    this.fromTs = view.fromTs;
    this.toTs = view.toTs;
  }

  set(fromTs: number, toTs: number): void {
    if (!this.bounds) return;
    const b = this.bounds;
    const full = b.toTs - b.fromTs;
    let span = Math.min(Math.max(toTs - fromTs, 1e-6), full * 1.2);
    if (!(span > 0)) span = full;
    const from = Math.max(b.fromTs - full * 0.1, Math.min(fromTs, b.toTs + full * 0.1 - span));
    this.fromTs = from;
    this.toTs = from + span;
    this.changed();
  }

  /** Zooms by `factor` (< 1 in) around `at`, kept within the view. */
  zoom(factor: number, at: number): void {
    const pivot = Math.min(Math.max(at, this.fromTs), this.toTs);
    this.set(pivot - (pivot - this.fromTs) * factor, pivot + (this.toTs - pivot) * factor);
  }

  fit(): void {
    const w = this.whole();
    this.set(w.fromTs, w.toTs);
  }

  /** Moves by a fraction of the span (negative: back in time). */
  pan(fraction: number): void {
    const d = this.span * fraction;
    this.set(this.fromTs + d, this.toTs + d);
  }

  /** Centres `ts` when it is off screen. */
  reveal(ts: number): void {
    if (ts < this.fromTs || ts > this.toTs) this.set(ts - this.span / 2, ts + this.span / 2);
  }

  /**
   * A live trace grew from `previous` to `next`: a view of the whole trace stays the whole trace,
   * a view of its end keeps its span and follows the end, any other view stays where it is.
   */
  grow(previous: TraceBounds, next: TraceBounds): void {
    const following = this.toTs >= previous.toTs;
    const whole = following && this.fromTs <= previous.fromTs;
    this.setBounds(next);
    if (whole) this.restore(this.whole());
    else if (following) {
      const span = this.span;
      this.toTs = next.toTs + span * 0.02;
      this.fromTs = Math.max(next.fromTs, this.toTs - span);
    }
  }

  /** The time at `x` px of a plot that starts at `left` and is `width` px wide. */
  tsAt(x: number, left: number, width: number): number {
    return this.fromTs + ((x - left) / width) * this.span;
  }
}
