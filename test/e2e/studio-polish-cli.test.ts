import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDir } from '../helpers/clips.js';
import { makeFakePackage, removeFakePackages, type FakePackage } from '../helpers/publish-fixture.js';
import { startS3Server, type TestS3 } from '../helpers/s3-server.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** The real CLI with an argument array: what a shell passes for `--target "My bucket"`. */
function cli(args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, ...args],
      { env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('a target name with spaces on the command line', () => {
  let s3: TestS3;
  let pkg: FakePackage;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    s3 = await startS3Server();
    pkg = await makeFakePackage({ rungs: 1, segments: 2 });
    env = {
      HLS_STUDIO_CONFIG_DIR: await scratchDir('polish-cli-config-'),
      S3_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    };
  });
  afterAll(async () => {
    await removeFakePackages();
    await s3?.stop();
  });

  it('targets add "My bucket", then publish --target "My bucket" finds it', async () => {
    const add = await cli(
      ['targets', 'add', 'My bucket', `s3://${s3.bucket}/spaces`, '--endpoint', s3.endpoint],
      env,
    );
    expect(add.stderr).toBe('');
    expect(add.stdout).toContain('saved target "My bucket"');
    const list = await cli(['targets', 'list'], env);
    expect(list.stdout).toMatch(/^My bucket\s+s3-compatible s3:\/\//m);
    const publish = await cli(['publish', pkg.packageDir, '--target', 'My bucket', '--dry-run'], env);
    expect(publish.code).toBe(0);
    expect(publish.stdout).toContain('dry run: nothing was sent');
    // A name that is not a label is still refused, with the rule.
    const bad = await cli(['targets', 'add', ' lead', `s3://${s3.bucket}/x`, '--endpoint', s3.endpoint], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('no spaces at the start or the end');
  });
});
