import { describe, expect, it } from 'vitest';
import { isRemoteUrl, parseObjectUrl } from './object-url.js';

describe('object URLs', () => {
  it('s3:// and gs:// name a bucket and a key', () => {
    expect(parseObjectUrl('s3://in-bucket/films/film.mov')).toMatchObject({
      store: 's3',
      bucket: 'in-bucket',
      key: 'films/film.mov',
    });
    expect(parseObjectUrl('gs://my_bucket/a.mp4')).toMatchObject({
      store: 'gcs',
      bucket: 'my_bucket',
      key: 'a.mp4',
    });
    expect(isRemoteUrl('S3://b/k')).toBe(true);
    expect(isRemoteUrl('./film.mov')).toBe(false);
  });

  it('a bucket, a folder or a malformed URL is refused with the URL in the message', () => {
    expect(() => parseObjectUrl('s3://in-bucket')).toThrow(/s3:\/\/in-bucket names a bucket/);
    expect(() => parseObjectUrl('s3://in-bucket/films/')).toThrow(/not an object/);
    expect(() => parseObjectUrl('s3://No_Such/x.mov')).toThrow(/not a valid bucket name/);
    expect(() => parseObjectUrl('s3://b/x.mov?versionId=1')).toThrow(/is not an s3:\/\/bucket/);
  });
});
