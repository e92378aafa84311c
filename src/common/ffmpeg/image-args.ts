import type { ImagesPlan } from '../plan/encode-plan.js';
import { PACKAGE_NAMES } from '../package/package-layout.js';

/**
 * Poster, storyboard and animated preview come from the one decode of the main run, but not as
 * finished images: ffmpeg 5.1 writes no `-progress` report until every output has received a frame,
 * and `thumbnail` (the best of 24 frames spread over the whole video), `tile` (a full sprite sheet) and
 * the preview's trim only emit near the end or part-way in — the progress bar stood still and the
 * watchdog killed long encodes (issue 12). So the main run dumps small JPEG frames that start at t=0:
 * poster candidates, storyboard thumbnails, preview frames (plus one primer frame at t=0). A second,
 * cheap ffmpeg over those few files picks the poster, tiles the sheets and animates the preview.
 */
const FRAMES_DIR = `${PACKAGE_NAMES.workDir}/images`;
export const IMAGE_FRAMES = {
  dir: FRAMES_DIR,
  posterCandidates: `${FRAMES_DIR}/poster_%03d.jpg`,
  storyboardThumbs: `${FRAMES_DIR}/thumb_%05d.jpg`,
  previewFrames: `${FRAMES_DIR}/preview_%04d.jpg`,
} as const;

/**
 * One frame per `periodSec` bucket of the timeline, the first of each bucket, starting with the very
 * first frame. Not the `fps` filter: at rates below one frame per second it holds its first frame until
 * half a period of input has gone by (2.5 s of video for a 5 s storyboard, 150 s for a 2-hour film's
 * poster samples), and `-progress` waits for it (measured on 5.1: first report 18.8 s into a 20 s run).
 *
 * A chunk starting `fromSec` into the film (chunked encodes) picks the same frames on the film's
 * timeline (its `t` counts from its own start): the first frame of every bucket that starts inside it.
 * When it starts inside a bucket, its first frame is taken too, as a primer (that bucket's frame is in
 * the previous chunk): the stitch drops it (chunkFramePrimers).
 */
function everyPeriod(periodSec: number, fromSec = 0): string {
  if (fromSec === 0)
    return `select='isnan(prev_selected_t)+gt(floor(t/${periodSec})\\,floor(prev_selected_t/${periodSec}))'`;
  const bucket = (t: string) => `floor((${t}+${fromSec})/${periodSec})`;
  const first = onPeriod(periodSec, fromSec) ? 'isnan(prev_selected_t)' : 'eq(n\\,0)';
  return `select='${first}+gt(${bucket('t')}\\,${bucket('prev_selected_t')})'`;
}

/** Does a chunk starting at `fromSec` start exactly on a bucket (to the microsecond)? */
const onPeriod = (periodSec: number, fromSec: number) => {
  const r = fromSec / periodSec;
  return Math.abs(r - Math.round(r)) < 1e-6;
};

/** Seconds between poster candidates from the plan's sample rate ("24000/600000" frames per second). */
function posterPeriod(images: ImagesPlan): number {
  const [num, den] = images.poster.sampleRate.split('/').map(Number);
  return Number(((den ?? 1) / (num || 1)).toFixed(6));
}

/**
 * Branches of the main filter graph, fed from `split` pads `inputs` (one per image kind in use). With
 * `fromSec`, the branches of a chunk starting that far into the film (chunkFramePrimers says which of
 * its first frames are primers).
 */
