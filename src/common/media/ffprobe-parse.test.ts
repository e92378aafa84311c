import { describe, expect, it } from 'vitest';
import { fixtureSource } from '../../../test/helpers/ffprobe-fixture.js';
import { parseFfprobeJson } from './ffprobe-parse.js';

describe('parseFfprobeJson on captured real-world ffprobe output', () => {
  it('iPhone portrait: display matrix -90 means a quarter turn, so the picture is shown 320x568', () => {
    const v = fixtureSource('iphone-h264-rot90-vfr').video!;
    expect([v.width, v.height]).toEqual([568, 320]);
    expect(v.rotation).toBe(90);
    expect([v.displayWidth, v.displayHeight]).toEqual([320, 568]);
    // r 29.970 vs avg 29.976: within 1%, treated as constant 30000/1001
    expect(v.vfr).toBe(false);
    expect(v.frameRate).toEqual({ num: 30000, den: 1001 });
  });

  it('iPhone HEVC HLG: HDR is detected as HLG, 10-bit, and its VFR average snaps up to 29.97', () => {
    const v = fixtureSource('iphone-hevc-hlg-rot90').video!;
    expect(v.dynamicRange).toBe('hlg');
    expect(v.bitDepth).toBe(10);
    expect(v.vfr).toBe(true);
    expect(v.frameRate).toEqual({ num: 30000, den: 1001 });
  });

  it('HDR10 PQ and AV1 59.94 PQ are PQ; 59.94 stays exactly 60000/1001', () => {
    expect(fixtureSource('hevc-pq-hdr10').video!.dynamicRange).toBe('pq');
    const av1 = fixtureSource('av1-pq-5994').video!;
    expect(av1.dynamicRange).toBe('pq');
    expect(av1.frameRate).toEqual({ num: 60000, den: 1001 });
  });

  it('DVB MPEG-2: top field first, SAR 64:45 widens 720x576 to 1024x576', () => {
    const v = fixtureSource('dvb-mpeg2-576i-sar64x45').video!;
    expect(v.fieldOrder).toBe('tff');
    expect(v.interlaced).toBe(true);
    expect([v.displayWidth, v.displayHeight]).toEqual([1024, 576]);
  });

  it('DV: no field order in the container counts as possibly interlaced; SAR 8:9 narrows to 640x480', () => {
    const s = fixtureSource('dv-ntsc-480i-bff-sar8x9');
    expect(s.video!.fieldOrder).toBe('unknown');
    expect(s.video!.interlaced).toBe(true);
    expect([s.video!.displayWidth, s.video!.displayHeight]).toEqual([640, 480]);
    expect(s.audio).toHaveLength(2);
  });

  it('extreme VFR screen capture: the 57600/1 timebase rate is ignored, the 7.2 fps average snaps to 23.976', () => {
    const v = fixtureSource('screen-capture-extreme-vfr').video!;
    expect(v.vfr).toBe(true);
    expect(v.frameRate).toEqual({ num: 24000, den: 1001 });
  });

  it("MKV's 1000/1 average is a container artefact: r_frame_rate is used; its SRT track is a text subtitle", () => {
    const s = fixtureSource('mkv-h264-ac3-srt');
    expect(s.video!.vfr).toBe(false);
    expect(s.subtitles).toEqual([
      expect.objectContaining({ codec: 'subrip', bitmap: false, language: 'eng' }),
    ]);
  });

  it('audio-only 5.1 Opus has no video and six channels', () => {
    const s = fixtureSource('audio-only-opus-51');
    expect(s.video).toBeUndefined();
    expect(s.audio[0]).toMatchObject({ codec: 'opus', channels: 6 });
  });

  it('cover art (attached_pic) is not a video track', () => {
    const s = parseFfprobeJson('/a.m4a', {
      streams: [
        { index: 0, codec_type: 'audio', codec_name: 'aac', channels: 2, sample_rate: '44100' },
        {
          index: 1,
          codec_type: 'video',
          codec_name: 'mjpeg',
          width: 600,
          height: 600,
          disposition: { attached_pic: 1 },
        },
      ],
      format: { format_name: 'mov', duration: '3.0' },
    });
    expect(s.video).toBeUndefined();
  });

  it('a file with only a data stream is NO_MEDIA_STREAMS, naming the file', () => {
    expect(() =>
      parseFfprobeJson('/x/data.bin', {
        streams: [{ index: 0, codec_type: 'data' }],
        format: { format_name: 'mpegts' },
      }),
    ).toThrow(
      expect.objectContaining({ code: 'NO_MEDIA_STREAMS', message: expect.stringContaining('/x/data.bin') }),
    );
  });
});
