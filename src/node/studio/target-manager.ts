import path from 'node:path';
import type { SaveTargetRequest, TargetTestReport, TargetView } from '../../common/api/studio-api.js';
import { StudioError } from '../../common/errors.js';
import {
  parseTarget,
  resolveStore,
  SECRET_KEY,
  type S3TargetConfig,
} from '../../common/publish/publish-target.js';
import { applyBucketCors } from '../publish/bucket-cors.js';
import { CredentialVault, type SecretCipher } from '../publish/credential-vault.js';
import { createS3Client, type StaticCredentials } from '../publish/s3-client.js';
import { probeTarget } from '../publish/target-probe.js';
import { loadTargets, removeTarget, saveTarget } from '../publish/target-store.js';
import type { SettingsStore } from './settings-store.js';

export interface ResolvedTarget {
  name: string;
  config: S3TargetConfig;
  /** From the app's vault; undefined: the AWS credential chain. */
  credentials?: StaticCredentials;
}

/**
 * Publish targets as the app manages them: settings in targets.json (shared with `hls-studio targets`),
 * credentials in the encrypted vault, the default in the app's settings. Secrets go in, never out.
 */
export class TargetManager {
  private readonly vault: CredentialVault;

  constructor(
    private readonly configDir: string,
    cipher: SecretCipher,
    private readonly settings: SettingsStore,
  ) {
    this.vault = new CredentialVault(path.join(configDir, 'credentials.json'), cipher);
  }

  credentialStorage() {
    return this.vault.info();
  }

  async list(): Promise<TargetView[]> {
    const targets = await loadTargets(this.configDir);
    const defaultName = this.defaultName(Object.keys(targets));
    return Promise.all(
      Object.entries(targets).map(async ([name, raw]) => {
        const parsed = parseTarget(raw);
        // A hand-edited file may hold a secret the schema refuses: it is reported, never passed on.
        const target =
          raw && typeof raw === 'object'
            ? Object.fromEntries(Object.entries(raw).filter(([key]) => !SECRET_KEY.test(key)))
            : {};
        return {
          name,
          target,
          store: parsed.ok ? parsed.target.store : String(target.store ?? 's3'),
          publicBaseUrl: parsed.ok ? resolveStore(parsed.target).publicBaseUrl : '',
          hasCredentials: await this.vault.has(name),
          isDefault: name === defaultName,
          ...(parsed.ok ? {} : { problem: parsed.issues.join('; ') }),
        };
      }),
    );
  }

  async save(request: SaveTargetRequest): Promise<TargetView> {
    const parsed = parseTarget(request.target);
    if (!parsed.ok)
      throw new StudioError(
        'PUBLISH_CONFIG',
        `target "${request.name}" is invalid: ${parsed.issues.join('; ')}`,
        {
          detail: parsed.issues.join('\n'),
        },
      );
    const existing = await loadTargets(this.configDir);
    const renamed = request.replaceName !== undefined && request.replaceName !== request.name;
    if ((renamed || request.replaceName === undefined) && Object.hasOwn(existing, request.name))
      throw new StudioError('INVALID_ARGUMENT', `a target named "${request.name}" already exists`);
    // Credentials first: a refusal (no keyring, no consent) leaves nothing half saved.
    if (request.credentials)
      await this.vault.set(request.name, request.credentials, request.allowPlainTextStorage ?? false);
    await saveTarget(request.name, request.target, this.configDir);
    if (renamed) {
      if (!request.credentials) await this.vault.rename(request.replaceName!, request.name);
      else await this.vault.delete(request.replaceName!);
      await removeTarget(request.replaceName!, this.configDir);
      if (this.settings.get().defaultTarget === request.replaceName)
        this.settings.update((s) => ({ ...s, defaultTarget: request.name }));
    }
    if (request.clearCredentials && !request.credentials) await this.vault.delete(request.name);
    const view = (await this.list()).find((t) => t.name === request.name);
    return view!;
  }

  async remove(name: string): Promise<void> {
    if (!(await removeTarget(name, this.configDir)))
      throw new StudioError('INVALID_ARGUMENT', `no publish target named "${name}"`);
    await this.vault.delete(name);
    if (this.settings.get().defaultTarget === name)
      this.settings.update((s) => ({ ...s, defaultTarget: undefined }));
  }

  async setDefault(name: string): Promise<void> {
    await this.resolve(name);
    this.settings.update((s) => ({ ...s, defaultTarget: name }));
  }

  /** A target by name, or the default one (the only one, when there is just one). */
  async resolve(name?: string): Promise<ResolvedTarget> {
    const targets = await loadTargets(this.configDir);
    const chosen = name ?? this.defaultName(Object.keys(targets));
    if (!chosen)
      throw new StudioError('PUBLISH_CONFIG', 'no publish target: add one (Targets → Add target) first');
    if (!Object.hasOwn(targets, chosen))
      throw new StudioError('PUBLISH_CONFIG', `no publish target named "${chosen}"`);
    const parsed = parseTarget(targets[chosen]);
    if (!parsed.ok)
      throw new StudioError('PUBLISH_CONFIG', `target "${chosen}" is invalid: ${parsed.issues.join('; ')}`);
    const credentials = await this.vault.get(chosen);
    return { name: chosen, config: parsed.target, ...(credentials ? { credentials } : {}) };
  }

  async test(name: string, origin?: string): Promise<TargetTestReport> {
    const { config, credentials } = await this.resolve(name);
    return probeTarget(config, credentials, origin ? { origin } : {});
  }

  async fixCors(name: string, origin = '*'): Promise<void> {
    const { config, credentials } = await this.resolve(name);
    const client = createS3Client(config, resolveStore(config), {
      concurrency: 1,
      ...(credentials ? { credentials } : {}),
    });
    try {
      const report = await applyBucketCors(client, config.bucket, origin, AbortSignal.timeout(30_000));
      if (report.ok === false)
        throw new StudioError(
          'PUBLISH_CONFIG',
          `CORS was set but still fails: ${report.problems.join('; ')}`,
        );
    } finally {
      client.destroy();
    }
  }

  /** Origins packages are played from (the page's CSP lets hls.js fetch from them). */
  async publicOrigins(): Promise<string[]> {
    const views = await this.list();
    return [...new Set(views.filter((v) => v.publicBaseUrl).map((v) => new URL(v.publicBaseUrl).origin))];
  }

  private defaultName(names: string[]): string | undefined {
    const saved = this.settings.get().defaultTarget;
    if (saved && names.includes(saved)) return saved;
    return names.length === 1 ? names[0] : undefined;
  }
}
