import { createHash, createHmac } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { SignatureV4 } from '@smithy/signature-v4';
import type { StaticCredentials } from './s3-client.js';

/**
 * The requests a publish makes per object — PutObject, ListObjectsV2, HeadObject — and the CORS read,
 * signed by the SDK's own signer (@smithy/signature-v4, AWS Signature Version 4) and sent with Node's own
 * HTTP client. The SDK (s3-sdk.ts) stays for
 * everything else (multipart, CORS writes, the target probe, the AWS credential chain): its middleware
 * stack cost about 2 ms of CPU and tens of kB of garbage per request, and loading it a third of a
 * second, which an unchanged re-publish of a few hundred files cannot afford (issue 13).
 *
 * Failures are thrown in the SDK's shape (`name`/`Code`, `$metadata.httpStatusCode`), so s3-errors.ts
 * classifies both alike.
 */
export interface S3RestOptions {
  /** https://host[:port] (an S3-compatible endpoint, or the AWS regional endpoint). */
  endpoint: string;
  region: string;
  bucket: string;
  pathStyle: boolean;
  credentials: () => Promise<StaticCredentials>;
  agent: http.Agent;
  socketTimeoutMs: number;
}

export interface S3Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface ListedPage {
  contents: { key: string; size: number; etag: string }[];
  nextToken: string | undefined;
}

export interface HeadResult {
  bytes: number;
  etag: string | undefined;
  contentType: string | undefined;
  cacheControl: string | undefined;
  contentEncoding: string | undefined;
  sha256: string | undefined;
}

export class S3RestError extends Error {
  readonly Code: string;
  readonly $metadata: { httpStatusCode: number };
  constructor(code: string, message: string, status: number) {
    super(message);
    this.name = code;
    this.Code = code;
    this.$metadata = { httpStatusCode: status };
  }
}

/** A body sent straight from a file: its first `bytes` bytes. */
export interface FileBody {
  path: string;
  bytes: number;
}

export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export class S3Rest {
  private readonly url: URL;
  private readonly signer: SignatureV4;

  constructor(private readonly options: S3RestOptions) {
    this.url = new URL(options.endpoint);
    // As the S3 client configures it: the path is sent already encoded, the payload hash is ours.
    this.signer = new SignatureV4({
      service: 's3',
      region: options.region,
      credentials: options.credentials,
      sha256: NodeSha256,
      uriEscapePath: false,
      applyChecksum: false,
    });
  }

  credentials(): Promise<StaticCredentials> {
    return this.options.credentials();
  }

  /**
   * PutObject of a body in memory, or streamed from a file (`FileBody`, for large files: memory stays
   * flat); `payloadSha256` is its SHA-256 (hex) or UNSIGNED-PAYLOAD.
   */
  async putObject(
    key: string,
    body: Buffer | FileBody,
    headers: Record<string, string>,
    payloadSha256: string,
    signal: AbortSignal,
  ): Promise<{ etag: string | undefined }> {
    const length = Buffer.isBuffer(body) ? body.length : body.bytes;
    const res = await this.send(
      'PUT',
      key,
      {},
      { ...headers, 'content-length': String(length) },
      {
        body,
        payloadSha256,
        signal,
      },
    );
    return { etag: header(res.headers.etag) };
  }

  /** One ListObjectsV2 page (up to 1,000 keys). */
  async listPage(prefix: string, token: string | undefined, signal: AbortSignal): Promise<ListedPage> {
    const query: Record<string, string> = { 'list-type': '2', prefix };
    if (token) query['continuation-token'] = token;
    const xml = (await this.send('GET', undefined, query, {}, { signal })).body.toString('utf8');
    const contents = [...xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)].map(([, item]) => ({
      key: xmlText(item!, 'Key') ?? '',
      size: Number(xmlText(item!, 'Size') ?? 0),
      etag: (xmlText(item!, 'ETag') ?? '').replace(/"/g, '').toLowerCase(),
    }));
    const truncated = xmlText(xml, 'IsTruncated') === 'true';
    return { contents, nextToken: truncated ? xmlText(xml, 'NextContinuationToken') : undefined };
  }

  async headObject(key: string, signal: AbortSignal): Promise<HeadResult> {
    const { headers } = await this.send('HEAD', key, {}, {}, { signal });
    return {
      bytes: Number(headers['content-length'] ?? -1),
      etag: header(headers.etag),
      contentType: header(headers['content-type']),
      cacheControl: header(headers['cache-control']),
      contentEncoding: header(headers['content-encoding']),
      sha256: header(headers['x-amz-meta-sha256']),
    };
  }

  /** The bucket's CORS rules in the SDK's shape; throws NoSuchCORSConfiguration (404) when there are none. */
  async getBucketCors(signal: AbortSignal) {
    const xml = (await this.send('GET', undefined, { cors: '' }, {}, { signal })).body.toString('utf8');
    return [...xml.matchAll(/<CORSRule>([\s\S]*?)<\/CORSRule>/g)].map(([, rule]) => ({
      AllowedOrigins: xmlTexts(rule!, 'AllowedOrigin'),
      AllowedMethods: xmlTexts(rule!, 'AllowedMethod'),
      AllowedHeaders: xmlTexts(rule!, 'AllowedHeader'),
      ExposeHeaders: xmlTexts(rule!, 'ExposeHeader'),
      ...(xmlText(rule!, 'MaxAgeSeconds') ? { MaxAgeSeconds: Number(xmlText(rule!, 'MaxAgeSeconds')) } : {}),
    }));
  }

  private async send(
    method: string,
    key: string | undefined,
    query: Record<string, string>,
    headers: Record<string, string>,
    extra: { body?: Buffer | FileBody; payloadSha256?: string; signal: AbortSignal },
  ): Promise<S3Response> {
    const { bucket, pathStyle } = this.options;
    const host = pathStyle ? this.url.host : `${bucket}.${this.url.host}`;
    const objectPath = key === undefined ? '' : `/${key.split('/').map(uriEncode).join('/')}`;
    const path = pathStyle ? `/${uriEncode(bucket)}${objectPath}` : objectPath || '/';
    const queryString = Object.keys(query)
      .sort()
      .map((k) => `${uriEncode(k)}=${uriEncode(query[k]!)}`)
      .join('&');
    const signed = await this.signer.sign({
      method,
      protocol: this.url.protocol,
      hostname: host,
      port: this.url.port ? Number(this.url.port) : undefined,
      path,
      query,
      headers: {
        ...headers,
        host,
        'x-amz-content-sha256': extra.payloadSha256 ?? EMPTY_SHA256,
      },
    });
    const client = this.url.protocol === 'https:' ? https : http;
    return new Promise<S3Response>((resolve, reject) => {
      const req = client.request(
        {
          protocol: this.url.protocol,
          hostname: pathStyle ? this.url.hostname : `${bucket}.${this.url.hostname}`,
          port: this.url.port,
          method,
          path: queryString ? `${path}?${queryString}` : path,
          headers: signed.headers,
          agent: this.options.agent,
          signal: extra.signal,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const body = Buffer.concat(chunks);
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve({ status, headers: res.headers, body });
            else reject(restError(status, body));
          });
        },
      );
      req.setTimeout(this.options.socketTimeoutMs, () => {
        const error = new Error(`no answer for ${this.options.socketTimeoutMs} ms`);
        error.name = 'TimeoutError';
        req.destroy(error);
      });
      req.on('error', reject);
      const body = extra.body;
      if (body === undefined || Buffer.isBuffer(body)) req.end(body);
      else pumpFile(req, body).catch((error: Error) => req.destroy(error));
    });
  }
}

