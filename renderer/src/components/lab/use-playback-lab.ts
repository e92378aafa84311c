import { useEffect, useRef, useState } from 'react';
import { labUrl } from '../../../../src/common/lab/network-profiles';
import { useHlsPlayer } from '../preview/use-hls-player';
import { newRecord, recordEvent, recordSample, type LabRecord } from './lab-record';

const VIDEO_EVENTS = ['playing', 'waiting', 'ended'] as const;

/**
 * The lab's own hls.js player (the preview's hook, on the package's lab URL) and the record of a run.
 * Each Start opens a new lab session, so the server's link and its trace start afresh.
 */
export function usePlaybackLab(playlistUrl: string | undefined) {
  const [run, setRun] = useState<{ src: string }>();
  const [record, setRecord] = useState<LabRecord>();
  const player = useHlsPlayer(run?.src);
  const startedMs = useRef(0);
  const elapsed = () => (performance.now() - startedMs.current) / 1000;

  useEffect(() => {
    const video = player.video.current;
    if (!run || !video) return;
    const listeners = VIDEO_EVENTS.map((type) => {
      const listener = () => {
        const ahead = video.buffered.length
          ? video.buffered.end(video.buffered.length - 1) - video.currentTime
          : 0;
        setRecord((r) => r && recordEvent(r, type, elapsed(), Math.max(0, ahead)));
      };
      video.addEventListener(type, listener);
      return () => video.removeEventListener(type, listener);
    });
    return () => listeners.forEach((remove) => remove());
  }, [run, player.video]);

  const { stats } = player;
  useEffect(() => {
    if (!run || !stats) return;
    setRecord(
      (r) =>
        r &&
        recordSample(r, {
          sec: elapsed(),
          level: stats.level,
          bandwidthEstimate: stats.bandwidthEstimate,
          bufferSec: stats.bufferSec,
        }),
    );
  }, [run, stats]);

  const ended = record?.endSec !== undefined;
  return {
    video: player.video,
    levels: player.levels,
    error: player.error,
    record,
    running: run !== undefined && !ended,
    start(profileId: string) {
      if (!playlistUrl) return;
      const path = new URL(playlistUrl, location.href).pathname;
      startedMs.current = performance.now();
      setRecord(newRecord(profileId));
      setRun({ src: labUrl(profileId, crypto.randomUUID(), path) });
    },
    /** Ends the run where it is: the player goes (it would keep filling its buffer), the record stays. */
    stop() {
      setRecord((r) => r && recordEvent(r, 'ended', elapsed()));
      setRun(undefined);
    },
  };
}
