import { StudioError } from '../../common/errors.js';
import { parseTarget, type S3TargetConfig } from '../../common/publish/publish-target.js';
import { parseTargetUrl } from '../../common/publish/s3-url.js';
import { configDir } from '../config-dir.js';
import { loadTargets } from '../publish/target-store.js';

/**
 * Which store a bucket URL lives in and how to reach it: a saved target's name (as `publish --target`)
 * or an inline target (a job's), and an S3 API endpoint for S3-compatible stores. Never credentials:
 * those come from the publisher's chain (env S3_ACCESS_KEY_ID/…, AWS_PROFILE, ~/.aws, SSO).
 */
export interface StoreChoice {
  target?: string | Record<string, unknown>;
  endpoint?: string;
}

/**
 * A validated target for `url` (s3://bucket/prefix, gs://…): the store settings of `choice.target`
 * with the URL's bucket and prefix, or a plain S3/GCS target when no target is named. Without a URL,
 * the target's own bucket and prefix.
 */
export async function storeTarget(
  url: string | undefined,
  choice: StoreChoice = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<S3TargetConfig> {
  const base = await targetBase(choice.target, env);
  if (url !== undefined) {
    let location;
    try {
      location = parseTargetUrl(url);
    } catch (error) {
      throw new StudioError('INVALID_ARGUMENT', (error as Error).message);
    }
    if (choice.target === undefined)
      base.store = location.store === 'gcs' ? 'gcs' : choice.endpoint ? 's3-compatible' : 's3';
    base.bucket = location.bucket;
    base.prefix = location.prefix;
  } else if (choice.target === undefined)
    throw new StudioError('INVALID_ARGUMENT', 'give an s3:// or gs:// URL, or a saved target');
  if (choice.endpoint) {
    base.endpoint = choice.endpoint;
    if (base.store === 's3') base.store = 's3-compatible';
  }
  const parsed = parseTarget(base);
  if (!parsed.ok)
    throw new StudioError('PUBLISH_CONFIG', `${url ?? 'the target'}: ${parsed.issues.join('; ')}`, {
      detail: parsed.issues.join('\n'),
    });
  return parsed.target;
}

async function targetBase(
  target: StoreChoice['target'],
  env: NodeJS.ProcessEnv,
): Promise<Record<string, unknown>> {
  if (target === undefined) return {};
  if (typeof target !== 'string') return { ...target };
  const saved = await loadTargets(configDir(env));
  if (!Object.hasOwn(saved, target))
    throw new StudioError(
      'PUBLISH_CONFIG',
      `no publish target named "${target}" (see \`hls-studio targets list\`)`,
    );
  return { ...(saved[target] as Record<string, unknown>) };
}
