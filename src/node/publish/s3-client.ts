import http from 'node:http';
import https from 'node:https';
import type { PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { S3Rest } from './s3-rest.js';
import { credentialChain, s3Sdk } from './s3-sdk.js';
import type { ResolvedStore, S3TargetConfig } from '../../common/publish/publish-target.js';

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface S3ClientOptions {
  /** Parallel requests the client must carry without queueing on sockets. */
  concurrency: number;
  /** Given by a program (tests, the desktop app's keychain); never read from the targets file. */
  credentials?: StaticCredentials;
  /** A socket idle this long is a stalled request (ms). */
  socketTimeoutMs?: number;
  /**
   * 'sdk-default' keeps the SDK's CRC32 + aws-chunked streaming bodies: the known trap with
   * S3-compatible stores, kept only so tests can show that verification catches it.
   */
  checksums?: 'when-required' | 'sdk-default';
  env?: NodeJS.ProcessEnv;
}

// We pin the SDK (package-lock) to a release that supports Node 20; its warning is about later releases.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * One client for every S3-protocol store. Integrity comes from our own Content-MD5 on every PUT and
 * part, so the SDK's default CRC32/aws-chunked bodies are switched off (aws/aws-sdk-js-v3#6810: R2
 * answers 501, GCS 412, local servers store wrong bytes). The SDK does not retry: streamed bodies cannot
 * be replayed, so the uploader's own retry loop is the one that counts.
 */
export function createS3Client(
  target: S3TargetConfig,
  store: ResolvedStore,
  options: S3ClientOptions,
  agents = createAgents(options.concurrency),
): S3Client {
  const { S3Client } = s3Sdk();
  return new S3Client({
    region: store.region,
    ...(store.endpoint ? { endpoint: store.endpoint } : {}),
    forcePathStyle: store.pathStyle,
    followRegionRedirects: store.aws,
    credentials: credentialsFor(target, store, options),
    maxAttempts: 1,
    logger: silentLogger,
    ...(options.checksums === 'sdk-default'
      ? {}
      : {
          requestChecksumCalculation: 'WHEN_REQUIRED' as const,
          responseChecksumValidation: 'WHEN_REQUIRED' as const,
        }),
    requestHandler: {
      connectionTimeout: 10_000,
      socketTimeout: options.socketTimeoutMs ?? 60_000,
      httpAgent: agents.http,
      httpsAgent: agents.https,
    },
  });
}

/** Keep-alive sockets, enough for every request slot without queueing (plus the odd listing or HEAD). */
export function createAgents(concurrency: number): { http: http.Agent; https: https.Agent } {
  const agentOptions = { keepAlive: true, maxSockets: concurrency + 4 };
  return { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };
}

/** The SDK-free client for per-object requests and the SDK's (made on first use) on shared sockets. */
export interface S3Clients {
  rest: S3Rest;
  sdk: () => S3Client;
  /** Destroys the SDK client, if made, and the sockets. */
  close(): void;
}

export function openS3Clients(
  target: S3TargetConfig,
  store: ResolvedStore,
  options: S3ClientOptions,
): S3Clients {
  const agents = createAgents(options.concurrency);
  let sdkClient: S3Client | undefined;
  return {
    rest: createS3Rest(target, store, options, agents),
    sdk: () => (sdkClient ??= createS3Client(target, store, options, agents)),
    close() {
      sdkClient?.destroy();
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

/** The SDK-free client for the per-object requests (s3-rest.ts), on the same sockets as the SDK's. */
export function createS3Rest(
  target: S3TargetConfig,
  store: ResolvedStore,
  options: S3ClientOptions,
  agents: { http: http.Agent; https: https.Agent },
): S3Rest {
  const endpoint = store.endpoint ?? `https://s3.${store.region}.amazonaws.com`;
  const source = credentialsFor(target, store, options);
  let cached: { value: Promise<StaticCredentials>; expires: number } | undefined;
  const credentials = () => {
    if (typeof source !== 'function') return Promise.resolve(source);
    // Temporary credentials (SSO, roles) are fetched again five minutes before they expire.
    if (!cached || cached.expires < Date.now() + 300_000) {
      const value = source();
      cached = { value, expires: Infinity };
      void value.then(
        (c) => cached && (cached.expires = c.expiration?.getTime() ?? Infinity),
        () => (cached = undefined),
      );
    }
    return cached.value;
  };
  return new S3Rest({
    endpoint,
    region: store.region,
    bucket: target.bucket,
    pathStyle: store.pathStyle,
    credentials,
    agent: endpoint.startsWith('https:') ? agents.https : agents.http,
    socketTimeoutMs: options.socketTimeoutMs ?? 60_000,
  });
}

/**
 * Signs `command` with a payload hash we already have (video.json's SHA-256 of a file, or
 * UNSIGNED-PAYLOAD for a part whose integrity Content-MD5 covers) instead of letting the SDK hash the
 * buffer body once more. The store checks a real hash against the bytes (XAmzContentSHA256Mismatch).
 */
export function withPayloadHash<C extends PutObjectCommand | UploadPartCommand>(
  command: C,
  sha256Hex: string,
): C {
  (command.middlewareStack as PutObjectCommand['middlewareStack']).add(
    (next) => (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-amz-content-sha256'] = sha256Hex;
      return next(args);
    },
    { step: 'build', name: 'knownPayloadHash' },
  );
  return command;
}

/**
 * Explicit credentials, then (for stores other than AWS) env S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY,
 * then the standard AWS chain: env AWS_*, shared config and credentials files (profile), SSO, IMDS.
 */
function credentialsFor(target: S3TargetConfig, store: ResolvedStore, options: S3ClientOptions) {
  if (options.credentials) return options.credentials;
  const env = options.env ?? process.env;
  if (!store.aws && env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY)
    return {
      accessKeyId: env.S3_ACCESS_KEY_ID,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY,
      ...(env.S3_SESSION_TOKEN ? { sessionToken: env.S3_SESSION_TOKEN } : {}),
    };
  return credentialChain().fromNodeProviderChain(target.profile ? { profile: target.profile } : {});
}
