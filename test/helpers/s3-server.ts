import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll } from 'vitest';

/**
 * A real S3-compatible server for one test file. By default s3rver (npm) on 127.0.0.1 with a random port;
 * when S3_ENDPOINT, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are set (CI starts Ceph radosgw), that
 * server, with a fresh bucket. s3rver is for happy paths: it ignores Content-MD5 and has no ListParts,
 * AbortMultipartUpload or ListMultipartUploads, so tests always hash back what was stored.
 */
export interface TestS3 {
  kind: 's3rver' | 'external';
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  bucket: string;
  /** A client with the safe checksum settings and path-style addressing. */
  client(overrides?: Partial<S3ClientConfig>): S3Client;
  /** One more fresh bucket, removed by stop(). */
  createBucket(): Promise<string>;
  stop(): Promise<void>;
}

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
  httpServer?: { closeAllConnections(): void };
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;

export async function startS3Server(): Promise<TestS3> {
  const { S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_REGION } = process.env;
  const external = Boolean(S3_ENDPOINT && S3_ACCESS_KEY_ID && S3_SECRET_ACCESS_KEY);
  let endpoint: string;
  let credentials: TestS3['credentials'];
  let close: () => Promise<void>;
  if (external) {
    endpoint = S3_ENDPOINT!.replace(/\/+$/, '');
    credentials = { accessKeyId: S3_ACCESS_KEY_ID!, secretAccessKey: S3_SECRET_ACCESS_KEY! };
    close = async () => {};
  } else {
    const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;
    const directory = await mkdtemp(path.join(os.tmpdir(), 's3rver-'));
    const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
    const { port } = await server.run();
    endpoint = `http://127.0.0.1:${port}`;
    credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
    close = async () => {
      // A request cut off mid-body (a cancel test) would otherwise keep close() waiting forever.
      server.httpServer?.closeAllConnections();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    };
  }
  const region = S3_REGION ?? 'us-east-1';
  const clients: S3Client[] = [];
  const client = (overrides: Partial<S3ClientConfig> = {}) => {
    const c = new S3Client({
      endpoint,
      region,
      credentials,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...overrides,
    });
    clients.push(c);
    return c;
  };
  const admin = client();
  const buckets: string[] = [];
  const createBucket = async () => {
    const name = `hls-test-${randomBytes(5).toString('hex')}`;
    await admin.send(new CreateBucketCommand({ Bucket: name }));
    buckets.push(name);
    return name;
  };
  const bucket = await createBucket();
  return {
    kind: external ? 'external' : 's3rver',
    endpoint,
    region,
    credentials,
    bucket,
    client,
    createBucket,
    stop: async () => {
      if (external) for (const b of buckets) await deleteBucket(admin, b);
      for (const c of clients) c.destroy();
      await close();
    },
  };
}

/** Every object under a prefix: key → size. */
export async function listObjects(
  client: S3Client,
  bucket: string,
  prefix = '',
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) out.set(o.Key!, o.Size ?? 0);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

/** The stored bytes of an object (as stored: no content decoding). */
export async function objectBytes(client: S3Client, bucket: string, key: string): Promise<Buffer> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

export async function headObject(client: S3Client, bucket: string, key: string) {
  return client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
}

async function deleteBucket(client: S3Client, bucket: string): Promise<void> {
  try {
    const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    for (const u of uploads.Uploads ?? [])
      await client.send(
        new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key!, UploadId: u.UploadId! }),
      );
  } catch {
    // not supported: nothing to clean
  }
  for (const key of (await listObjects(client, bucket)).keys())
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}

/**
 * Credentials the server accepts whose secret is unique to this call: with s3rver a fresh key pair is
 * registered; with an external server (radosgw) its own random keys are used. For "the secret is found
 * nowhere" tests, the secret must be real: publishing with it proves it was used.
 */
export function uniqueCredentials(s3: TestS3): TestS3['credentials'] {
  if (s3.kind === 'external') return s3.credentials;
  const { DUMMY_ACCOUNT } = createRequire(import.meta.url)('s3rver/lib/models/account') as {
    DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void };
  };
  const credentials = {
    accessKeyId: `CANARYID${randomBytes(4).toString('hex').toUpperCase()}`,
    secretAccessKey: `canary-secret-${randomBytes(12).toString('hex')}`,
  };
  DUMMY_ACCOUNT.createKeyPair(credentials.accessKeyId, credentials.secretAccessKey);
  return credentials;
}

/**
 * One server for the whole test file: started before its tests, stopped after. The object is filled in
 * by `beforeAll`, so tests use it as they would `startS3Server()`'s answer.
 */
export function useTestS3(): TestS3 {
  const s3 = {} as TestS3;
  beforeAll(async () => {
    Object.assign(s3, await startS3Server());
  });
  afterAll(async () => {
    await s3.stop?.();
  });
  return s3;
}

/**
 * A publish target on the test server. Objects are public-read: radosgw keeps them private unless told,
 * and verification reads them anonymously (s3rver serves everything anyway).
 */
export function s3Target(s3: TestS3, prefix: string, extra: Record<string, unknown> = {}) {
  return {
    store: 's3-compatible',
    bucket: s3.bucket,
    prefix,
    endpoint: s3.endpoint,
    region: s3.region,
    acl: 'public-read',
    ...extra,
  };
}

/** One request as the recording proxy saw it. */
export interface RecordedRequest {
  method: string;
  /** Percent-decoded path: `/bucket/key`. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
}

/**
 * A loopback proxy in front of the test server that keeps every request's method, path, query and
 * headers (the fault proxy keeps no headers): for asserting what a publish sends, e.g. Content-MD5.
 */
export async function startRecordingProxy(
  upstream: string,
): Promise<{ url: string; requests: RecordedRequest[]; stop(): Promise<void> }> {
  const target = new URL(upstream);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    requests.push({
      method: req.method ?? 'GET',
      path: decodeURIComponent(url.pathname),
      query: url.searchParams,
      headers: req.headers,
    });
    const upstreamReq = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    upstreamReq.on('error', () => res.destroy());
    req.pipe(upstreamReq);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      agent.destroy();
    },
  };
}
