// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { rejectBeforeUpload, textKind } from './file-sniff';

const bytes = (...values: number[]) => new Uint8Array(values);
const ascii = (text: string) => new TextEncoder().encode(text);

describe('textKind: a dropped file whose first bytes are text is not media', () => {
  it('media containers start with binary', () => {
    // MP4: a box size then "ftyp"; MPEG-TS: the 0x47 sync byte then a PID; Matroska: EBML's 0x1A45DFA3.
    expect(textKind(bytes(0, 0, 0, 0x20, ...ascii('ftypisom')))).toBeUndefined();
    expect(textKind(bytes(0x47, 0x40, 0x00, 0x10, 0x00))).toBeUndefined();
    expect(textKind(bytes(0x1a, 0x45, 0xdf, 0xa3))).toBeUndefined();
    expect(textKind(bytes(0xff, 0xfb, 0x90, 0x64))).toBeUndefined(); // an MP3 frame header
  });

  it('names what the text is', () => {
    expect(textKind(ascii('this is not a video\n'))).toBe('text');
    expect(textKind(ascii('  <!DOCTYPE html><html>'))).toBe('an HTML page');
    expect(textKind(ascii('<?xml version="1.0"?>'))).toBe('an XML or HTML document');
    expect(textKind(ascii('{"video": true}'))).toBe('JSON text');
    expect(textKind(ascii('#EXTM3U\n#EXT-X-VERSION:3'))).toMatch(/HLS playlist/);
    expect(textKind(ascii('\uFEFFÉté 2024 notes — à lire'))).toBe('text');
  });

  it('a UTF-8 character cut at the end of the sample is still text', () => {
    const cut = ascii('notes é').subarray(0, -1);
    expect(textKind(cut)).toBe('text');
  });

  it('YUV4MPEG2 is raw video with a text header', () => {
    expect(textKind(ascii('YUV4MPEG2 W320 H240 F25:1 Ip A1:1 C420\nFRAME\n'))).toBeUndefined();
  });
});

describe('rejectBeforeUpload', () => {
  it('refuses an empty file and a text file by name; lets anything else through to ffprobe', async () => {
    expect(await rejectBeforeUpload(new File([], 'holiday.mp4'))).toEqual({
      code: 'FILE_EMPTY',
      message: 'holiday.mp4 is empty (0 bytes): there is nothing to encode',
      file: 'holiday.mp4',
    });
    expect(await rejectBeforeUpload(new File(['# Notes\n'.repeat(200)], 'notes.mp4'))).toMatchObject({
      code: 'NOT_MEDIA',
      message: 'notes.mp4 is not a video or audio file: it is text',
    });
    expect(
      await rejectBeforeUpload(new File([bytes(0, 0, 0, 0x20, ...ascii('ftypisom'))], 'a.mp4')),
    ).toBeUndefined();
  });
});
