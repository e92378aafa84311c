import { describe, expect, it } from 'vitest';
import { formatCommandLine } from '../../src/common/ffmpeg/command-line.js';
import { buildHlsArgs } from '../../src/common/ffmpeg/hls-args.js';
import { planEncode } from '../../src/common/plan/ladder-plan.js';
import { presetFrom } from '../helpers/presets.js';
import { source } from '../helpers/sources.js';
import { handBrakeArgs, perRungFfmpegCommands, splitCommandLine } from './rung-commands.js';

// The benchmark's peer is cut from the real builder's output: if the builder changes shape, this says so
// here instead of in a 10-minute benchmark run.
const preset = presetFrom({
  rungs: [
    { width: 640, height: 360, bitrateKbps: 600, maxFrameRate: 30 },
    { width: 1280, height: 720, bitrateKbps: 2800 },
    { width: 1920, height: 1080, bitrateKbps: 5000 },
  ],
});
const plan = planEncode(
  source({ fieldOrder: 'tff', interlaced: true }, { file: "/in/it's -y %d.mp4" }),
  preset,
);
const commandLine = formatCommandLine('/usr/bin/ffmpeg', buildHlsArgs(plan));
const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('splitCommandLine', () => {
  it('gives back the argument array formatCommandLine quoted', () => {
    expect(splitCommandLine(commandLine)).toEqual(['/usr/bin/ffmpeg', ...buildHlsArgs(plan)]);
  });
});

describe('perRungFfmpegCommands', () => {
  const commands = perRungFfmpegCommands(commandLine);

  it('makes one command per rung, each mapping only its own branch as video stream 0', () => {
    expect(commands).toHaveLength(3);
    commands.forEach(({ args }, i) => {
      expect(args.filter((a) => a.startsWith('[v'))).toEqual([`[v${i}]`]);
      expect(after(args, '-c:v:0')).toBe('libx264');
      expect(args.some((a) => /:v:[1-9]$/.test(a))).toBe(false);
    });
  });

  it("keeps each rung's encoder settings and the shared keyframe instants", () => {
    const rungs = plan.video!.rungs;
    commands.forEach(({ args }, i) => {
      expect(after(args, '-b:v:0')).toBe(`${rungs[i]!.bitrateKbps}k`);
      expect(after(args, '-maxrate:v:0')).toBe(`${rungs[i]!.maxBitrateKbps}k`);
      expect(after(args, '-preset:v:0')).toBe(plan.speedPreset);
      expect(after(args, '-force_key_frames:v')).toBe(`expr:gte(t,n_forced*${plan.keyframeIntervalSec})`);
    });
  });

  it('runs the pre-filters (deinterlace) in every rung, without the split', () => {
    expect(plan.video!.preFilters.join()).toContain('bwdif');
    commands.forEach(({ args }, i) => {
      const graph = after(args, '-filter_complex')!;
      expect(graph).toContain(plan.video!.preFilters[0]!);
      expect(graph).toContain(`scale=${plan.video!.rungs[i]!.width}:${plan.video!.rungs[i]!.height}`);
      expect(graph).not.toContain('split');
      expect(graph).not.toContain(';');
    });
  });

  it('encodes the audio once, with the first rung', () => {
    const [first, ...others] = commands;
    expect(after(first!.args, '-c:a:0')).toBe('aac');
    expect(after(first!.args, '-var_stream_map')).toBe(
      `v:0,name:${plan.video!.rungs[0]!.id} a:0,name:audio-0`,
    );
    for (const { args } of others) {
      expect(args.some((a) => a.includes(':a:'))).toBe(false);
      expect(after(args, '-var_stream_map')).toMatch(/^v:0,name:[^ ]+$/);
    }
  });

  it('leaves out the image outputs and ends with the HLS output', () => {
    for (const { bin, args } of commands) {
      expect(bin).toBe('/usr/bin/ffmpeg');
      expect(args.at(-1)).toBe('%v/index.m3u8');
      expect(args.join(' ')).not.toMatch(/poster|storyboard|preview/);
      expect(after(args, '-i')).toBe(`file:${plan.input}`);
    }
  });
});

describe('handBrakeArgs', () => {
  it("asks for the rung's size, rate, bit rate, VBV and a fixed keyframe interval without scene cuts", () => {
    const rung = plan.video!.rungs[1]!;
    const args = handBrakeArgs(plan, rung, '/tmp/out.mp4', false);
    expect([after(args, '-w'), after(args, '-l'), after(args, '-b')]).toEqual(['1280', '720', '2800']);
    expect(after(args, '-x')).toBe(
      `keyint=${rung.gopFrames}:min-keyint=${rung.gopFrames}:scenecut=0:vbv-maxrate=${rung.maxBitrateKbps}:vbv-bufsize=${rung.bufferKbits}`,
    );
    expect(after(args, '-a')).toBe('none');
    expect(after(handBrakeArgs(plan, rung, '/tmp/out.mp4', true), '-B')).toBe('128');
  });
});
