import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { StaticCredentials } from './s3-client.js';

/**
 * The requests a publish makes per object — PutObject, ListObjectsV2, HeadObject — and the CORS read,
 * signed (AWS Signature Version 4) and sent with Node's own HTTP client. The SDK (s3-sdk.ts) stays for
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

export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export class S3Rest {
  private readonly url: URL;
  private signingKey: { day: string; secret: string; key: Buffer } | undefined;

  constructor(private readonly options: S3RestOptions) {
    this.url = new URL(options.endpoint);
  }

  credentials(): Promise<StaticCredentials> {
    return this.options.credentials();
  }

  /** PutObject of a body in memory; `payloadSha256` is its SHA-256 (hex) or UNSIGNED-PAYLOAD. */
  async putObject(
    key: string,
    body: Buffer,
    headers: Record<string, string>,
    payloadSha256: string,
    signal: AbortSignal,
  ): Promise<{ etag: string | undefined }> {
    const res = await this.send(
      'PUT',
      key,
      {},
      { ...headers, 'content-length': String(body.length) },
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
    extra: { body?: Buffer; payloadSha256?: string; signal: AbortSignal },
  ): Promise<S3Response> {
    const { bucket, pathStyle } = this.options;
    const host = pathStyle ? this.url.host : `${bucket}.${this.url.host}`;
    const objectPath = key === undefined ? '' : `/${key.split('/').map(uriEncode).join('/')}`;
    const path = pathStyle ? `/${uriEncode(bucket)}${objectPath}` : objectPath || '/';
    const queryString = Object.keys(query)
      .sort()
      .map((k) => `${uriEncode(k)}=${uriEncode(query[k]!)}`)
      .join('&');
    const credentials = await this.credentials();
    const signed = this.sign(method, host, path, queryString, headers, credentials, extra.payloadSha256);
    const client = this.url.protocol === 'https:' ? https : http;
    return new Promise<S3Response>((resolve, reject) => {
      const req = client.request(
        {
          protocol: this.url.protocol,
          hostname: pathStyle ? this.url.hostname : `${bucket}.${this.url.hostname}`,
          port: this.url.port,
          method,
          path: queryString ? `${path}?${queryString}` : path,
          headers: signed,
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
      req.end(extra.body);
    });
  }

  /** SigV4 headers for one request (AWS General Reference, "Signature Version 4 signing process"). */
  private sign(
    method: string,
    host: string,
    path: string,
    queryString: string,
    headers: Record<string, string>,
    credentials: StaticCredentials,
    payloadSha256 = EMPTY_SHA256,
  ): Record<string, string> {
    const amzDate = new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    const day = amzDate.slice(0, 8);
    const all: Record<string, string> = {
      ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v.trim()])),
      host,
      'x-amz-content-sha256': payloadSha256,
      'x-amz-date': amzDate,
      ...(credentials.sessionToken ? { 'x-amz-security-token': credentials.sessionToken } : {}),
    };
    const names = Object.keys(all).sort();
    const signedHeaders = names.join(';');
    const canonical = [
      method,
      path,
      queryString,
      names.map((n) => `${n}:${all[n]}\n`).join(''),
      signedHeaders,
      payloadSha256,
    ].join('\n');
    const scope = `${day}/${this.options.region}/s3/aws4_request`;
    const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
    const signature = createHmac('sha256', this.keyFor(day, credentials.secretAccessKey))
      .update(toSign)
      .digest('hex');
    all.authorization =
      `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, ` +
      `SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return all;
  }

  /** The derived signing key changes once a day: four HMACs saved per request. */
  private keyFor(day: string, secret: string): Buffer {
    if (this.signingKey?.day === day && this.signingKey.secret === secret) return this.signingKey.key;
    const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
    const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), this.options.region), 's3'), 'aws4_request');
    this.signingKey = { day, secret, key };
    return key;
  }
}

function restError(status: number, body: Buffer): S3RestError {
  const xml = body.toString('utf8');
  // HEAD answers have no body: named after the status, as the SDK does.
  const code = xmlText(xml, 'Code') ?? (status === 404 ? 'NotFound' : String(status));
  return new S3RestError(code, xmlText(xml, 'Message') ?? `HTTP ${status}`, status);
}

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');
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
