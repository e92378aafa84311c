import { describe, expect, it } from 'vitest';
import { normalizePrefix, objectKey, objectUrl, parseTargetUrl } from './s3-url.js';

describe('s3:// and gs:// targets', () => {
  it('parses bucket and prefix, normalising slashes', () => {
    expect(parseTargetUrl('s3://my-bucket/videos/2026/')).toEqual({
      store: 's3',
      bucket: 'my-bucket',
      prefix: 'videos/2026',
    });
    expect(parseTargetUrl('s3://my-bucket')).toEqual({ store: 's3', bucket: 'my-bucket', prefix: '' });
    expect(parseTargetUrl('S3://my.bucket//a//b')).toEqual({
      store: 's3',
      bucket: 'my.bucket',
      prefix: 'a/b',
    });
    expect(parseTargetUrl('gs://media_bucket/hls')).toEqual({
      store: 'gcs',
      bucket: 'media_bucket',
      prefix: 'hls',
    });
  });

  it('refuses what is not a bucket URL, bad bucket names and dot segments', () => {
    expect(() => parseTargetUrl('https://bucket.s3.amazonaws.com/x')).toThrow(/not an s3:\/\/bucket/);
    expect(() => parseTargetUrl('s3://My_Bucket/x')).toThrow(/not a valid bucket name/);
    expect(() => parseTargetUrl('s3://ab/x')).toThrow(/not a valid bucket name/);
    expect(() => parseTargetUrl('s3://a..b/x')).toThrow(/not a valid bucket name/);
    expect(() => parseTargetUrl('s3://bucket/a/../b')).toThrow(/"\." or "\.\."/);
    expect(() => normalizePrefix('./a')).toThrow();
  });
});

describe('object keys', () => {
  it('the package lives at <prefix>/<name>/; its keys folder beside it, as the relative key URIs expect', () => {
    expect(objectKey('videos', 'film', 'v0-360p/seg_00000.ts')).toBe('videos/film/v0-360p/seg_00000.ts');
    expect(objectKey('', 'film', 'master.m3u8')).toBe('film/master.m3u8');
    // v0/index.m3u8 names ../../film.keys/key-0.key → <prefix>/film.keys/key-0.key
    expect(objectKey('videos', 'film', '../film.keys/key-0.key')).toBe('videos/film.keys/key-0.key');
    expect(objectKey('videos', 'film', '')).toBe('videos/film');
  });

  it('never climbs above the target prefix', () => {
    expect(() => objectKey('videos', 'film', '../../etc/passwd')).toThrow(/climbs out/);
    expect(() => objectKey('', 'film', '../../x')).toThrow(/climbs out/);
  });

  it('URLs escape each key segment, not the slashes', () => {
    expect(objectUrl('https://cdn.example.com', 'v/my film/a+b.ts')).toBe(
      'https://cdn.example.com/v/my%20film/a%2Bb.ts',
    );
    expect(objectUrl('http://127.0.0.1:9000/bucket/', 'x/master.m3u8')).toBe(
      'http://127.0.0.1:9000/bucket/x/master.m3u8',
    );
  });
});
