import { GetBucketCorsCommand, PutBucketCorsCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { makeFakePackage, removeFakePackages } from '../../../test/helpers/publish-fixture.js';
import { useTestS3 } from '../../../test/helpers/s3-server.js';
import { applyBucketCors, checkBucketCors } from './bucket-cors.js';
import { publishPackage } from './publish-package.js';

const s3 = useTestS3();
afterAll(removeFakePackages);

const never = new AbortController().signal;

describe('bucket CORS for hls.js playback', () => {
  it('check: a bucket without CORS, or with rules for other origins or methods, is reported', async () => {
    const bucket = await s3.createBucket();
    const client = s3.client();
    expect(await checkBucketCors(client, bucket, '*', never)).toMatchObject({
      ok: false,
      problems: [expect.stringContaining('no CORS configuration')],
    });
    await client.send(
      new PutBucketCorsCommand({
        Bucket: bucket,
        CORSConfiguration: {
          CORSRules: [{ AllowedOrigins: ['https://admin.example'], AllowedMethods: ['PUT', 'GET', 'HEAD'] }],
        },
      }),
    );
    expect(await checkBucketCors(client, bucket, '*', never)).toMatchObject({ ok: false });
    expect(await checkBucketCors(client, bucket, 'https://admin.example', never)).toMatchObject({ ok: true });
  });

  it('apply: adds GET/HEAD for the origin, keeps the bucket’s other rules, and the check then passes', async () => {
    const bucket = await s3.createBucket();
    const client = s3.client();
    const other = { AllowedOrigins: ['https://admin.example'], AllowedMethods: ['PUT'] };
    await client.send(
      new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: [other] } }),
    );
    expect(await applyBucketCors(client, bucket, 'https://site.example', never)).toMatchObject({
      ok: true,
      applied: true,
    });
    const rules = (await client.send(new GetBucketCorsCommand({ Bucket: bucket }))).CORSRules ?? [];
    expect(rules).toHaveLength(2);
    expect(rules).toContainEqual(expect.objectContaining(other));
    expect(await checkBucketCors(client, bucket, '*', never)).toMatchObject({ ok: false });
    // Applying again replaces our rule instead of piling up copies.
    await applyBucketCors(client, bucket, '*', never);
    expect((await client.send(new GetBucketCorsCommand({ Bucket: bucket }))).CORSRules).toHaveLength(2);
    expect(await checkBucketCors(client, bucket, '*', never)).toMatchObject({ ok: true });
  });

  it('publish --cors apply: served objects carry Access-Control-Allow-Origin, and verification checks it', async () => {
    const bucket = await s3.createBucket();
    const pkg = await makeFakePackage({ rungs: 1, segments: 2 });
    const summary = await publishPackage(
      {
        packageDir: pkg.packageDir,
        target: { store: 's3-compatible', bucket, endpoint: s3.endpoint, acl: 'public-read' },
        options: { cors: 'apply', corsOrigin: 'https://player.example', validate: false },
      },
      { credentials: s3.credentials },
    );
    expect(summary.verification).toMatchObject({ ok: true, corsHeader: true });
    const response = await fetch(summary.playbackUrl, { headers: { Origin: 'https://player.example' } });
    expect(response.headers.get('access-control-allow-origin')).toMatch(/^(\*|https:\/\/player\.example)$/);
  });
});
