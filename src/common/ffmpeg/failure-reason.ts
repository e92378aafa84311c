/**
 * ffmpeg's last stderr line is usually a wrap-up ("Conversion failed!", "Error marking filters as
 * finished"); the cause is a few lines up. These helpers find it, for messages people can act on.
 */
const WRAP_UP_LINES = [
  /^Conversion failed!?$/,
  /^Error marking filters as finished/,
  /^Error while filtering/,
  /^Error while processing the decoded data/,
  /^Nothing was written into output file/,
  /^Failed to inject frame into filter network/,
  /^Error (re)?initializing (complex )?filters/,
  /^Consider increasing the value for the 'analyzeduration'/,
  /^Last message repeated/,
  /^Guessed Channel Layout/,
  /^Exiting normally/,
];

/**
 * Lines ffmpeg prints on healthy runs too: never the cause. The swscaler one comes once per scaler
 * instance (one per rung) and filled the tail of a run that failed on decoding errors (issue 13).
 */
const NOISE = [
  /deprecated pixel format used/,
  /No accelerated colorspace conversion found/,
  /^\s*Last message repeated/,
  /Past duration .* too large/,
  /non monotonically increasing dts/,
  /^Guessed Channel Layout/,
  /More than \d+ frames duplicated/,
  /Starting new cluster due to timestamp/,
];

/** A line from ffmpeg's own log that no one needs to see when looking for a cause. */
export function isNoise(line: string): boolean {
  return NOISE.some((re) => re.test(line));
}

/** Words of an error, not a warning: the line to pick when both are there. */
const ERRORISH =
  /error|invalid|fail|not found|could not|cannot|can't|unable|corrupt|missing|unsupported|unknown|no such|denied|out of range|overdetermined|not on whitelist/i;

/** Patterns that mean the input ends early: the file is incomplete rather than not media. */
const TRUNCATION = /moov atom not found|partial file|Truncating packet|unexpected end of file/i;

/** "[mov,mp4 @ 0x55…] moov atom not found" → "moov atom not found"; "file:/a/b.mp4: X" → "X". */
export function stripLogContext(line: string): string {
  return line
    .replace(/^(\[[^\]]*@ 0x[0-9a-f]+\]\s*)+/, '')
    .replace(/^file:.*?: (?=[A-Z])/, '')
    .trim();
}

/**
 * The most telling line of an ffmpeg/ffprobe stderr tail: a truncation, else the last error among the
 * lines that are neither noise nor a wrap-up, else the last such line.
 */
export function failureReason(stderrTail: readonly string[]): string {
  const all = stderrTail.map(stripLogContext).filter((l) => l !== '');
  const lines = all.filter((l) => !isNoise(l));
  const truncation = lines.find((l) => TRUNCATION.test(l));
  if (truncation) return truncation;
  const telling = lines.filter((l) => !WRAP_UP_LINES.some((re) => re.test(l)));
  return (
    telling.findLast((l) => ERRORISH.test(l)) ??
    telling.at(-1) ??
    lines.at(-1) ??
    all.at(-1) ??
    'no reason given'
  );
}

/**
 * The first line that reads as an error (neither noise nor a wrap-up), or undefined: where a library
 * prints its cause before ffmpeg's own errors pile up (libvmaf v1: "Input model at … cannot be read").
 */
export function firstFailureLine(lines: readonly string[]): string | undefined {
  return lines
    .map(stripLogContext)
    .find((l) => !isNoise(l) && !WRAP_UP_LINES.some((re) => re.test(l)) && ERRORISH.test(l));
}

/**
 * The demuxer ffmpeg detected for an input that `-format_whitelist` refused ("[hls @ 0x…] Format not on
 * whitelist '…'" → "hls"), or undefined.
 */
export function refusedDemuxer(stderrTail: readonly string[]): string | undefined {
  for (const line of stderrTail) {
    const m = /^\[([^\] @]+) @ 0x[0-9a-f]+\] Format not on whitelist/.exec(line.trim());
    if (m) return m[1]!.split(',')[0];
  }
  return undefined;
}

/** The input is cut short (not a wrong format): TRUNCATED rather than NOT_MEDIA. */
export function looksTruncated(stderrTail: readonly string[]): boolean {
  const text = stderrTail.join('\n');
  // A text file renamed .mp4 is "detected only with low score", then also lacks a moov: not media at all.
  return TRUNCATION.test(text) && !/misdetection possible|low score/i.test(text);
}

/** Probe warnings worth showing: deduplicated, without the noise of data tracks nobody encodes. */
export function usefulWarnings(stderrTail: readonly string[], max = 5): string[] {
  const noise = [/^Unsupported codec with id \d+ for input stream/, /^Last message repeated/];
  const lines = stderrTail.map(stripLogContext).filter((l) => l && !noise.some((re) => re.test(l)));
  return [...new Set(lines)].slice(0, max);
}
