import type { ReactNode } from 'react';

type IconName = 'play' | 'pause' | 'sound' | 'muted' | 'fullscreen' | 'exitFullscreen';

// Material Design's shapes (Apache 2.0), 24x24.
const ICONS: Record<IconName, ReactNode> = {
  play: <path d="M8 5v14l11-7z" />,
  pause: <path d="M6 19h4V5H6v14zm8-14v14h4V5h-4z" />,
  sound: (
    <path d="M3 9v6h4l5 5V4L7 9H3zm13.5 3c0-1.77-1.02-3.29-2.5-4.03v8.05c1.48-.73 2.5-2.25 2.5-4.02zM14 3.23v2.06c2.89.86 5 3.54 5 6.71s-2.11 5.85-5 6.71v2.06c4.01-.91 7-4.49 7-8.77s-2.99-7.86-7-8.77z" />
  ),
  muted: (
    <>
      <path d="M3 9v6h4l5 5V4L7 9H3z" />
      <path d="M15 9l6 6M21 9l-6 6" stroke="currentColor" strokeWidth={2} fill="none" />
    </>
  ),
  fullscreen: <path d="M7 14H5v5h5v-2H7v-3zm-2-4h2V7h3V5H5v5zm12 7h-3v2h5v-5h-2v3zM14 5v2h3v3h2V5h-5z" />,
  exitFullscreen: <path d="M5 16h3v3h2v-5H5v2zm3-8H5v2h5V5H8v3zm6 11h2v-3h3v-2h-5v5zm2-11V5h-2v5h5V8h-3z" />,
};

/** The player's buttons as drawn shapes: no icon font or emoji, which not every system has. */
export function PlayerIcon({ name }: { name: IconName }) {
  return (
    <svg viewBox="0 0 24 24" width={20} height={20} fill="currentColor" aria-hidden="true">
      {ICONS[name]}
    </svg>
  );
}
