import { Transform } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  LAB_ROUTE,
  networkProfile,
  rateAt,
  transmitEndSec,
  type NetworkProfile,
} from '../../common/lab/network-profiles.js';

/**
 * A piece is what the link carries in this long: parallel responses interleave finely, and a fast link
 * is not held back by one timer per few kilobytes.
 */
const PIECE_MS = 10;
const MIN_PIECE_BYTES = 4 * 1024;
/**
 * How far behind the clock a response's next piece may start: timers wake late (tens of milliseconds on
 * a loaded machine), and without this credit every late wake-up would be lost bandwidth (-25% at 9 Mb/s
 * with 50 ms, -70% under load). A response's first piece gets none: an idle link banks nothing.
 */
const CATCH_UP_MS = 200;
/** A lab session nobody asked anything of for this long is forgotten. */
const IDLE_MS = 5 * 60_000;

/**
 * One simulated link: every response of a lab session crosses it piece by piece, in the order asked, at
 * the profile's rate of the moment, so parallel segment requests share the bandwidth as on a real network.
 * Idle time is not banked (a link has no burst credit), and each response waits the latency first.
 */
export class NetworkLink {
  private readonly startMs: number;
  /** When the link finishes what it has been given so far (ms, performance clock). */
  private busyUntilMs: number;
  lastUsedMs: number;

  constructor(
    readonly profile: NetworkProfile,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.startMs = now();
    this.busyUntilMs = this.startMs;
    this.lastUsedMs = this.startMs;
  }

  /**
   * Takes `bytes` onto the link after everything queued before them; resolves when they have crossed it,
   * or at once (no timer turn) when the link is behind the clock.
   */
  send(bytes: number, options: { signal: AbortSignal; continuing: boolean }): Promise<void> | undefined {
    const now = this.now();
    const from = Math.max(now - (options.continuing ? CATCH_UP_MS : 0), this.busyUntilMs, this.startMs);
    this.busyUntilMs =
      this.startMs + 1000 * transmitEndSec(this.profile, (from - this.startMs) / 1000, bytes);
    this.lastUsedMs = now;
    const wait = this.busyUntilMs - now;
    return wait >= 1 ? sleep(wait, undefined, { signal: options.signal }) : undefined;
  }

  private pieceBytes(): number {
    const bitsPerSec = rateAt(this.profile, (this.now() - this.startMs) / 1000);
    return Math.max(MIN_PIECE_BYTES, Math.round((bitsPerSec / 8) * (PIECE_MS / 1000)));
  }

  /** The wait before a response's first byte; false when the request went away meanwhile. */
  latency(signal?: AbortSignal): Promise<boolean> {
    this.lastUsedMs = this.now();
    return sleep(this.profile.latencyMs, true, signal ? { signal } : undefined).catch(() => false);
  }

  /** A stream stage that lets bytes through at the link's pace. */
  pacer(): Transform {
    const gone = new AbortController();
    let continuing = false;
    const stage: Transform = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        void (async () => {
          for (let at = 0; at < chunk.length;) {
            const piece = chunk.subarray(at, at + this.pieceBytes());
            at += piece.length;
            const crossing = this.send(piece.length, { signal: gone.signal, continuing });
            continuing = true;
            if (crossing) await crossing;
            stage.push(piece);
          }
        })().then(
          () => done(),
          (error: unknown) => done(error as Error),
        );
      },
      destroy: (error, callback) => {
        gone.abort();
        callback(error);
      },
    });
    return stage;
  }
}

/** The lab's links by session, and the package path a lab URL stands for. */
export class LabSessions {
  private readonly links = new Map<string, NetworkLink>();

  /** `/lab/<profile>/<session>/packages/…` → its link and `/packages/…`; undefined for anything else. */
  route(pathname: string): { link: NetworkLink; packagePath: string } | undefined {
    const [, prefix, profileId = '', session = '', ...rest] = pathname.split('/');
    if (`/${prefix}` !== LAB_ROUTE || rest[0] !== 'packages' || !/^[\w-]{1,64}$/.test(session))
      return undefined;
    const profile = networkProfile(decodeURIComponent(profileId));
    if (!profile) return undefined;
    this.forgetIdle();
    const key = `${profile.id}/${session}`;
    let link = this.links.get(key);
    if (!link) this.links.set(key, (link = new NetworkLink(profile)));
    return { link, packagePath: '/' + rest.join('/') };
  }

  private forgetIdle(): void {
    const now = performance.now();
    for (const [key, link] of this.links) if (now - link.lastUsedMs > IDLE_MS) this.links.delete(key);
  }
}
