import type { FileRole } from './object-headers.js';

/**
 * RFC 8216 6.2.1: every media segment a playlist names must be available when the playlist is, so a
 * viewer never loads a playlist that points at a missing file. Uploads run in phases with a barrier
 * between them: everything a media playlist names, then the media playlists, then the multivariant
 * playlist, and video.json (which describes the finished package) last of all.
 */
export const PUBLISH_PHASES = ['media', 'media-playlists', 'multivariant-playlist', 'manifest'] as const;
export type PublishPhase = (typeof PUBLISH_PHASES)[number];

// Within the first phase: what a player needs first goes first (it only matters for a partial publish).
const ROLE_RANK: Record<FileRole, number> = {
  key: 0,
  'init-segment': 1,
  segment: 2,
  'iframe-segment': 3,
  image: 4,
  storyboard: 5,
  other: 6,
  'media-playlist': 7,
  'multivariant-playlist': 8,
  manifest: 9,
};

export function phaseOf(role: FileRole): PublishPhase {
  switch (role) {
    case 'media-playlist':
      return 'media-playlists';
    case 'multivariant-playlist':
      return 'multivariant-playlist';
    case 'manifest':
      return 'manifest';
    default:
      return 'media';
  }
}

/** Files grouped into the publish phases, in order; empty phases are left out. */
export function orderForPublish<T extends { relPath: string; role: FileRole }>(
  files: readonly T[],
): { phase: PublishPhase; files: T[] }[] {
  const sorted = [...files].sort(
    (a, b) => ROLE_RANK[a.role] - ROLE_RANK[b.role] || compareNatural(a.relPath, b.relPath),
  );
  return PUBLISH_PHASES.map((phase) => ({
    phase,
    files: sorted.filter((f) => phaseOf(f.role) === phase),
  })).filter((p) => p.files.length > 0);
}

function compareNatural(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
