import { Stack } from '@mantine/core';
import { useEffect, type RefObject } from 'react';
import { PaneLabel } from './pane-label';
import type { Rung } from './rung-label';
import { RungSelect } from './rung-select';
import { StatsBar } from './stats-bar';
import { useHlsPlayer } from './use-hls-player';

/** The B side of A/B: another player on its own rung, kept in step with A (time, play and pause). */
export function AbPane(props: {
  src: string | undefined;
  live: boolean;
  leader: RefObject<HTMLVideoElement | null>;
  levels: Rung[];
  startLevel: number;
}) {
  const { leader } = props;
  const side = useHlsPlayer(props.src, { live: props.live, startLevel: props.startLevel });
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
    <Stack gap={6} className="preview-pane" data-testid="ab-pane">
      <PaneLabel letter="B">
        <RungSelect
          label="B rung"
          withLabel={false}
          withAuto={false}
          levels={props.levels}
          value={side.selectedLevel}
          onChange={side.selectLevel}
          testId="b-rung-select"
        />
      </PaneLabel>
      <div className="preview-player">
        <div className="preview-stage">
          <video ref={side.video} muted playsInline className="preview-video" data-testid="ab-video" />
        </div>
      </div>
      <StatsBar stats={side.stats} auto={false} />
    </Stack>
  );
}
