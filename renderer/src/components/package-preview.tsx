import { Group, Paper, Select, Stack, Switch, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { JobResult, LivePreview } from '../../../src/common/api/studio-api';
import { bytes } from './format';
import { PlaybackLab } from './lab/playback-lab';
import { AbPane } from './preview/ab-pane';
import { MainPlayer } from './preview/main-player';
import { PaneLabel } from './preview/pane-label';
import { abStartRungs } from './preview/rung-label';
import { RungSelect } from './preview/rung-select';
import { StatsBar } from './preview/stats-bar';
import { useHlsPlayer } from './preview/use-hls-player';
import { useStoryboard } from './preview/use-storyboard';
import { QualityPanel } from './quality/quality-panel';

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
  const main = useHlsPlayer(src, { live: source.live });
  const frames = useStoryboard(result);
  /** B's first rung while A/B is on. */
  const [abStart, setAbStart] = useState<number>();
  const ab = abStart !== undefined;
  const toggleAb = (on: boolean) => {
    if (!on) return setAbStart(undefined);
    const start = abStartRungs(main.levels.length, main.selectedLevel);
    // Choosing the rung A already has would still make hls.js flush and refetch it.
    if (start.a !== main.selectedLevel) main.selectLevel(start.a);
    setAbStart(start.b);
  };
  /** The Quality section's seek: to a time, and to a rung's worst moment on that rung (A's, in A/B). */
  const seek = (timeSec: number, rung?: number) => {
    if (rung !== undefined && rung - 1 !== main.selectedLevel) main.selectLevel(rung - 1);
    if (main.video.current) main.video.current.currentTime = timeSec;
  };
  const rungSelect = (
    <RungSelect
      label={ab ? 'A rung' : 'Rung'}
      withLabel={!ab}
      levels={main.levels}
      value={main.selectedLevel}
      onChange={main.selectLevel}
      testId="rung-select"
    />
  );
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
          <Stack gap={6} className="preview-pane" data-single={!ab || undefined}>
            {ab && <PaneLabel letter="A">{rungSelect}</PaneLabel>}
            <MainPlayer video={main.video} frames={frames} />
            <StatsBar stats={main.stats} auto={main.selectedLevel < 0} />
          </Stack>
          {ab && (
            <AbPane
              src={src}
              live={source.live}
              leader={main.video}
              levels={main.levels}
              startLevel={abStart}
            />
          )}
        </Group>
        <Group align="flex-end">
          {!ab && rungSelect}
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
            onChange={(e) => toggleAb(e.currentTarget.checked)}
            disabled={main.levels.length < 2}
            mb={8}
          />
        </Group>
        <QualityPanel result={result} video={main.video} onSeek={seek} />
        <PlaybackLab result={result} />
      </Stack>
    </Paper>
  );
}