/** SHA-256 and HMAC-SHA256 from node:crypto in the shape the signer takes (what @smithy/hash-node does). */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytesOf = (data: SourceData) =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

/** SHA-256 and HMAC-SHA-256 for the SigV4 signer, from node:crypto. */
export class NodeSha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytesOf(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.hash.digest());
  }
}

/** Chunk buffers for streamed bodies, reused: a fresh one per read was garbage enough to add 40 MB of RSS. */
const CHUNK = 256 * 1024;
const freeChunks: Buffer[] = [];

/**
 * Sends a file's first `bytes` bytes through one reused chunk buffer: read (synchronously, from the page
 * cache), written, and read into again only once the socket has taken the previous chunk.
 */
async function pumpFile(req: http.ClientRequest, body: FileBody): Promise<void> {
  const chunk = freeChunks.pop() ?? Buffer.allocUnsafeSlow(CHUNK);
  const fd = openSync(body.path, 'r');
  try {
    for (let sent = 0; sent < body.bytes;) {
      const read = readSync(fd, chunk, 0, Math.min(CHUNK, body.bytes - sent), sent);
      if (read === 0) throw new Error(`${body.path} ended at ${sent} of ${body.bytes} bytes`);
      await new Promise<void>((resolve, reject) =>
        req.write(chunk.subarray(0, read), (error) => (error ? reject(error) : resolve())),
      );
      sent += read;
    }
    req.end();
  } finally {
    closeSync(fd);
    freeChunks.push(chunk);
  }
}

function restError(status: number, body: Buffer): S3RestError {
  const xml = body.toString('utf8');
  // HEAD answers have no body: named after the status, as the SDK does.
  const code = xmlText(xml, 'Code') ?? (status === 404 ? 'NotFound' : String(status));
  return new S3RestError(code, xmlText(xml, 'Message') ?? `HTTP ${status}`, status);
}

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** RFC 3986 unreserved characters stay; everything else is percent-encoded (SigV4 canonical form). */
function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function xmlText(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  return match ? decodeXml(match[1]!) : undefined;
}

function xmlTexts(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map(([, v]) => decodeXml(v!));
}

function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, entity: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (entity[0] !== '#') return named[entity.toLowerCase()]!;
    return String.fromCodePoint(
      entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : Number(entity.slice(1)),
    );
  });
}
