/** One status line for a TTY: `[██████░░░░] 60%  42 fps  1.8x  ETA 0:12  clip.mp4`. Pure, so it is tested. */
export function formatProgressLine(p: {
  label: string;
  ratio: number;
  fps?: number;
  speed?: number;
  etaSec?: number;
  width?: number;
}): string {
  const width = p.width ?? 24;
  const ratio = Math.min(1, Math.max(0, p.ratio));
  const filled = Math.round(ratio * width);
  const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
  const parts = [`[${bar}]`, `${Math.floor(ratio * 100)}%`.padStart(4)];
  if (p.fps !== undefined) parts.push(`${Math.round(p.fps)} fps`);
  if (p.speed !== undefined) parts.push(`${p.speed.toFixed(1)}x`);
  if (p.etaSec !== undefined) parts.push(`ETA ${formatDuration(p.etaSec)}`);
  parts.push(p.label);
  return parts.join('  ');
}

/** 75 → "1:15", 3725 → "1:02:05". */
export function formatDuration(totalSec: number): string {
  const s = Math.max(0, Math.round(totalSec));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export function formatBitrate(bitsPerSecond: number): string {
  return bitsPerSecond >= 1e6
    ? `${(bitsPerSecond / 1e6).toFixed(2)} Mb/s`
    : `${Math.round(bitsPerSecond / 1e3)} kb/s`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${Math.round(bytes / 1024)} KiB`;
}
