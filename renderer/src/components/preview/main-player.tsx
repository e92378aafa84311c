import { ActionIcon, Text, Tooltip } from '@mantine/core';
import { useEffect, useRef, useState, type ReactNode, type RefObject } from 'react';
import { PlayerIcon } from './player-icons';
import { ScrubBar, type ScrubHoverAt } from './scrub-bar';
import { ScrubHover } from './scrub-hover';
import { clockTime } from './scrub-math';
import type { StoryboardFrame } from './storyboard';
import { usePlayback } from './use-playback';
import './player.css';

/**
 * The A side (or the only side) of the preview: the picture, and under it the player's own controls,
 * whose scrub bar is the only one (the <video> shows no native controls).
 */
export function MainPlayer(props: { video: RefObject<HTMLVideoElement | null>; frames: StoryboardFrame[] }) {
  const { frames } = props;
  const box = useRef<HTMLDivElement>(null);
  const stage = useRef<HTMLDivElement>(null);
  const playback = usePlayback(props.video);
  const [hover, setHover] = useState<ScrubHoverAt>();
  const fullscreen = useFullscreen(box);
  const video = () => props.video.current;
  const togglePlay = () => {
    const v = video();
    if (v) void (v.paused || v.ended ? v.play().catch(() => undefined) : v.pause());
  };
  return (
    <div ref={box} className="preview-player" data-testid="preview-player">
      <div ref={stage} className="preview-stage">
        <video
          ref={props.video}
          muted
          playsInline
          onClick={togglePlay}
          className="preview-video"
          data-testid="preview-video"
        />
        <ScrubHover at={hover} frames={frames} stage={stage} />
      </div>
      <div className="preview-controls">
        <ControlButton label={playback.paused ? 'Play' : 'Pause'} onClick={togglePlay}>
          <PlayerIcon name={playback.paused ? 'play' : 'pause'} />
        </ControlButton>
        <ScrubBar
          time={playback.time}
          duration={playback.duration}
          bufferedEnd={playback.bufferedEnd}
          onHover={setHover}
          onSeek={(t) => {
            const v = video();
            if (v) v.currentTime = t;
          }}
        />
        <Text component="span" size="xs" className="preview-clock" data-testid="preview-time">
          {clockTime(playback.time)} / {clockTime(playback.duration)}
        </Text>
        <ControlButton
          label={playback.muted ? 'Unmute' : 'Mute'}
          onClick={() => {
            const v = video();
            if (v) v.muted = !v.muted;
          }}
        >
          <PlayerIcon name={playback.muted ? 'muted' : 'sound'} />
        </ControlButton>
        <ControlButton label={fullscreen.on ? 'Exit full screen' : 'Full screen'} onClick={fullscreen.toggle}>
          <PlayerIcon name={fullscreen.on ? 'exitFullscreen' : 'fullscreen'} />
        </ControlButton>
      </div>
    </div>
  );
}

function ControlButton(props: { label: string; onClick: () => void; children: ReactNode }) {
  return (
    <Tooltip label={props.label} openDelay={400}>
      <ActionIcon
        variant="subtle"
        color="gray.0"
        size="md"
        aria-label={props.label}
        onClick={props.onClick}
        className="preview-control"
      >
        {props.children}
      </ActionIcon>
    </Tooltip>
  );
}

function useFullscreen(box: RefObject<HTMLElement | null>) {
  const [on, setOn] = useState(false);
  useEffect(() => {
    const update = () =>
      setOn(document.fullscreenElement !== null && document.fullscreenElement === box.current);
    document.addEventListener('fullscreenchange', update);
    return () => document.removeEventListener('fullscreenchange', update);
  }, [box]);
  return {
    on,
    toggle() {
      if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
      else void box.current?.requestFullscreen?.().catch(() => undefined);
    },
  };
}
