import { Box, Group, Paper, Select, Slider, Stack, Switch, Text, Title } from '@mantine/core';
import Hls from 'hls.js';
import { useEffect, useRef, useState } from 'react';
import type { JobResult, LivePreview } from '../../../src/common/api/studio-api';
import { parseVtt, type VttCue } from '../../../src/common/subtitles/webvtt';
import { bitrate, bytes } from './format';

interface Stats {
  level: number;
  resolution: string;
  bandwidthEstimate: number;
  bufferSec: number;
  droppedFrames: number;
}

/**
 * Plays a package with hls.js: rung choice, live stats, tracks, storyboard scrubbing, and A/B. A job that
 * is still encoding plays from its live preview (`live`); when the job is done the player keeps those
 * URLs, which then serve the finished package, so playback carries on without a reload.
 */
export function PackagePreview({ result, live }: { result?: JobResult; live?: LivePreview }) {
  // Chosen once: a preview opened while encoding stays on the live URLs when the job completes.
  const [source] = useState(() => (result ? { url: result, live: false } : { url: live, live: true }));
  const src = source.url
    ? new URL(source.url.multivariantPlaylist, new URL(source.url.baseUrl, location.href)).href
    : undefined;
  const main = useHlsPlayer(src, undefined, source.live);
  const [ab, setAb] = useState(false);
  const levelOptions = [
    { value: '-1', label: 'Auto' },
    ...main.levels.map((l, i) => ({ value: String(i), label: `${l.height}p · ${bitrate(l.bitrate)}` })),
  ];
  return (
    <Paper
      withBorder
      p="md"
      data-testid="package-preview"
      data-level-count={main.levels.length}
      data-live={source.live ? 'true' : undefined}
    >
      <Stack>
        <Group justify="space-between">
          <Title order={4}>Preview</Title>
          {result ? (
            <Text size="sm" c="dimmed">
              {result.variants.length} variant(s), {bytes(result.sizeBytes)}, encoded in{' '}
              {result.elapsedSec.toFixed(1)} s
            </Text>
          ) : (
            <Text size="sm" c="dimmed" data-testid="live-note">
              Still encoding: playing each segment as it is made
            </Text>
          )}
        </Group>
        {main.error && (
          <Text size="sm" c="red" data-testid="preview-error">
            Playback stopped: {main.error}
          </Text>
        )}
        <Group align="flex-start" wrap="nowrap">
          <Box pos="relative" style={{ flex: 1 }}>
            <video
              ref={main.video}
              controls
              muted
              playsInline
              style={{ width: '100%', background: '#000' }}
              data-testid="preview-video"
            />
            <StatsOverlay stats={main.stats} />
          </Box>
          {ab && <AbSide src={src} live={source.live} leader={main.video} levels={main.levels} />}
        </Group>
        {result && <Storyboard result={result} video={main.video} />}
        <Group>
          <Select
            label="Rung"
            aria-label="Rung"
            data={levelOptions}
            value={String(main.selectedLevel)}
            onChange={(v) => v !== null && main.selectLevel(Number(v))}
            allowDeselect={false}
            w={220}
            data-testid="rung-select"
          />
          <Select
            label="Audio"
            aria-label="Audio track"
            data={main.audioTracks.map((t, i) => ({ value: String(i), label: t }))}
            value={String(main.audioTrack)}
            onChange={(v) => v !== null && main.selectAudio(Number(v))}
            disabled={main.audioTracks.length < 2}
            w={200}
          />
          <Select
            label="Subtitles"
            aria-label="Subtitle track"
            data={[
              { value: '-1', label: 'Off' },
              ...main.subtitleTracks.map((t, i) => ({ value: String(i), label: t })),
            ]}
            value={String(main.subtitleTrack)}
            onChange={(v) => v !== null && main.selectSubtitles(Number(v))}
            disabled={main.subtitleTracks.length === 0}
            w={200}
          />
          <Switch
            label="A/B: two rungs side by side"
            checked={ab}
            onChange={(e) => setAb(e.currentTarget.checked)}
            mt="lg"
          />
        </Group>
      </Stack>
    </Paper>
  );
}

