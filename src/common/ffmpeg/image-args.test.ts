import { describe, expect, it } from 'vitest';
import type { ImagesPlan } from '../plan/encode-plan.js';
import { buildImagesArgs, chunkFramePrimers, imageFrameBranches, imageFrameOutputs } from './image-args.js';

const images: ImagesPlan = {
  poster: { width: 1280, height: 720, sampleFrames: 24, sampleRate: '24000/600000' },
  storyboard: { intervalSec: 5, tileWidth: 160, tileHeight: 90, columns: 10, rows: 10 },
  preview: { startSec: 60, durationSec: 3, width: 320, height: 180, fps: 10 },
};
const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('image frames in the main run (issue 12: nothing may hold -progress back)', () => {
  it('every branch emits its first frame at t=0: fps sampling, and a primer frame before the preview window', () => {
    const graph = imageFrameBranches(images, ['a', 'b', 'c']).join(';');
    expect(graph).not.toMatch(/thumbnail|tile=|trim=/);
    // `fps` below one frame per second holds its first frame for half a period: buckets by select.
    expect(graph).not.toMatch(/fps=1\//);
    expect(graph).toContain('floor(t/25)');
    expect(graph).toContain('floor(t/5)');
    expect(graph).toContain("select='eq(n\\,0)+between(t\\,60\\,63)'");
  });
});

describe('image frames of a chunk (chunked encodes): the film’s frames, on the film’s timeline', () => {
  it('a chunk starting on a bucket takes that bucket’s first frame; one starting inside a bucket opens with a primer', () => {
    // 50 s in: on a storyboard bucket (every 5 s), inside a poster bucket (every 25 s), before the preview.
    const graph = imageFrameBranches(images, ['a', 'b', 'c'], 50).join(';');
    expect(graph).toContain(
      "[b]select='isnan(prev_selected_t)+gt(floor((t+50)/5)\\,floor((prev_selected_t+50)/5))'",
    );
    expect(graph).toContain("[a]select='isnan(prev_selected_t)+gt(floor((t+50)/25)");
    expect(graph).toContain("select='eq(n\\,0)+between(t\\,9.999999\\,13.000001)'");
    expect(chunkFramePrimers(images, 50)).toEqual({ poster: false, storyboard: false, preview: true });
    expect(chunkFramePrimers(images, 52)).toEqual({ poster: true, storyboard: true, preview: true });
    // Inside the preview's window its first frame is one of the window's: no primer.
    expect(chunkFramePrimers(images, 61).preview).toBe(false);
    expect(imageFrameBranches(images, ['a', 'b', 'c'], 61).join(';')).toContain(
      "select='between(t\\,-1.000001\\,2.000001)'",
    );
  });
});

describe('the image frame outputs', () => {
  it('pass frames through as selected: image2 would repeat them to a constant rate', () => {
    const outputs = imageFrameOutputs(images);
    expect(outputs.filter((a) => a === '-fps_mode')).toHaveLength(3);
    expect(outputs.filter((a, i) => a === 'passthrough' && outputs[i - 1] === '-fps_mode')).toHaveLength(3);
  });
});

describe('the images pass over the dumped frames', () => {
  const args = buildImagesArgs(images, { posterCandidates: 24, storyboardThumbs: 120, previewFrames: 31 });
  const graph = after(args, '-filter_complex')!;

  it('picks the poster among every candidate and tiles full sheets', () => {
    expect(graph).toContain('thumbnail=n=24');
    // Never more candidates in memory than the plan samples, whatever is in the folder.
    const many = buildImagesArgs(images, { posterCandidates: 18000, storyboardThumbs: 1, previewFrames: 0 });
    expect(after(many, '-filter_complex')).toContain('thumbnail=n=24,');
    expect(graph).toContain('tile=10x10[storyboard]');
    expect(args).toEqual(expect.arrayContaining(['poster.jpg', 'poster.webp', 'storyboard/sprite_%03d.jpg']));
  });

  it('skips the primer frame when the preview window does not start at 0', () => {
    const inputs = args.flatMap((a, i) => (a === '-i' ? [[args[i - 1], args[i + 1]]] : []));
    expect(inputs.at(-1)).toEqual(['1', 'file:.work/images/preview_%04d.jpg']);
    const fromZero = buildImagesArgs(
      { ...images, preview: { ...images.preview!, startSec: 0 } },
      { posterCandidates: 3, storyboardThumbs: 2, previewFrames: 30 },
    );
    expect(fromZero[fromZero.lastIndexOf('-i') - 1]).toBe('0');
  });

  it('reads only app-made relative paths with the file protocol alone', () => {
    const inputs = args.flatMap((a, i) => (a === '-i' ? [args[i + 1]!] : []));
    expect(inputs.every((i) => i.startsWith('file:.work/images/'))).toBe(true);
    expect(args.filter((a) => a === '-protocol_whitelist')).toHaveLength(3);
  });

  it('a source too short for a preview frame gets no preview output', () => {
    const short = buildImagesArgs(images, { posterCandidates: 2, storyboardThumbs: 1, previewFrames: 1 });
    expect(short).not.toContain('preview.webp');
  });
});
