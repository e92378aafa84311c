import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createdObjects } from './bucket-events.js';

const radosgw = async () =>
  JSON.parse(
    await readFile(new URL('../../../test/fixtures/s3-events/radosgw-put.json', import.meta.url), 'utf8'),
  ) as unknown;

/** An Amazon S3 record as S3 writes it: form-encoded key, quoted nothing, `aws:s3` source. */
const aws = (eventName: string, key: string) => ({
  Records: [
    {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      eventName,
      s3: { bucket: { name: 'in' }, object: { key, size: 1024, eTag: 'abc123' } },
    },
  ],
});

describe('S3 event notifications (watch-bucket push path, issue 16)', () => {
  it('reads the body radosgw really pushed (recorded from Ceph 16 (pacific) on this machine)', async () => {
    expect(createdObjects(await radosgw())).toEqual({
      objects: [{ bucket: 'inb', key: 'in/film1.mp4', etag: '764efa883dda1e11db47671c4a3bbd9e', size: 3 }],
      skipped: [],
    });
    expect(createdObjects(await radosgw(), 'other/').objects).toEqual([]);
  });

  it('decodes Amazon’s form-encoded keys, and only created objects count', () => {
    expect(
      createdObjects(aws('ObjectCreated:CompleteMultipartUpload', 'films/my+film+%C3%A9t%C3%A9.mp4')).objects,
    ).toEqual([{ bucket: 'in', key: 'films/my film été.mp4', etag: 'abc123', size: 1024 }]);
    expect(createdObjects(aws('ObjectRemoved:Delete', 'a.mp4')).objects).toEqual([]);
    expect(createdObjects(aws('ObjectCreated:Put', 'films/')).objects).toEqual([]);
  });

  it('refuses what is not a notification, and reports records it cannot read', () => {
    expect(createdObjects({ Event: 's3:TestEvent' }).skipped).toEqual([
      'not an S3 event notification (no Records)',
    ]);
    expect(createdObjects('nope').objects).toEqual([]);
    const bad = createdObjects({ Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: {} } }] });
    expect(bad.objects).toEqual([]);
    expect(bad.skipped[0]).toMatch(/^record 0: s3\.bucket\.name/);
  });
});