export function imageFrameBranches(images: ImagesPlan, inputs: string[], fromSec = 0): string[] {
  const [poster, storyboard, preview] = [inputs[0]!, inputs[1], inputs[2]];
  const branches = [
    `[${poster}]${everyPeriod(posterPeriod(images), fromSec)},scale=${images.poster.width}:${images.poster.height},setsar=1[posterframes]`,
  ];
  const sb = images.storyboard;
  if (sb && storyboard)
    branches.push(
      `[${storyboard}]${everyPeriod(sb.intervalSec, fromSec)},scale=${sb.tileWidth}:${sb.tileHeight},setsar=1[storyboardframes]`,
    );
  const pv = images.preview;
  if (pv && preview) {
    // In a chunk, a microsecond of slack: ffmpeg's t is pts × time base, and 3 × 0.1 is 0.30000000000000004
    // where the one-pass run's 43 × 0.1 is 4.3.
    const slack = fromSec === 0 ? 0 : 1e-6;
    const start = round6(pv.startSec - fromSec - slack);
    const end = round6(pv.startSec + pv.durationSec - fromSec + slack);
    // The primer (frame 0) reaches the output at once; the window's frames follow when it comes.
    const primer = fromSec === 0 || chunkFramePrimers(images, fromSec).preview ? 'eq(n\\,0)+' : '';
    branches.push(
      `[${preview}]fps=${pv.fps},select='${primer}between(t\\,${start}\\,${end})',` +
        `scale=${pv.width}:${pv.height},setsar=1[previewframes]`,
    );
  }
  return branches;
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * Which image kinds a chunk starting `fromSec` (> 0) into the film begins with a primer frame: a frame
 * taken only so that every output has a frame from the start (ffmpeg 5.1 reports no progress until
 * then), not one of the film's. The stitch drops these (chunk-stitch.ts).
 */
export function chunkFramePrimers(
  images: ImagesPlan,
  fromSec: number,
): { poster: boolean; storyboard: boolean; preview: boolean } {
  const pv = images.preview;
  return {
    poster: !onPeriod(posterPeriod(images), fromSec),
    storyboard: images.storyboard ? !onPeriod(images.storyboard.intervalSec, fromSec) : false,
    // Inside the preview's window its first frame is one of the window's.
    preview: pv ? fromSec < pv.startSec - 1e-6 || fromSec > pv.startSec + pv.durationSec + 1e-6 : false,
  };
}

/** How many branches `imageFrameBranches` takes from the split. */
export const imageBranchCount = (images: ImagesPlan) =>
  1 + (images.storyboard ? 1 : 0) + (images.preview ? 1 : 0);

/** Outputs of the main run for the image branches: JPEG frame sequences in the work folder. */
export function imageFrameOutputs(images: ImagesPlan): string[] {
  // passthrough: image2 is a constant-rate output by default, and would repeat each selected frame
  // until the next one (18,000 poster candidates for a 10-minute video instead of 24).
  const frames = (label: string, pattern: string, quality: number) => [
    ...['-map', `[${label}]`, '-c:v', 'mjpeg', '-q:v', String(quality), '-pix_fmt', 'yuvj420p'],
    ...['-fps_mode', 'passthrough', '-map_metadata', '-1', '-f', 'image2', '-start_number', '0', pattern],
  ];
  // Poster candidates near-lossless: the chosen one is encoded once more as the poster.
  const args = frames('posterframes', IMAGE_FRAMES.posterCandidates, 1);
  if (images.storyboard) args.push(...frames('storyboardframes', IMAGE_FRAMES.storyboardThumbs, 3));
  if (images.preview) args.push(...frames('previewframes', IMAGE_FRAMES.previewFrames, 2));
  return args;
}

/** What the main run left in the work folder. */
export interface ImageFrameCounts {
  posterCandidates: number;
  storyboardThumbs: number;
  previewFrames: number;
}

/**
 * The images pass: reads only the frames the main run dumped (a few hundred small JPEGs for a film)
 * and writes poster.jpg/.webp, the storyboard sheets and preview.webp. Paths are relative to the
 * package's staging folder (ffmpeg's working directory), all made by the app.
 */
export function buildImagesArgs(images: ImagesPlan, counts: ImageFrameCounts): string[] {
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'warning'];
  const input = (pattern: string, rate: number, start = 0) =>
    args.push(
      ...['-protocol_whitelist', 'file', '-f', 'image2', '-framerate', String(rate)],
      ...['-start_number', String(start), '-i', `file:${pattern}`],
    );
  const graph: string[] = [];
  const outputs: string[] = [];
  let n = 0;
  const still = ['-frames:v', '1', '-update', '1', '-map_metadata', '-1'];

  input(IMAGE_FRAMES.posterCandidates, 1);
  // thumbnail holds all n frames (at the top rung's size) in memory: never more than the plan asked for.
  const candidates = Math.min(Math.max(1, counts.posterCandidates), images.poster.sampleFrames);
  // thumbnail refuses n=1 (its range starts at 2), which failed a one-frame video's whole package.
  const pick = candidates >= 2 ? `thumbnail=n=${candidates}` : 'null';
  graph.push(`[${n++}:v]${pick},split=2[posterjpg][posterwebp]`);
  outputs.push(
    ...['-map', '[posterjpg]', '-c:v', 'mjpeg', '-q:v', '3', '-pix_fmt', 'yuvj420p', ...still],
    PACKAGE_NAMES.posterJpeg,
    ...['-map', '[posterwebp]', '-c:v', 'libwebp', '-quality', '80', ...still, PACKAGE_NAMES.posterWebp],
  );
  const sb = images.storyboard;
  if (sb && counts.storyboardThumbs > 0) {
    input(IMAGE_FRAMES.storyboardThumbs, 1);
    graph.push(`[${n++}:v]tile=${sb.columns}x${sb.rows}[storyboard]`);
    outputs.push(
      ...[
        '-map',
        '[storyboard]',
        '-c:v',
        'mjpeg',
        '-q:v',
        '5',
        '-pix_fmt',
        'yuvj420p',
        '-map_metadata',
        '-1',
      ],
      ...['-start_number', '0', '-f', 'image2', `${PACKAGE_NAMES.storyboardDir}/sprite_%03d.jpg`],
    );
  }
  const pv = images.preview;
  // Frame 0 is the primer unless the window itself starts at 0.
  const primer = pv && pv.startSec > 0 ? 1 : 0;
  if (pv && counts.previewFrames > primer) {
    input(IMAGE_FRAMES.previewFrames, pv.fps, primer);
    graph.push(`[${n}:v]null[preview]`);
    outputs.push(
      ...['-map', '[preview]', '-c:v', 'libwebp_anim', '-loop', '0', '-quality', '60', '-map_metadata', '-1'],
      ...['-f', 'webp', PACKAGE_NAMES.preview],
    );
  }
  return [...args, '-filter_complex', graph.join(';'), ...outputs];
}
