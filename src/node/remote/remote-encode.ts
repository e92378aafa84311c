import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { EncodeEvent, PackageResult } from '../../common/encode-events.js';
import { packageNameFor } from '../../common/package-name.js';
import type { PublishEvent, PublishSummary } from '../../common/publish/publish-events.js';
import type { S3TargetConfig } from '../../common/publish/publish-target.js';
import { encodePackage, type EncodeRequest } from '../encode/encode-package.js';
import { publishPackage, type PublishRequest } from '../publish/publish-package.js';
import { isRemoteUrl, parseObjectUrl } from './object-url.js';
import { downloadSource, headSource, type RemoteAccess, type SourceObject } from './remote-input.js';
import { checkOutput } from './remote-output.js';
import { storeTarget, type StoreChoice } from './store-target.js';

/** Where the temporary copies live: `$TMPDIR/hls-studio-remote-*`, removed whatever happens. */
export const REMOTE_TEMP_PREFIX = 'hls-studio-remote-';

export interface RemoteEncodeRequest extends Omit<EncodeRequest, 'input' | 'packageDir'> {
  /** A local file or an object URL (s3://bucket/key, gs://bucket/key). */
  input: string;
  /**
   * s3://bucket/prefix or gs://bucket/prefix to publish to, or a local folder that receives the package.
   * Left out with a store target: the target's own bucket and prefix.
   */
  out?: string;
  store?: StoreChoice;
  /** The package's name (default: from the input's file name). */
  name?: string;
  publish?: PublishRequest['options'];
}

export type RemoteEncodeEvent =
  | { type: 'checked'; input: string; bytes?: number; output: string; warnings: string[] }
  | { type: 'download'; bytes: number; total: number }
  | { type: 'encode'; event: EncodeEvent }
  | { type: 'publish'; event: PublishEvent };

export interface RemoteEncodeContext extends Omit<RemoteAccess, 'signal'> {
  signal?: AbortSignal;
  onEvent?: (event: RemoteEncodeEvent) => void;
}

export interface RemoteEncodeResult {
  result: PackageResult;
  /** When the output is a store. */
  published?: PublishSummary;
}

/**
 * Bucket in, bucket out: checks the input (HEAD) and the output (a probe write) before anything runs,
 * downloads an object input to a temporary file (ffmpeg reads only local files: docs/remote-io.md),
 * encodes into a temporary package and publishes it with the publisher (RFC 8216 order, headers,
 * resume). The temporary copies are removed on success, failure and cancel alike.
 */
export async function encodeRemote(
  request: RemoteEncodeRequest,
  context: RemoteEncodeContext = {},
): Promise<RemoteEncodeResult> {
  const emit = context.onEvent ?? (() => {});
  const access: RemoteAccess = {
    ...(context.credentials ? { credentials: context.credentials } : {}),
    ...(context.env ? { env: context.env } : {}),
  };
  const env = context.env ?? process.env;
  const inputRemote = isRemoteUrl(request.input);
  const outRemote =
    request.out === undefined ? request.store?.target !== undefined : isRemoteUrl(request.out);

  let source: { object: SourceObject; target: S3TargetConfig } | undefined;
  if (inputRemote) {
    const location = parseObjectUrl(request.input);
    const target = await storeTarget(request.input, request.store, env);
    source = { object: await headSource(location, target, { ...access, signal: context.signal }), target };
  }
  let output: { target: S3TargetConfig; label: string } | undefined;
  let warnings: string[] = [];
  if (outRemote) {
    const target = await storeTarget(request.out, request.store, env);
    const label = request.out ?? `s3://${target.bucket}/${target.prefix}`;
    ({ warnings } = await checkOutput(target, label, access));
    output = { target, label };
  }
  emit({
    type: 'checked',
    input: request.input,
    ...(source ? { bytes: source.object.bytes } : {}),
    output: output?.label ?? path.resolve(request.out ?? 'hls-out'),
    warnings,
  });

  const name =
    request.name ?? packageNameFor(inputRemote ? parseObjectUrl(request.input).key : request.input);
  const temp =
    inputRemote || outRemote ? await mkdtemp(path.join(os.tmpdir(), REMOTE_TEMP_PREFIX)) : undefined;
  try {
    let input = request.input;
    if (source && temp) {
      const dir = path.join(temp, 'source');
      await mkdir(dir);
      input = await downloadSource(source.object, source.target, dir, {
        ...access,
        signal: context.signal,
        onProgress: (bytes, total) => emit({ type: 'download', bytes, total }),
      });
    }
    const { out: _out, store: _store, name: _name, publish: publishOptions, ...encodeOptions } = request;
    const packageDir =
      output && temp ? path.join(temp, 'package', name) : path.resolve(request.out ?? 'hls-out', name);
    const result = await encodePackage(
      { ...encodeOptions, input, packageDir },
      {
        ...(context.signal ? { signal: context.signal } : {}),
        onEvent: (event) => emit({ type: 'encode', event }),
      },
    );
    if (!output) return { result };
    const published = await publishPackage(
      { packageDir: result.packageDir, name, target: output.target, options: publishOptions },
      {
        ...access,
        ...(context.signal ? { signal: context.signal } : {}),
        onEvent: (event) => emit({ type: 'publish', event }),
      },
    );
    return { result, published };
  } finally {
    if (temp) await rm(temp, { recursive: true, force: true });
  }
}

/** How far a whole job is, from its last event: download 5%, encode 85%, publish 10% of the way. */
export function overallProgress(event: RemoteEncodeEvent, previous: number): number {
  const at = (start: number, span: number, ratio: number) => start + span * Math.min(1, Math.max(0, ratio));
  let value = previous;
  if (event.type === 'download') value = at(0, 0.05, event.total ? event.bytes / event.total : 0);
  else if (event.type === 'encode' && event.event.type === 'progress')
    value = at(0.05, 0.85, event.event.ratio);
  else if (event.type === 'publish' && event.event.type === 'progress')
    value = at(0.9, 0.1, event.event.bytesTotal ? event.event.bytesDone / event.event.bytesTotal : 0);
  return Math.max(previous, value);
}
