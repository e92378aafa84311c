import { useEffect, useState, type RefObject } from 'react';

export interface Playback {
  time: number;
  /** Seconds the bar spans: the media's duration, or what can be sought to while it is not known yet. */
  duration: number;
  /** Where the buffer ahead of the play head ends. */
  bufferedEnd: number;
  paused: boolean;
  muted: boolean;
}

const EVENTS = [
  'timeupdate',
  'durationchange',
  'loadedmetadata',
  'seeking',
  'seeked',
  'play',
  'pause',
  'ended',
  'progress',
  'volumechange',
] as const;

/** What a <video> is doing, as React state, from its own events (timeupdate and friends). */
export function usePlayback(video: RefObject<HTMLVideoElement | null>): Playback {
  const [playback, setPlayback] = useState<Playback>({
    time: 0,
    duration: 0,
    bufferedEnd: 0,
    paused: true,
    muted: true,
  });
  useEffect(() => {
    const v = video.current;
    if (!v) return;
    const read = () => {
      const seekableEnd = v.seekable.length ? v.seekable.end(v.seekable.length - 1) : 0;
      const buffered = Array.from({ length: v.buffered.length }, (_, i) => i).find(
        (i) => v.buffered.start(i) <= v.currentTime + 0.1 && v.currentTime <= v.buffered.end(i),
      );
      setPlayback({
        time: v.currentTime,
        duration: Number.isFinite(v.duration) ? v.duration : seekableEnd,
        bufferedEnd: buffered === undefined ? v.currentTime : v.buffered.end(buffered),
        paused: v.paused,
        muted: v.muted,
      });
    };
    read();
    for (const e of EVENTS) v.addEventListener(e, read);
    return () => {
      for (const e of EVENTS) v.removeEventListener(e, read);
    };
  }, [video]);
  return playback;
}
