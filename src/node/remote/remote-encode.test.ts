import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../common/errors.js';
import { clip, scratchDir } from '../../../test/helpers/clips.js';
import { testPreset } from '../../../test/helpers/encode.js';
import { listObjects, s3Target, useTestS3 } from '../../../test/helpers/s3-server.js';
import {
  encodeRemote,
  REMOTE_TEMP_PREFIX,
  type RemoteEncodeEvent,
  type RemoteEncodeRequest,
} from './remote-encode.js';

const s3 = useTestS3();
let tmp: string;
const savedTmp = process.env.TMPDIR;
let source: string;

beforeAll(async () => {
  // The temporary copies go under TMPDIR: a folder of our own shows that nothing is left behind.
  tmp = await scratchDir('remote-tmp-');
  process.env.TMPDIR = tmp;
  source = await clip('remote-in.mp4', { width: 320, height: 180, durationSec: 4 });
  await put('in/film.mp4', await readFile(source));
  await put('in/notes.mp4', Buffer.from('this is not a video\n'.repeat(100)));
});
afterAll(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
});

async function put(key: string, body: Buffer) {
  await s3
    .client()
    .send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: body, ACL: 'public-read' }));
}

const url = (key: string) => `s3://${s3.bucket}/${key}`;
const leftovers = async () => (await readdir(tmp)).filter((n) => n.startsWith(REMOTE_TEMP_PREFIX));

function run(request: Partial<RemoteEncodeRequest>, events: RemoteEncodeEvent[] = [], signal?: AbortSignal) {
  return encodeRemote(
    {
      input: url('in/film.mp4'),
      out: url('videos'),
      store: { target: s3Target(s3, '') },
      preset: testPreset(),
      quality: false,
      publish: { validate: false },
      ...request,
    },
    { credentials: s3.credentials, onEvent: (e) => events.push(e), ...(signal ? { signal } : {}) },
  );
}

async function failure(promise: Promise<unknown>): Promise<StudioError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StudioError);
  return error as StudioError;
}

describe('bucket in, bucket out', () => {
  it('an object is encoded and published under <out>/<name>/ and the temporary copies are gone', async () => {
    const events: RemoteEncodeEvent[] = [];
    const { result, published } = await run({ out: url('videos/a') }, events);
    expect(result.validation.valid).toBe(true);
    expect(published?.verification?.ok, JSON.stringify(published?.verification?.failures)).toBe(true);
    expect(published?.playbackUrl).toBe(`${s3.endpoint}/${s3.bucket}/videos/a/film/master.m3u8`);
    const stored = await listObjects(s3.client(), s3.bucket, 'videos/a/film/');
    expect(stored.has('videos/a/film/master.m3u8')).toBe(true);
    expect(stored.size).toBe(published!.uploaded);
    const types = events.map((e) => e.type);
    expect(types.indexOf('checked')).toBeLessThan(types.indexOf('download'));
    expect(types.lastIndexOf('download')).toBeLessThan(types.indexOf('encode'));
    expect(await leftovers()).toEqual([]);
  });

  it('a local folder as --out keeps the package there (bucket in, disk out)', async () => {
    const out = await scratchDir('remote-out-');
    const { result, published } = await run({ out });
    expect(published).toBeUndefined();
    expect(result.packageDir).toBe(path.join(out, 'film'));
    expect(await readFile(path.join(out, 'film', 'master.m3u8'), 'utf8')).toMatch(/^#EXTM3U/);
    expect(await leftovers()).toEqual([]);
  });

  it('a missing object is named with its URL before any encode starts', async () => {
    const events: RemoteEncodeEvent[] = [];
    const error = await failure(run({ input: url('in/nope.mov') }, events));
    expect(error.code).toBe('FILE_NOT_FOUND');
    expect(error.message).toBe(`${url('in/nope.mov')}: no such object`);
    expect(events).toEqual([]);
  });

  it('a missing bucket is named before any encode starts', async () => {
    const error = await failure(run({ input: 's3://no-such-bucket-here/film.mp4' }));
    expect(error.code).toBe('FILE_NOT_FOUND');
    expect(error.message).toMatch(
      /^s3:\/\/no-such-bucket-here\/film\.mp4: (bucket "no-such-bucket-here" does not exist|no such object)/,
    );
  });

  it('an output bucket that does not exist is refused before any download or encode', async () => {
    const events: RemoteEncodeEvent[] = [];
    const error = await failure(run({ out: 's3://no-such-bucket-here/videos' }, events));
    expect(error.code).toBe('PUBLISH_CONFIG');
    expect(error.message).toMatch(/^s3:\/\/no-such-bucket-here\/videos: cannot publish there/);
    expect(events).toEqual([]);
  });

  it('refused credentials are named with the URL', async () => {
    const error = await failure(
      encodeRemote(
        {
          input: url('in/film.mp4'),
          out: url('videos'),
          store: { target: s3Target(s3, '') },
          preset: testPreset(),
        },
        { credentials: { accessKeyId: 'NOSUCHKEY', secretAccessKey: 'wrong-secret' } },
      ),
    );
    expect(error.code).toBe('PUBLISH_AUTH');
    expect(error.message).toContain(url('in/film.mp4'));
  });

  it('a source that is not a video fails the encode and still leaves no temporary copy', async () => {
    const error = await failure(run({ input: url('in/notes.mp4'), out: url('videos/b') }));
    expect(['NOT_MEDIA', 'UNDECODABLE']).toContain(error.code);
    expect(await leftovers()).toEqual([]);
    expect((await listObjects(s3.client(), s3.bucket, 'videos/b/')).size).toBe(0);
  });

  it('a cancel in the middle of the encode removes the temporary copies and publishes nothing', async () => {
    const controller = new AbortController();
    const events: RemoteEncodeEvent[] = [];
    const pending = run({ out: url('videos/c') }, events, controller.signal);
    const started = Date.now();
    while (!events.some((e) => e.type === 'encode') && Date.now() - started < 30_000)
      await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    const error = await failure(pending);
    expect(error.code).toBe('CANCELLED');
    expect(await leftovers()).toEqual([]);
    expect((await listObjects(s3.client(), s3.bucket, 'videos/c/')).size).toBe(0);
  });
});
