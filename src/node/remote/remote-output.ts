import { StudioError } from '../../common/errors.js';
import type { S3TargetConfig } from '../../common/publish/publish-target.js';
import { probeTarget } from '../publish/target-probe.js';
import type { RemoteAccess } from './remote-input.js';

/**
 * The publisher's "test connection" on the output, before an encode starts: the prefix must list and
 * take a probe object (deleted again). Failing to read it back anonymously, or CORS, only warns: the
 * publish's own verification reports those with the package.
 */
export async function checkOutput(
  target: S3TargetConfig,
  url: string,
  access: Omit<RemoteAccess, 'signal'> = {},
): Promise<{ warnings: string[] }> {
  const report = await probeTarget(target, access.credentials, access.env ? { env: access.env } : {});
  const blocking = report.steps.find((s) => !s.ok && (s.step === 'list' || s.step === 'put'));
  if (blocking)
    throw new StudioError(
      blocking.fix === 'credentials' || blocking.status === 403 ? 'PUBLISH_AUTH' : 'PUBLISH_CONFIG',
      `${url}: cannot publish there: ${blocking.message}`,
      { detail: report.steps.map((s) => `${s.ok ? 'ok' : 'FAILED'} ${s.step}: ${s.message}`).join('\n') },
    );
  return { warnings: report.steps.filter((s) => !s.ok).map((s) => `${url}: ${s.message}`) };
}
