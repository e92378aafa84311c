import type { PublishProgress } from './publish-events.js';
import type { PublishPhase } from './upload-order.js';

/**
 * Counts bytes and files of a publish and hands out snapshots with rate and ETA (the caller's timer
 * decides how often). Pure: the clock is injected, so tests drive it.
 */
export class ProgressMeter {
  private bytesDone = 0;
  private filesDone = 0;
  private phase: PublishPhase | undefined;
  private readonly current = new Map<string, { bytesDone: number; bytes: number }>();
  private readonly startedAt: number;

  constructor(
    private readonly totals: { bytes: number; files: number; skipped: number },
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  setPhase(phase: PublishPhase): void {
    this.phase = phase;
  }

  fileStarted(path: string, bytes: number): void {
    this.current.set(path, { bytesDone: 0, bytes });
  }

  /** Bytes of a file read into the request (a retry first calls `fileRestarted`). */
  addBytes(path: string, n: number): void {
    const file = this.current.get(path);
    if (file) file.bytesDone += n;
    this.bytesDone += n;
  }

  /** A failed attempt: its bytes no longer count. */
  fileRestarted(path: string): void {
    const file = this.current.get(path);
    if (!file) return;
    this.bytesDone -= file.bytesDone;
    file.bytesDone = 0;
  }

  fileDone(path: string): void {
    const file = this.current.get(path);
    if (file) this.bytesDone += file.bytes - file.bytesDone;
    this.current.delete(path);
    this.filesDone++;
  }

  fileAbandoned(path: string): void {
    this.fileRestarted(path);
    this.current.delete(path);
  }

  snapshot(t = this.now()): PublishProgress {
    const elapsedSec = (t - this.startedAt) / 1000;
    const rate = elapsedSec > 0.2 && this.bytesDone > 0 ? this.bytesDone / elapsedSec : undefined;
    const remaining = Math.max(0, this.totals.bytes - this.bytesDone);
    return {
      bytesDone: this.bytesDone,
      bytesTotal: this.totals.bytes,
      filesDone: this.filesDone,
      filesTotal: this.totals.files,
      filesSkipped: this.totals.skipped,
      ...(this.phase ? { phase: this.phase } : {}),
      ...(rate === undefined ? {} : { rateBytesPerSec: Math.round(rate), etaSec: remaining / rate }),
      current: [...this.current].map(([path, f]) => ({ path, bytesDone: f.bytesDone, bytes: f.bytes })),
    };
  }
}
