import Hls from 'hls.js';
import { useEffect, useRef, useState } from 'react';
import type { Rung } from './rung-label';
import { holeToSkip } from './stall-hole';

export interface PlayerStats {
  /** hls.js's level index of what plays (0 = lowest rung), -1 before the first fragment. */
  level: number;
  resolution: string;
  bandwidthEstimate: number;
  bufferSec: number;
  droppedFrames: number;
}

/**
 * A live preview's segment request is held by the back end until the segment is encoded (up to 30 s,
 * then a 503 to retry): wait for it instead of giving up, for as long as an encode may take.
 */
const LIVE_FRAGMENT_POLICY = {
  default: {
    maxTimeToFirstByteMs: 40_000,
    maxLoadTimeMs: 120_000,
    timeoutRetry: { maxNumRetry: 20, retryDelayMs: 0, maxRetryDelayMs: 0 },
    errorRetry: { maxNumRetry: 200, retryDelayMs: 1000, maxRetryDelayMs: 4000 },
  },
};

export type HlsPlayer = ReturnType<typeof useHlsPlayer>;

/**
 * hls.js bound to a <video>, with its rungs, tracks and stats as React state. `startLevel` pins a rung
 * from the first fragment (A/B's B side); choosing another one later switches the same player.
 */
export function useHlsPlayer(src: string | undefined, options: { live?: boolean; startLevel?: number } = {}) {
  const { live = false } = options;
  const video = useRef<HTMLVideoElement>(null);
  const hls = useRef<Hls>(undefined);
  const startLevel = useRef(options.startLevel);
  const [levels, setLevels] = useState<Rung[]>([]);
  const [selectedLevel, setSelectedLevel] = useState(options.startLevel ?? -1);
  const [audioTracks, setAudioTracks] = useState<string[]>([]);
  const [audioTrack, setAudioTrack] = useState(0);
  const [subtitleTracks, setSubtitleTracks] = useState<string[]>([]);
  const [subtitleTrack, setSubtitleTrack] = useState(-1);
  const [stats, setStats] = useState<PlayerStats>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    const element = video.current;
    if (!element || !src || !Hls.isSupported()) return;
    const player = new Hls({ enableWorker: true, ...(live ? { fragLoadPolicy: LIVE_FRAGMENT_POLICY } : {}) });
    hls.current = player;
    player.on(Hls.Events.MANIFEST_PARSED, (_e, data) => {
      setLevels(data.levels.map((l) => ({ width: l.width, height: l.height, bitrate: l.bitrate })));
      if (startLevel.current !== undefined) player.currentLevel = startLevel.current;
      void element.play().catch(() => undefined);
    });
    player.on(Hls.Events.AUDIO_TRACKS_UPDATED, (_e, data) =>
      setAudioTracks(data.audioTracks.map((t) => t.name)),
    );
    player.on(Hls.Events.SUBTITLE_TRACKS_UPDATED, (_e, data) =>
      setSubtitleTracks(data.subtitleTracks.map((t) => t.name)),
    );
    player.on(Hls.Events.ERROR, (_e, data) => {
      if (data.fatal) setError(data.details);
    });
    player.loadSource(src);
    player.attachMedia(element);
    // Where the playhead was and since when, for seeking over a hole hls.js leaves it stuck in.
    let still = { time: -1, sinceMs: 0 };
    const timer = setInterval(() => {
      const now = performance.now();
      if (element.currentTime !== still.time) still = { time: element.currentTime, sinceMs: now };
      const skipTo = holeToSkip(
        {
          currentTime: element.currentTime,
          paused: element.paused,
          seeking: element.seeking,
          ended: element.ended,
          readyState: element.readyState,
          buffered: Array.from({ length: element.buffered.length }, (_, k) => ({
            start: element.buffered.start(k),
            end: element.buffered.end(k),
          })),
        },
        now - still.sinceMs,
      );
      if (skipTo !== undefined) element.currentTime = skipTo;
      const level = player.currentLevel;
      const info = player.levels[level];
      const buffered = element.buffered.length
        ? element.buffered.end(element.buffered.length - 1) - element.currentTime
        : 0;
      setStats({
        level,
        resolution: info ? `${info.width}x${info.height}` : '-',
        bandwidthEstimate: player.bandwidthEstimate,
        bufferSec: Math.max(0, buffered),
        droppedFrames: element.getVideoPlaybackQuality?.().droppedVideoFrames ?? 0,
      });
    }, 500);
    return () => {
      clearInterval(timer);
      player.destroy();
      hls.current = undefined;
    };
  }, [src, live]);

  return {
    video,
    error,
    levels,
    /** -1: Auto (hls.js picks by bandwidth). */
    selectedLevel,
    audioTracks,
    audioTrack,
    subtitleTracks,
    subtitleTrack,
    stats,
    selectLevel(level: number) {
      setSelectedLevel(level);
      startLevel.current = level < 0 ? undefined : level;
      if (hls.current) hls.current.currentLevel = level;
    },
    selectAudio(track: number) {
      setAudioTrack(track);
      if (hls.current) hls.current.audioTrack = track;
    },
    selectSubtitles(track: number) {
      setSubtitleTrack(track);
      if (hls.current) {
        hls.current.subtitleTrack = track;
        hls.current.subtitleDisplay = track >= 0;
      }
    },
  };
}