function StatsOverlay({ stats }: { stats?: Stats }) {
  if (!stats) return null;
  return (
    <Box
      pos="absolute"
      top={8}
      left={8}
      p={6}
      style={{
        background: 'rgba(0,0,0,0.65)',
        color: '#fff',
        fontSize: 12,
        fontFamily: 'monospace',
        borderRadius: 4,
      }}
      data-testid="stats"
      data-level={stats.level}
      aria-live="polite"
    >
      <div>
        rung {stats.level} · {stats.resolution}
      </div>
      <div>estimate {bitrate(stats.bandwidthEstimate)}</div>
      <div>buffer {stats.bufferSec.toFixed(1)} s</div>
      <div>dropped {stats.droppedFrames}</div>
    </Box>
  );
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

/** hls.js bound to a <video>, with its levels, tracks and stats as React state. */
function useHlsPlayer(src: string | undefined, fixedLevel?: number, live = false) {
  const video = useRef<HTMLVideoElement>(null);
  const hls = useRef<Hls>(undefined);
  const [levels, setLevels] = useState<{ height: number; bitrate: number }[]>([]);
  const [selectedLevel, setSelectedLevel] = useState(-1);
  const [audioTracks, setAudioTracks] = useState<string[]>([]);
  const [audioTrack, setAudioTrack] = useState(0);
  const [subtitleTracks, setSubtitleTracks] = useState<string[]>([]);
  const [subtitleTrack, setSubtitleTrack] = useState(-1);
  const [stats, setStats] = useState<Stats>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    const element = video.current;
    if (!element || !src || !Hls.isSupported()) return;
    const player = new Hls({ enableWorker: true, ...(live ? { fragLoadPolicy: LIVE_FRAGMENT_POLICY } : {}) });
    hls.current = player;
    player.on(Hls.Events.MANIFEST_PARSED, (_e, data) => {
      setLevels(data.levels.map((l) => ({ height: l.height, bitrate: l.bitrate })));
      if (fixedLevel !== undefined) player.currentLevel = fixedLevel;
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
    const timer = setInterval(() => {
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
    };
  }, [src, fixedLevel, live]);

  return {
    video,
    error,
    levels,
    selectedLevel,
    audioTracks,
    audioTrack,
    subtitleTracks,
    subtitleTrack,
    stats,
    selectLevel(level: number) {
      setSelectedLevel(level);
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

/** The B side of the A/B view: another player pinned to one rung, kept in step with the main one. */
function AbSide({
  src,
  live,
  leader,
  levels,
}: {
  src: string | undefined;
  live: boolean;
  leader: React.RefObject<HTMLVideoElement | null>;
  levels: { height: number }[];
}) {
  const [level, setLevel] = useState(0);
  const side = useHlsPlayer(src, level, live);
  useEffect(() => {
    const a = leader.current;
    const b = side.video.current;
    if (!a || !b) return;
    const sync = () => {
      if (Math.abs(a.currentTime - b.currentTime) > 0.3) b.currentTime = a.currentTime;
      if (a.paused !== b.paused) void (a.paused ? b.pause() : b.play().catch(() => undefined));
    };
    const timer = setInterval(sync, 250);
    return () => clearInterval(timer);
  }, [leader, side.video]);
  return (
    <Stack style={{ flex: 1 }} gap={4}>
      <Box pos="relative">
        <video
          ref={side.video}
          muted
          playsInline
          style={{ width: '100%', background: '#000' }}
          data-testid="ab-video"
        />
        <StatsOverlay stats={side.stats} />
      </Box>
      <Select
        aria-label="B rung"
        data={levels.map((l, i) => ({ value: String(i), label: `${l.height}p` }))}
        value={String(level)}
        onChange={(v) => v !== null && setLevel(Number(v))}
        allowDeselect={false}
      />
    </Stack>
  );
}

/** Scrub with the storyboard: the thumbnail of the time under the slider, from the sprite sheet. */
function Storyboard({
  result,
  video,
}: {
  result: JobResult;
  video: React.RefObject<HTMLVideoElement | null>;
}) {
  const [cues, setCues] = useState<VttCue[]>([]);
  const [hover, setHover] = useState<number>();
  const vttUrl = result.storyboardVtt
    ? new URL(result.storyboardVtt, new URL(result.baseUrl, location.href)).href
    : undefined;
  useEffect(() => {
    if (!vttUrl) return;
    void fetch(vttUrl)
      .then((r) => r.text())
      .then((t) => setCues(parseVtt(t)));
  }, [vttUrl]);
  if (!vttUrl || cues.length === 0) return null;
  const end = cues[cues.length - 1]!.end;
  const cue = hover === undefined ? undefined : cues.find((c) => hover >= c.start && hover < c.end);
  const [file, frag] = cue?.text.split('#xywh=') ?? [];
  const [x, y, w, h] = (frag ?? '').split(',').map(Number);
  return (
    <Stack gap={4}>
      <Slider
        aria-label="Scrub with thumbnails"
        min={0}
        max={end}
        step={0.1}
        label={null}
        onChange={setHover}
        onChangeEnd={(t) => {
          setHover(undefined);
          if (video.current) video.current.currentTime = t;
        }}
        data-testid="storyboard-slider"
      />
      {cue && file && (
        <div
          data-testid="storyboard-thumbnail"
          style={{
            width: w,
            height: h,
            backgroundImage: `url(${new URL(file, vttUrl).href})`,
            backgroundPosition: `-${x}px -${y}px`,
          }}
        />
      )}
    </Stack>
  );
}
