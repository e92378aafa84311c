import { z } from 'zod';
import { checkBucketName, normalizePrefix } from './s3-url.js';
import { fillTemplate, STORE_IDS, storePreset, type StoreId } from './store-presets.js';

/** S3 canned ACLs that make sense for a video package. */
export const OBJECT_ACLS = ['private', 'public-read', 'bucket-owner-full-control'] as const;

// Anything that smells like a secret is refused with a message, not just as an unknown key.
export const SECRET_KEY = /secret|password|passwd|token|credential|access.?key|hmac|private.?key/i;

const httpUrl = z
  .string()
  .refine((v) => /^https?:\/\/[^/]/i.test(v) && URL.canParse(v), { message: 'must be an http(s) URL' })
  .transform((v) => v.replace(/\/+$/, ''));

/**
 * A publish target as saved by name in the config file or given inline. It never holds credentials:
 * those come from the AWS chain (env, shared config/profiles, SSO) or env S3_ACCESS_KEY_ID/S3_SECRET_ACCESS_KEY.
 */
const baseTargetSchema = z
  .record(z.string(), z.unknown())
  .superRefine((raw, ctx) => {
    for (const key of Object.keys(raw))
      if (SECRET_KEY.test(key))
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message:
            'secrets are never stored in a target; use the AWS credential chain (AWS_PROFILE, ~/.aws, SSO) ' +
            'or env S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY',
        });
  })
  .pipe(
    z.strictObject({
      store: z.enum(STORE_IDS).default('s3'),
      bucket: z.string().superRefine((b, ctx) => {
        try {
          checkBucketName(b);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message });
        }
      }),
      prefix: z
        .string()
        .default('')
        .transform((p, ctx) => {
          try {
            return normalizePrefix(p);
          } catch (error) {
            ctx.addIssue({ code: 'custom', message: (error as Error).message });
            return z.NEVER;
          }
        }),
      region: z
        .string()
        .regex(/^[a-z0-9-]+$/, 'must look like us-east-1 or auto')
        .optional(),
      endpoint: httpUrl.optional(),
      /** Cloudflare account id (R2's endpoint template). */
      accountId: z
        .string()
        .regex(/^[a-f0-9]{32}$/i, 'must be the 32-character Cloudflare account id')
        .optional(),
      pathStyle: z.boolean().optional(),
      /** URL that serves the bucket root to players (CDN, custom domain, r2.dev). */
      publicBaseUrl: httpUrl.optional(),
      /** A profile of the shared AWS config files (a name, not a secret). */
      profile: z.string().min(1).optional(),
      acl: z.enum(OBJECT_ACLS).optional(),
      storageClass: z
        .string()
        .regex(/^[A-Z_]+$/, 'must be a storage class like STANDARD_IA')
        .optional(),
      /** Cache lifetime of playlists and video.json (they may be republished). */
      playlistMaxAgeSec: z.number().int().min(0).max(31_536_000).default(60),
      gzipPlaylists: z.boolean().default(false),
    }),
  );

/** A target with every store-specific requirement checked (R2's account id, an endpoint for MinIO, …). */
export const s3TargetSchema = baseTargetSchema.superRefine((target, ctx) => {
  for (const issue of resolutionIssues(target)) ctx.addIssue({ code: 'custom', ...issue });
});

export type S3TargetConfig = z.output<typeof baseTargetSchema>;
export type S3TargetInput = z.input<typeof baseTargetSchema>;

/** The saved-targets file: names → targets. */
export const targetsFileSchema = z.strictObject({
  version: z.literal(1),
  targets: z.record(z.string(), z.unknown()),
});

/**
 * A target's name is a label ("My bucket"): letters of any script, digits, spaces and . _ -, up to 63,
 * starting with a letter or digit and not ending in a space. The CLI takes it quoted (`--target "My bucket"`).
 */
export const TARGET_NAME = /^[\p{L}\p{N}](?:[\p{L}\p{N} ._-]{0,61}[\p{L}\p{N}._-])?$/u;
export const TARGET_NAME_RULE =
  'letters, digits, spaces and . _ - (up to 63, starting with a letter or digit)';

/** Why `name` cannot name a target, or undefined when it can. */
export function targetNameProblem(name: string): string | undefined {
  if (name.trim() === '') return 'give the target a name';
  if (name !== name.trim()) return 'no spaces at the start or the end';
  if (name.length > 63) return 'at most 63 characters';
  return TARGET_NAME.test(name) ? undefined : TARGET_NAME_RULE;
}

export function parseTarget(
  input: unknown,
): { ok: true; target: S3TargetConfig } | { ok: false; issues: string[] } {
  const result = s3TargetSchema.safeParse(input);
  if (result.success) return { ok: true, target: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'target'}: ${i.message}`),
  };
}

/** Where and how to talk to the store, with every default filled in. */
export interface ResolvedStore {
  store: StoreId;
  /** Undefined only for Amazon S3 itself. */
  endpoint: string | undefined;
  region: string;
  pathStyle: boolean;
  /** True for Amazon S3 itself (no custom endpoint). */
  aws: boolean;
  corsApi: boolean;
  /** URL serving the bucket root to players. */
  publicBaseUrl: string;
}

export function resolveStore(target: S3TargetConfig): ResolvedStore {
  const preset = storePreset(target.store);
  const region = target.region ?? preset.defaultRegion;
  const values = { region, accountId: target.accountId, bucket: target.bucket };
  const endpoint =
    target.endpoint ?? (preset.endpoint === undefined ? undefined : fillTemplate(preset.endpoint, values));
  const aws = preset.aws && endpoint === undefined;
  return {
    store: target.store,
    endpoint,
    region,
    pathStyle: target.pathStyle ?? preset.pathStyle,
    aws,
    corsApi: preset.corsApi,
    publicBaseUrl:
      target.publicBaseUrl ??
      (aws || target.endpoint === undefined
        ? fillTemplate(preset.publicUrl, { ...values, endpoint })
        : `${endpoint}/${target.bucket}`),
  };
}

function resolutionIssues(target: S3TargetConfig): { path: string[]; message: string }[] {
  const preset = storePreset(target.store);
  const issues: { path: string[]; message: string }[] = [];
  if (preset.needs?.includes('endpoint') && !target.endpoint)
    issues.push({ path: ['endpoint'], message: `${preset.title} needs an endpoint (the URL of its S3 API)` });
  if (preset.needs?.includes('accountId') && !target.accountId && !target.endpoint)
    issues.push({ path: ['accountId'], message: `${preset.title} needs its account ID (or an endpoint)` });
  if (issues.length) return issues;
  try {
    resolveStore(target);
  } catch (error) {
    issues.push({ path: [], message: (error as Error).message });
  }
  return issues;
}
