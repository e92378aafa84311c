import { randomBytes } from 'node:crypto';
import { s3Sdk } from './s3-sdk.js';
import type { TargetFix, TargetTestReport, TargetTestStep } from '../../common/api/studio-api.js';
import { resolveStore, type S3TargetConfig } from '../../common/publish/publish-target.js';
import { objectUrl } from '../../common/publish/s3-url.js';
import { checkBucketCors } from './bucket-cors.js';
import { digestBuffer } from './file-digest.js';
import { createS3Client, type StaticCredentials } from './s3-client.js';
import { describeFailure, toPublishError } from './s3-errors.js';

const STEP_TIMEOUT_MS = 15_000;

/** Reading the probe back without credentials, as a player would, was refused or missed. */
class PublicReadError extends Error {
  // 401/403: the objects are private; 404 and others: the public base URL does not serve this bucket.
  readonly fix: TargetFix | undefined;
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.fix = status === 401 || status === 403 ? 'public-read' : undefined;
  }
}

/**
 * "Test connection": list the prefix, put a small probe object, read it back through the public URL
 * (what players will do), delete it, and check the bucket's CORS for browser playback. Each step says
 * what went wrong in the words of publish's own errors; later steps still run where they can.
 */
export async function probeTarget(
  target: S3TargetConfig,
  credentials: StaticCredentials | undefined,
  options: { origin?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<TargetTestReport> {
  const started = Date.now();
  const store = resolveStore(target);
  const client = createS3Client(target, store, {
    concurrency: 1,
    ...(credentials ? { credentials } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  const where = { bucket: target.bucket, ...(store.endpoint ? { endpoint: store.endpoint } : {}) };
  const key = `${target.prefix ? `${target.prefix}/` : ''}.hls-studio-probe-${randomBytes(6).toString('hex')}`;
  const body = Buffer.from(`HLS Studio connection test ${new Date().toISOString()}\n`);
  const steps: TargetTestStep[] = [];
  const step = async (name: TargetTestStep['step'], what: string, run: () => Promise<string>) => {
    try {
      steps.push({ step: name, ok: true, message: await run() });
      return true;
    } catch (error) {
      const failure = toPublishError(error, { ...where, what });
      const status = (error as PublicReadError).status ?? describeFailure(error).status;
      const fix: TargetFix | undefined =
        error instanceof PublicReadError
          ? error.fix
          : name === 'cors'
            ? 'cors'
            : failure.code === 'PUBLISH_AUTH'
              ? 'credentials'
              : undefined;
      steps.push({
        step: name,
        ok: false,
        message: failure.message,
        ...(status === undefined ? {} : { status }),
        ...(fix ? { fix } : {}),
      });
      return false;
    }
  };
  const signal = () => AbortSignal.timeout(STEP_TIMEOUT_MS);
  try {
    await step('list', 'listing the bucket', async () => {
      const out = await client.send(
        new (s3Sdk().ListObjectsV2Command)({ Bucket: target.bucket, Prefix: target.prefix, MaxKeys: 5 }),
        { abortSignal: signal() },
      );
      return `listed s3://${target.bucket}/${target.prefix} (${out.KeyCount ?? 0} object(s) seen)`;
    });
    const put = await step('put', 'writing a probe object', async () => {
      await client.send(
        new (s3Sdk().PutObjectCommand)({
          Bucket: target.bucket,
          Key: key,
          Body: body,
          ContentType: 'text/plain',
          ContentMD5: digestBuffer(body).md5.toString('base64'),
          ...(target.acl ? { ACL: target.acl } : {}),
        }),
        { abortSignal: signal() },
      );
      return `wrote ${key} (${body.length} bytes)`;
    });
    if (put) {
      const url = objectUrl(store.publicBaseUrl, key);
      await step('get', 'reading the probe object back', async () => {
        const response = await fetch(url, { signal: signal() });
        if (!response.ok)
          throw new PublicReadError(
            `${url} answered HTTP ${response.status}: players could not fetch packages from there ` +
              '(the objects need public read access: a public-read ACL or a bucket policy, or a public ' +
              'base URL that serves the bucket)',
            response.status,
          );
        const back = Buffer.from(await response.arrayBuffer());
        if (!back.equals(body)) throw new Error(`${url} served other bytes than were written`);
        return `read it back anonymously from ${url}`;
      });
      await step('delete', 'deleting the probe object', async () => {
        await client.send(new (s3Sdk().DeleteObjectCommand)({ Bucket: target.bucket, Key: key }), {
          abortSignal: signal(),
        });
        return `deleted ${key}`;
      });
    }
    if (store.corsApi)
      await step('cors', 'checking the bucket’s CORS rules', async () => {
        const cors = await checkBucketCors(client, target.bucket, options.origin ?? '*', signal());
        if (!cors.ok) throw new Error(cors.problems.join('; ') || 'CORS would stop browsers playing from it');
        return 'CORS lets browsers play from the bucket';
      });
  } finally {
    client.destroy();
  }
  return { ok: steps.every((s) => s.ok), steps, elapsedMs: Date.now() - started };
}
