import { Text } from '@mantine/core';
import type { RefObject } from 'react';
import type { JobResult } from '../../../../src/common/api/studio-api';
import { usePlayback } from '../preview/use-playback';
import { QualitySection } from './quality-section';
import type { QualitySeek } from './quality-timeline';
import { usePackageQuality } from './use-package-quality';

/**
 * The package preview's Quality section (issue 15): loaded from the finished package's video.json; a
 * quiet line for a package without figures, nothing while loading or for a live preview.
 */
export function QualityPanel(props: {
  result?: JobResult;
  /** The preview's player: its time is drawn on the quality-over-time chart. */
  video: RefObject<HTMLVideoElement | null>;
  onSeek: QualitySeek;
}) {
  const { result, onSeek } = props;
  const load = usePackageQuality(result);
  const playback = usePlayback(props.video);
  if (load.state === 'loading' || !result) return null;
  if (load.state === 'none')
    return (
      <Text size="xs" c="dimmed" data-testid="quality-none">
        Quality not measured for this package.
      </Text>
    );
  return (
    <QualitySection
      quality={load.quality}
      timelines={load.timelines}
      playheadSec={playback.time}
      onSeek={onSeek}
    />
  );
}
