import { PutBucketNotificationConfigurationCommand } from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../../src/node/publish/s3-rest.js';
import type { TestS3 } from './s3-server.js';

/**
 * Makes radosgw push the bucket's object-created events to `pushEndpoint` (an HTTP URL): a topic
 * through its SNS-compatible API (CreateTopic with a `push-endpoint` attribute, SigV4 for service
 * `sns`), then the bucket's notification configuration through the S3 API. radosgw only; Amazon S3
 * cannot push to HTTP without SNS subscriptions.
 */
export async function pushBucketEvents(s3: TestS3, bucket: string, pushEndpoint: string): Promise<void> {
  const name = `hls-studio-${bucket}`.slice(0, 60);
  const signer = new SignatureV4({
    service: 'sns',
    region: s3.region,
    credentials: s3.credentials,
    sha256: NodeSha256,
  });
  const url = new URL(s3.endpoint);
  const body = new URLSearchParams({
    Action: 'CreateTopic',
    Name: name,
    'Attributes.entry.1.key': 'push-endpoint',
    'Attributes.entry.1.value': pushEndpoint,
  }).toString();
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  const reply = await fetch(s3.endpoint, { method: 'POST', headers: signed.headers, body });
  const text = await reply.text();
  const arn = /<TopicArn>([^<]+)<\/TopicArn>/.exec(text)?.[1];
  if (!reply.ok || !arn)
    throw new Error(`radosgw CreateTopic failed: HTTP ${reply.status} ${text.slice(0, 300)}`);
  await s3.client().send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: bucket,
      NotificationConfiguration: {
        TopicConfigurations: [{ Id: name, TopicArn: arn, Events: ['s3:ObjectCreated:*'] }],
      },
    }),
  );
}
