import { Progress, Stack, Text } from '@mantine/core';
import type { PublishView } from '../../../../src/common/api/studio-api';
import type { PublishPhase } from '../../../../src/common/publish/upload-order';
import { bytes, duration } from '../format';

type Counts = NonNullable<PublishView['progress']>;

// RFC 8216 6.2.1 ordering: segments first, the multivariant playlist near the end (see upload-order.ts).
const PHASES: Record<PublishPhase, string> = {
  media: 'segments and media files',
  'media-playlists': 'media playlists',
  'multivariant-playlist': 'multivariant playlist',
  manifest: 'video.json',
};

/** 0..1: by bytes, or by files when every file left is empty. */
export function publishRatio(p: Counts): number {
  if (p.bytesTotal > 0) return Math.min(1, p.bytesDone / p.bytesTotal);
  return p.filesTotal > 0 ? Math.min(1, p.filesDone / p.filesTotal) : 0;
}

/** Bytes and files sent so far, with rate and ETA. Files already in the store are not counted. */
export function PublishProgressView({ progress }: { progress?: Counts }) {
  if (!progress)
    return (
      <Stack gap={4} data-testid="publish-progress">
        <Progress value={100} animated striped aria-label="Publishing" />
        <Text size="xs" c="dimmed">
          Comparing the package with what the bucket holds…
        </Text>
      </Stack>
    );
  const p = progress;
  const filesRatio = p.filesTotal > 0 ? p.filesDone / p.filesTotal : 1;
  const text = [
    `${bytes(p.bytesDone)} of ${bytes(p.bytesTotal)}`,
    `${p.filesDone} of ${p.filesTotal} files`,
    p.filesSkipped > 0 ? `${p.filesSkipped} already there` : undefined,
    p.rateBytesPerSec !== undefined ? `${bytes(p.rateBytesPerSec)}/s` : undefined,
    p.etaSec !== undefined ? `ETA ${duration(p.etaSec)}` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <Stack gap={4} data-testid="publish-progress" data-ratio={publishRatio(p).toFixed(3)}>
      <Progress value={publishRatio(p) * 100} animated aria-label="Bytes sent" />
      <Progress value={filesRatio * 100} size="xs" color="teal" aria-label="Files sent" />
      <Text size="xs" c="dimmed" data-testid="publish-progress-text">
        {Math.floor(publishRatio(p) * 100)}% · {text}
      </Text>
      {p.phase && (
        <Text size="xs" c="dimmed">
          Sending {PHASES[p.phase]}
        </Text>
      )}
    </Stack>
  );
}
