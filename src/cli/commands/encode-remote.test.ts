import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { clip, scratchDir } from '../../../test/helpers/clips.js';
import { testPreset } from '../../../test/helpers/encode.js';
import { listObjects, s3Target, useTestS3 } from '../../../test/helpers/s3-server.js';
import { saveTarget } from '../../node/publish/target-store.js';
import { REMOTE_TEMP_PREFIX } from '../../node/remote/remote-encode.js';
import { EXIT } from '../exit-codes.js';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
const s3 = useTestS3();
let root: string;
let presetFile: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  root = await scratchDir('encode-remote-cli-');
  presetFile = path.join(root, 'preset.json');
  await writeFile(presetFile, JSON.stringify(testPreset()));
  const config = path.join(root, 'config');
  // The same saved targets and credential chain as `publish`: a target named "test" and env S3_* keys.
  await saveTarget('test', s3Target(s3, 'default-prefix'), config);
  env = {
    ...process.env,
    HLS_STUDIO_CONFIG_DIR: config,
    TMPDIR: path.join(root),
    S3_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
  };
  const body = await readFile(await clip('remote-cli.mp4', { width: 320, height: 180, durationSec: 4 }));
  await s3
    .client()
    .send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'in/film.mp4', Body: body, ACL: 'public-read' }));
});

function cli(args: string[], onOutput?: (text: string, child: ReturnType<typeof spawn>) => void) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      onOutput?.(stdout, child);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

const leftovers = async () => (await readdir(root)).filter((n) => n.startsWith(REMOTE_TEMP_PREFIX));
const input = () => `s3://${s3.bucket}/in/film.mp4`;

describe('hls-studio encode s3://… --out s3://…', () => {
  it('downloads, encodes, publishes and prints the playback URL', async () => {
    const run = await cli([
      'encode',
      input(),
      '--out',
      `s3://${s3.bucket}/videos/cli`,
      '--target',
      'test',
      '--preset',
      presetFile,
      '--no-quality',
    ]);
    expect(run.code, run.stderr + run.stdout).toBe(EXIT.OK);
    expect(run.stdout).toContain(`playback URL: ${s3.endpoint}/${s3.bucket}/videos/cli/film/master.m3u8`);
    const stored = await listObjects(s3.client(), s3.bucket, 'videos/cli/film/');
    expect(stored.has('videos/cli/film/master.m3u8')).toBe(true);
    expect(await leftovers()).toEqual([]);
  });

  it('--target without --out publishes to the target’s own prefix; a missing object fails first', async () => {
    const run = await cli([
      'encode',
      `s3://${s3.bucket}/in/missing.mov`,
      '--target',
      'test',
      '--preset',
      presetFile,
    ]);
    expect(run.code).not.toBe(EXIT.OK);
    expect(run.stdout).toContain(`s3://${s3.bucket}/in/missing.mov: no such object`);
    expect(run.stdout).not.toContain('ladder:');
  });

  it('SIGINT in the middle of the encode removes the temporary copies', async () => {
    let sent = false;
    const run = await cli(
      ['encode', input(), '--target', 'test', '--preset', presetFile, '--no-quality'],
      (text, child) => {
        if (!sent && text.includes('ladder:')) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    );
    expect(sent).toBe(true);
    expect(run.code).toBe(EXIT.CANCELLED);
    expect(await leftovers()).toEqual([]);
    expect((await listObjects(s3.client(), s3.bucket, 'default-prefix/')).size).toBe(0);
  });
});
