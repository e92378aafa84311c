/**
 * Runs one publish in its own process, printing events as JSON lines, so a test can kill it half-way
 * (SIGKILL: no cleanup, as a crash or a pulled plug) and check what a second run does.
 * Usage: node --import tsx test/helpers/publish-child.ts '<json {request, credentials}>'
 */
import { publishPackage, type PublishRequest } from '../../src/node/publish/publish-package.js';
import type { StaticCredentials } from '../../src/node/publish/s3-client.js';

const { request, credentials } = JSON.parse(process.argv[2] ?? '{}') as {
  request: PublishRequest;
  credentials: StaticCredentials;
};
try {
  await publishPackage(request, {
    credentials,
    onEvent: (event) => {
      if (event.type !== 'progress' && event.type !== 'planned')
        process.stdout.write(`${JSON.stringify(event)}\n`);
    },
  });
} catch (error) {
  process.stdout.write(`${JSON.stringify({ type: 'failed', error: String(error) })}\n`);
  process.exitCode = 1;
}
