import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { StudioError } from '../../common/errors.js';
import { DEFAULT_RETRY, withRetry } from '../../common/publish/backoff.js';
import { resolveStore, type S3TargetConfig } from '../../common/publish/publish-target.js';
import { md5Of } from '../publish/file-digest.js';
import { createS3Client, type StaticCredentials } from '../publish/s3-client.js';
import { retryDecision, toPublishError } from '../publish/s3-errors.js';
import { s3Sdk } from '../publish/s3-sdk.js';
import { runLimited } from '../publish/upload-pool.js';

/** Requests in flight while a part's folder moves to or from the store. */
const PART_CONCURRENCY = 8;
/** Written last: a part folder without it in the store is incomplete (its job did not finish). */
export const PART_MANIFEST = 'part.json';

export interface PartManifest {
  /** What the part is: `chunk-002`, `film`. */
  part: string;
  /** The plan the part was encoded from (partFingerprint): every part of a film must share it. */
  fingerprint: string;
  files: { path: string; bytes: number }[];
  /** Seconds the part's encode took, for the per-chunk cost. */
  encodeSec: number;
}

export interface PartStoreAccess {
  credentials?: StaticCredentials;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/**
 * The intermediate results of a chunked farm job: each part's folder (a chunk's rungs, the film-long
 * audio) kept in the output store under `.hls-studio-parts/<flow id>/` (part-job.ts)
 * between the job that wrote it and the stitch job that reads it, on whichever machines they run.
 * Every request is retried on transient faults (the publisher's policy); a re-run job overwrites.
 */
export class PartStore {
  private readonly client: S3Client;

  constructor(
    private readonly target: S3TargetConfig,
    private readonly access: PartStoreAccess = {},
  ) {
    this.client = createS3Client(target, resolveStore(target), {
      concurrency: PART_CONCURRENCY,
      ...(access.credentials ? { credentials: access.credentials } : {}),
      ...(access.env ? { env: access.env } : {}),
    });
  }

  /** Uploads every file under `dir` to `<keyPrefix>…`, then the manifest. */
  async put(dir: string, keyPrefix: string, manifest: Omit<PartManifest, 'files'>): Promise<PartManifest> {
    const files = await filesUnder(dir);
    const entries = await runLimited(files, PART_CONCURRENCY, async (rel) => {
      const body = await readFile(path.join(dir, rel));
      await this.putObject(keyPrefix + rel, body);
      return { path: rel, bytes: body.length };
    });
    const full: PartManifest = { ...manifest, files: entries };
    await this.putObject(keyPrefix + PART_MANIFEST, Buffer.from(JSON.stringify(full)));
    return full;
  }

  /** Downloads a part written by `put` into `dir`; missing or short parts are errors naming the part. */
  async get(keyPrefix: string, dir: string): Promise<PartManifest> {
    const manifest = JSON.parse(
      (await this.getObject(keyPrefix + PART_MANIFEST)).toString('utf8'),
    ) as PartManifest;
    await runLimited(manifest.files, PART_CONCURRENCY, async (file) => {
      const body = await this.getObject(keyPrefix + file.path);
      if (body.length !== file.bytes)
        throw new StudioError(
          'IO_ERROR',
          `${this.url(keyPrefix + file.path)}: ${body.length} bytes where the part wrote ${file.bytes}`,
        );
      const to = path.join(dir, ...file.path.split('/'));
      await mkdir(path.dirname(to), { recursive: true });
      await writeFile(to, body);
    });
    return manifest;
  }

  /** Deletes every object under `keyPrefix` (a finished film's parts). */
  async remove(keyPrefix: string): Promise<number> {
    const { ListObjectsV2Command, DeleteObjectsCommand } = s3Sdk();
    let removed = 0;
    let token: string | undefined;
    do {
      const page = await this.request(`listing ${this.url(keyPrefix)}`, () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.target.bucket,
            Prefix: keyPrefix,
            ...(token ? { ContinuationToken: token } : {}),
          }),
          this.options(),
        ),
      );
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      if (keys.length > 0) {
        await this.request(`deleting under ${this.url(keyPrefix)}`, () =>
          this.client.send(
            new DeleteObjectsCommand({
              Bucket: this.target.bucket,
              Delete: { Objects: keys, Quiet: true },
            }),
            this.options(),
          ),
        );
        removed += keys.length;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return removed;
  }

  close(): void {
    this.client.destroy();
  }

  private async putObject(key: string, body: Buffer): Promise<void> {
    const { PutObjectCommand } = s3Sdk();
    await this.request(`writing ${this.url(key)}`, () =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.target.bucket,
          Key: key,
          Body: body,
          ContentMD5: md5Of(body).toString('base64'),
        }),
        this.options(),
      ),
    );
  }

  private async getObject(key: string): Promise<Buffer> {
    const { GetObjectCommand } = s3Sdk();
    return this.request(`reading ${this.url(key)}`, async () => {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.target.bucket, Key: key }),
        this.options(),
      );
      return Buffer.from(await out.Body!.transformToByteArray());
    });
  }

  private request<T>(what: string, send: () => Promise<T>): Promise<T> {
    const store = resolveStore(this.target);
    return withRetry(send, {
      policy: DEFAULT_RETRY,
      classify: retryDecision,
      ...(this.access.signal ? { signal: this.access.signal } : {}),
    }).catch((error: unknown) => {
      if (this.access.signal?.aborted) throw new StudioError('CANCELLED', `${what}: cancelled`);
      throw toPublishError(error, {
        bucket: this.target.bucket,
        ...(store.endpoint ? { endpoint: store.endpoint } : {}),
        what,
      });
    });
  }

  private options() {
    return this.access.signal ? { abortSignal: this.access.signal } : {};
  }

  private url(key: string): string {
    return `s3://${this.target.bucket}/${key}`;
  }
}

/** Every file under `dir`, as `/`-separated paths relative to it, in a stable order. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}
