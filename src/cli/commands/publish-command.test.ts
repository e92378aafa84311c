import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDir } from '../../../test/helpers/clips.js';
import {
  makeFakePackage,
  type FakePackage,
  removeFakePackages,
} from '../../../test/helpers/publish-fixture.js';
import { startS3Server, type TestS3 } from '../../../test/helpers/s3-server.js';
import { registerPublishCommand } from './publish-command.js';

let s3: TestS3;
let pkg: FakePackage;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  s3 = await startS3Server();
  pkg = await makeFakePackage({ rungs: 1, segments: 2 });
  env = {
    HLS_STUDIO_CONFIG_DIR: await scratchDir('hls-config-'),
    S3_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
  };
});
afterAll(async () => {
  await removeFakePackages();
  await s3?.stop();
});

/** The commands on a fresh program, in-process, with captured output and exit code. */
async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  let code = 0;
  const program = new Command('hls-studio').exitOverride();
  program.configureOutput({ writeOut: (t) => (stdout += t), writeErr: (t) => (stderr += t) });
  registerPublishCommand(program, {
    out: (t) => (stdout += t),
    err: (t) => (stderr += t),
    isTTY: false,
    setExitCode: (c) => (code = c),
    env,
  });
  try {
    await program.parseAsync(['node', 'hls-studio', ...args]);
  } catch (error) {
    code = (error as { exitCode?: number }).exitCode ?? 99;
  }
  return { code, stdout, stderr };
}

describe('hls-studio publish and targets', () => {
  it('targets add/list/remove: saved by name without secrets', async () => {
    const add = await cli([
      'targets',
      'add',
      'local',
      `s3://${s3.bucket}/cli`,
      '--endpoint',
      s3.endpoint,
      '--acl',
      'public-read',
    ]);
    expect(add).toMatchObject({ code: 0, stderr: '' });
    const file = await readFile(path.join(env.HLS_STUDIO_CONFIG_DIR!, 'targets.json'), 'utf8');
    expect(JSON.parse(file)).toEqual({
      version: 1,
      targets: {
        local: {
          store: 's3-compatible',
          bucket: s3.bucket,
          prefix: 'cli',
          endpoint: s3.endpoint,
          acl: 'public-read',
        },
      },
    });
    expect(file).not.toContain(s3.credentials.secretAccessKey);
    const list = await cli(['targets', 'list']);
    expect(list.stdout).toContain(`local            s3-compatible s3://${s3.bucket}/cli (${s3.endpoint})`);
    const bad = await cli(['targets', 'add', 'bad', 's3://Not_A_Bucket/x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('not a valid bucket name');
  });

  it('publish --json: events as JSON lines ending in done, with the playback URL; exit 0', async () => {
    const { code, stdout, stderr } = await cli([
      'publish',
      pkg.packageDir,
      '--target',
      'local',
      '--json',
      '--no-validate',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const events = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; [k: string]: unknown });
    expect(events[0]).toMatchObject({ type: 'target', store: 's3-compatible' });
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['planned', 'phase', 'uploaded', 'verified']),
    );
    expect(events.at(-1)).toMatchObject({
      type: 'done',
      uploaded: pkg.files.length,
      playbackUrl: `${s3.endpoint}/${s3.bucket}/cli/${pkg.name}/master.m3u8`,
    });
  });

  it('publish again, for people: nothing to send, the playback URL and an hls.js embed snippet', async () => {
    const { code, stdout } = await cli(['publish', pkg.packageDir, '-t', 'local', '--no-validate']);
    expect(code).toBe(0);
    expect(stdout).toContain(`0 file(s) to upload (0 KiB), ${pkg.files.length} already there and identical`);
    expect(stdout).toContain('✓ verified through');
    expect(stdout).toContain(`${s3.endpoint}/${s3.bucket}/cli/${pkg.name}/master.m3u8`);
    expect(stdout).toMatch(/<video id="hls-pkg"[\s\S]*hls\.js@1[\s\S]*hls\.loadSource\(src\)/);
  });

  it('--dry-run with an inline s3:// target lists each file with its headers', async () => {
    const { code, stdout } = await cli([
      'publish',
      pkg.packageDir,
      '-t',
      `s3://${s3.bucket}/dry`,
      '--endpoint',
      s3.endpoint,
      '--dry-run',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /upload master\.m3u8 .* application\/vnd\.apple\.mpegurl {2}"max-age=60" {2}\(missing\)/,
    );
    expect(stdout).toMatch(/upload v0-180p\/seg_00000\.ts .* video\/mp2t {2}"max-age=31536000, immutable"/);
    expect(stdout).toContain('dry run: nothing was sent');
  });

  it('an unknown target name is a usage error (exit 2) that says where targets come from', async () => {
    const { code, stderr } = await cli(['publish', pkg.packageDir, '-t', 'nowhere']);
    expect(code).toBe(2);
    expect(stderr).toContain('neither an s3://bucket/prefix URL nor a saved target');
    const removed = await cli(['targets', 'remove', 'local']);
    expect(removed.stdout).toContain('removed target "local"');
  });
});
