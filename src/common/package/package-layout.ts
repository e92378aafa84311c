/** File names inside the package; all made by the app (a `%` from a user's name would be a pattern). */
export const PACKAGE_NAMES = {
  mediaPlaylist: 'index.m3u8',
  iframePlaylist: 'iframes.m3u8',
  multivariantPlaylist: 'master.m3u8',
  initSegment: 'init.mp4',
  segmentPattern: (format: 'ts' | 'fmp4') => (format === 'ts' ? 'seg_%05d.ts' : 'seg_%05d.m4s'),
  posterJpeg: 'poster.jpg',
  posterWebp: 'poster.webp',
  storyboardDir: 'storyboard',
  storyboardSprite: (n: number) => `sprite_${String(n).padStart(3, '0')}.jpg`,
  storyboardVtt: 'storyboard/thumbnails.vtt',
  preview: 'preview.webp',
  videoJson: 'video.json',
  /** Scratch folder inside the staging folder while a package is built; removed before it is committed. */
  workDir: '.work',
} as const;
