import { parseLoudnormReport } from '../../common/audio/loudnorm-report.js';
import type { AudioPlan, LoudnessMeasurement } from '../../common/plan/encode-plan.js';
import { safeInputOptions } from '../../common/ffmpeg/input-args.js';
import { binaries } from '../ffmpeg/binaries.js';
import { runProcess } from '../ffmpeg/runner.js';
import { ffmpegInputUrl } from '../probe/probe-source.js';

/**
 * First loudnorm pass over one audio track (audio decode only, no picture): what the second pass needs
 * for a linear gain that lands on the target. Undefined for silence.
 */
export async function measureLoudness(
  input: string,
  audio: AudioPlan,
  context: { signal?: AbortSignal; onCommand?: (line: string) => void },
): Promise<LoudnessMeasurement | undefined> {
  const l = audio.loudness!;
  const { ffmpeg } = await binaries();
  const args = [
    '-hide_banner',
    '-nostdin',
    ...safeInputOptions(),
    '-i',
    ffmpegInputUrl(input),
    '-vn',
    '-sn',
    '-dn',
  ];
  args.push(
    '-map',
    `0:${audio.streamIndex}`,
    '-af',
    `loudnorm=I=${l.targetLufs}:TP=${l.truePeakDb}:LRA=${l.lra}:print_format=json`,
  );
  args.push('-f', 'null', '-');
  const result = await runProcess({
    bin: ffmpeg.path,
    args,
    signal: context.signal,
    onCommand: context.onCommand,
    captureStderr: true,
    stallTimeoutMs: 120_000,
    file: input,
  });
  return parseLoudnormReport(result.stderr);
}
