import { StudioError } from '../../common/errors.js';
import type { RetryDecision } from '../../common/publish/backoff.js';

/** What an SDK or network failure says, in one shape. */
export interface S3Failure {
  status?: number;
  /** The S3 error code (`NoSuchBucket`), a Node error code (`ECONNRESET`) or the error's name. */
  code: string;
  message: string;
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const RETRYABLE_CODES = new Set([
  'SlowDown',
  'RequestTimeout',
  'InternalError',
  'ServiceUnavailable',
  'TooManyRequests',
  'Throttling',
  'ThrottlingException',
  'RequestTimeTooSkewed',
  // Content-MD5 did not match what arrived: the bytes were damaged in transit; sending again is right.
  'BadDigest',
  'IncompleteBody',
  'TimeoutError',
  'RequestTimeoutException',
]);
const AUTH_CODES = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'AccessDenied',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'CredentialsProviderError',
  'AllAccessDisabled',
]);

export function describeFailure(error: unknown): S3Failure {
  const e = error as {
    name?: string;
    code?: string;
    Code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
    cause?: { code?: string };
  };
  const status = e?.$metadata?.httpStatusCode;
  const nodeCode = e?.code ?? e?.cause?.code;
  let code =
    e?.Code ?? (nodeCode && NETWORK_CODES.has(nodeCode) ? nodeCode : undefined) ?? e?.name ?? 'Error';
  // HEAD responses have no body, so the SDK can only name them after the status.
  if ((code === 'Unknown' || code === 'UnknownError' || code === 'Error') && status) code = `HTTP ${status}`;
  const message = String(e?.message ?? error);
  return { ...(status === undefined ? {} : { status }), code, message };
}

export function isNetworkFailure(error: unknown): boolean {
  const f = describeFailure(error);
  return (
    NETWORK_CODES.has(f.code) ||
    /socket hang up|ECONNRESET|EPIPE|network|premature close|aborted/i.test(f.message)
  );
}

/** Network errors, 5xx, 429 and SlowDown are worth another try; other 4xx and integrity failures are not. */
export function retryDecision(error: unknown): RetryDecision {
  if (error instanceof StudioError) return { retry: false, reason: error.code };
  const f = describeFailure(error);
  const reason = f.status ? `HTTP ${f.status} ${f.code}` : f.code;
  if (f.code === 'AbortError') return { retry: false, reason };
  if (f.status === 503 || f.status === 429 || f.code === 'SlowDown')
    return { retry: true, reason, minDelayMs: 500 };
  if (f.status !== undefined && f.status >= 500) return { retry: true, reason };
  if (RETRYABLE_CODES.has(f.code)) return { retry: true, reason };
  if (f.status === undefined && isNetworkFailure(error)) return { retry: true, reason };
  return { retry: false, reason };
}

/**
 * A failure as a StudioError that says what to do about it. The SDK error itself is not kept as `cause`
 * (it drags the whole HTTP response along); its status, code and message are in `detail`.
 */
export function toPublishError(
  error: unknown,
  where: { bucket: string; endpoint?: string; what: string },
): StudioError {
  if (error instanceof StudioError) return error;
  const f = describeFailure(error);
  const place = `bucket "${where.bucket}"${where.endpoint ? ` at ${where.endpoint}` : ''}`;
  const detail = `${f.status ? `HTTP ${f.status} ` : ''}${f.code}: ${f.message}`;
  if (f.code === 'AbortError') return new StudioError('CANCELLED', 'publish cancelled');
  if (AUTH_CODES.has(f.code) || f.status === 401 || (f.status === 403 && !f.code.startsWith('HTTP')))
    return new StudioError(
      'PUBLISH_AUTH',
      `${where.what}: the store refused the credentials for ${place} (${f.code}). Check AWS_PROFILE / ` +
        '~/.aws, or S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY for non-AWS stores, and the key’s permissions.',
      { detail },
    );
  if (f.status === 403)
    return new StudioError(
      'PUBLISH_AUTH',
      `${where.what}: access denied to ${place} (HTTP 403): wrong credentials or missing permission`,
      { detail },
    );
  if (f.code === 'NoSuchBucket' || (f.status === 404 && where.what === 'checking the bucket'))
    return new StudioError('PUBLISH_CONFIG', `${place} does not exist`, { detail });
  if (
    f.code === 'PermanentRedirect' ||
    f.code === 'AuthorizationHeaderMalformed' ||
    f.code === 'IllegalLocationConstraintException' ||
    f.status === 301
  )
    return new StudioError(
      'PUBLISH_CONFIG',
      `${place} is in another region than the one configured for the target`,
      { detail },
    );
  if (f.status === undefined && isNetworkFailure(error) && where.what === 'checking the bucket')
    return new StudioError(
      'PUBLISH_CONFIG',
      `cannot reach the store${where.endpoint ? ` at ${where.endpoint}` : ''} (${f.code})`,
      { detail },
    );
  return new StudioError('PUBLISH_FAILED', `${where.what}: ${detail}`, { detail });
}
