import { describe, expect, it } from 'vitest';
import { StudioError } from '../../common/errors.js';
import { describeFailure, retryDecision, toPublishError } from './s3-errors.js';

const sdkError = (name: string, status?: number, extra = {}) =>
  Object.assign(new Error(name === 'Unknown' ? 'UnknownError' : `${name} happened`), {
    name,
    ...(status ? { $metadata: { httpStatusCode: status } } : {}),
    ...extra,
  });
const where = { bucket: 'videos', endpoint: 'http://127.0.0.1:9000', what: 'checking the bucket' };

describe('S3 failures', () => {
  it('retries network errors, 5xx, 429 and SlowDown (with a floor); not 4xx or integrity failures', () => {
    expect(retryDecision(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toMatchObject({
      retry: true,
    });
    expect(retryDecision(sdkError('InternalError', 500))).toMatchObject({ retry: true });
    expect(retryDecision(sdkError('SlowDown', 503))).toMatchObject({ retry: true, minDelayMs: 500 });
    expect(retryDecision(sdkError('Unknown', 429))).toMatchObject({ retry: true });
    expect(retryDecision(sdkError('BadDigest', 400))).toMatchObject({ retry: true });
    expect(retryDecision(sdkError('TimeoutError'))).toMatchObject({ retry: true });
    expect(retryDecision(sdkError('AccessDenied', 403))).toMatchObject({ retry: false });
    expect(retryDecision(sdkError('NoSuchBucket', 404))).toMatchObject({ retry: false });
    expect(retryDecision(sdkError('AbortError'))).toMatchObject({ retry: false });
    expect(retryDecision(new StudioError('PUBLISH_INTEGRITY', 'x'))).toMatchObject({ retry: false });
  });

  it('HEAD errors have no body: they are named after the status', () => {
    expect(describeFailure(sdkError('Unknown', 403))).toMatchObject({ code: 'HTTP 403', status: 403 });
  });

  it('maps failures to codes that say what to fix', () => {
    expect(toPublishError(sdkError('InvalidAccessKeyId', 403), where)).toMatchObject({
      code: 'PUBLISH_AUTH',
    });
    expect(toPublishError(sdkError('SignatureDoesNotMatch', 403), where)).toMatchObject({
      code: 'PUBLISH_AUTH',
    });
    expect(toPublishError(sdkError('Unknown', 403), where)).toMatchObject({ code: 'PUBLISH_AUTH' });
    expect(toPublishError(sdkError('NoSuchBucket', 404), where)).toMatchObject({
      code: 'PUBLISH_CONFIG',
      message: 'bucket "videos" at http://127.0.0.1:9000 does not exist',
    });
    expect(toPublishError(sdkError('PermanentRedirect', 301), where)).toMatchObject({
      code: 'PUBLISH_CONFIG',
    });
    expect(
      toPublishError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), where),
    ).toMatchObject({
      code: 'PUBLISH_CONFIG',
      message: expect.stringContaining('cannot reach'),
    });
    expect(
      toPublishError(sdkError('InternalError', 500), { ...where, what: 'uploading a.ts' }),
    ).toMatchObject({
      code: 'PUBLISH_FAILED',
      message: expect.stringContaining('uploading a.ts: HTTP 500 InternalError'),
    });
  });
});
