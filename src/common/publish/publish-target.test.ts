import { describe, expect, it } from 'vitest';
import {
  parseTarget,
  resolveStore,
  TARGET_NAME_RULE,
  targetNameProblem,
  type S3TargetConfig,
} from './publish-target.js';

const ok = (input: unknown): S3TargetConfig => {
  const parsed = parseTarget(input);
  if (!parsed.ok) throw new Error(parsed.issues.join('\n'));
  return parsed.target;
};
const issues = (input: unknown) => {
  const parsed = parseTarget(input);
  return parsed.ok ? [] : parsed.issues;
};

describe('publish targets', () => {
  it('defaults: Amazon S3, bucket root, playlists max-age 60, no gzip', () => {
    expect(ok({ bucket: 'videos' })).toEqual({
      store: 's3',
      bucket: 'videos',
      prefix: '',
      playlistMaxAgeSec: 60,
      gzipPlaylists: false,
    });
  });

  it('never holds secrets: credential-looking fields are refused with where credentials come from', () => {
    for (const key of ['secretAccessKey', 'accessKeyId', 'sessionToken', 'password', 'hmacSecret'])
      expect(issues({ bucket: 'videos', [key]: 'x' }).join()).toMatch(
        /secrets are never stored.*S3_ACCESS_KEY_ID/,
      );
    expect(issues({ bucket: 'videos', colour: 'red' }).join()).toMatch(/colour/);
  });

  it('Amazon S3: SDK endpoints, virtual-hosted public URL in the region', () => {
    expect(resolveStore(ok({ bucket: 'videos', region: 'eu-west-1' }))).toEqual({
      store: 's3',
      endpoint: undefined,
      region: 'eu-west-1',
      pathStyle: false,
      aws: true,
      corsApi: true,
      publicBaseUrl: 'https://videos.s3.eu-west-1.amazonaws.com',
    });
  });

  it('GCS through the XML API: storage.googleapis.com, region auto, CORS not via the S3 API', () => {
    expect(resolveStore(ok({ store: 'gcs', bucket: 'videos' }))).toMatchObject({
      endpoint: 'https://storage.googleapis.com',
      region: 'auto',
      aws: false,
      corsApi: false,
      publicBaseUrl: 'https://storage.googleapis.com/videos',
    });
  });

  it('presets fill their endpoint templates (R2 account, Spaces/B2/Wasabi region)', () => {
    const account = 'a'.repeat(32);
    expect(resolveStore(ok({ store: 'r2', bucket: 'vid', accountId: account })).endpoint).toBe(
      `https://${account}.r2.cloudflarestorage.com`,
    );
    expect(resolveStore(ok({ store: 'spaces', bucket: 'vid', region: 'ams3' }))).toMatchObject({
      endpoint: 'https://ams3.digitaloceanspaces.com',
      publicBaseUrl: 'https://vid.ams3.digitaloceanspaces.com',
    });
    expect(resolveStore(ok({ store: 'b2', bucket: 'vid' })).endpoint).toBe(
      'https://s3.us-west-004.backblazeb2.com',
    );
    expect(resolveStore(ok({ store: 'wasabi', bucket: 'vid', region: 'eu-central-1' })).endpoint).toBe(
      'https://s3.eu-central-1.wasabisys.com',
    );
  });

  it('a custom endpoint is not AWS: path-style public URL unless a public base URL is given', () => {
    expect(
      resolveStore(ok({ store: 'minio', bucket: 'vid', endpoint: 'http://127.0.0.1:9000/' })),
    ).toMatchObject({
      endpoint: 'http://127.0.0.1:9000',
      pathStyle: true,
      aws: false,
      publicBaseUrl: 'http://127.0.0.1:9000/vid',
    });
    expect(
      resolveStore(
        ok({ bucket: 'vid', endpoint: 'https://s3.example', publicBaseUrl: 'https://cdn.example/' }),
      ).publicBaseUrl,
    ).toBe('https://cdn.example');
  });

  it('names what a store still needs', () => {
    expect(issues({ store: 'minio', bucket: 'vid' })).toEqual([
      'endpoint: MinIO needs an endpoint (the URL of its S3 API)',
    ]);
    expect(issues({ store: 'r2', bucket: 'vid' })).toEqual([
      'accountId: Cloudflare R2 needs its account ID (or an endpoint)',
    ]);
    expect(issues({ bucket: 'vid', endpoint: 'ftp://x' }).join()).toMatch(/http\(s\) URL/);
    expect(issues({ bucket: 'vid', storageClass: 'cheap' }).join()).toMatch(/storage class/);
  });
});

describe('target names', () => {
  it('a name is a label: spaces inside, letters of any script, digits and . _ -', () => {
    for (const name of ['My bucket', 'cdn', 'Été 2026', 'r2.prod_eu-1', 'a'])
      expect(targetNameProblem(name), name).toBeUndefined();
  });

  it('refuses what would not survive a command line or a file: edges, slashes, quotes, length', () => {
    expect(targetNameProblem('')).toBe('give the target a name');
    expect(targetNameProblem(' cdn')).toBe('no spaces at the start or the end');
    expect(targetNameProblem('cdn ')).toBe('no spaces at the start or the end');
    expect(targetNameProblem('x'.repeat(64))).toBe('at most 63 characters');
    for (const name of ['a/b', 'a"b', '-cdn', 's3://x', 'tab\there'])
      expect(targetNameProblem(name), name).toBe(TARGET_NAME_RULE);
  });
});
