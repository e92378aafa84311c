/**
 * Object stores that speak the S3 protocol. Each is only an endpoint template and a few defaults: one S3
 * implementation publishes to all of them, so adding a store is one more entry here.
 * Templates use `{region}`, `{accountId}`, `{bucket}` and `{endpoint}`.
 */
export interface StorePreset {
  id: string;
  title: string;
  /** Undefined: Amazon's own endpoints, chosen by the SDK from the region. */
  endpoint?: string;
  defaultRegion: string;
  /** Path-style (`endpoint/bucket/key`) instead of virtual-hosted (`bucket.endpoint/key`). */
  pathStyle: boolean;
  /** Where the bucket root is served to players when no public base URL is configured. */
  publicUrl: string;
  /** True only for Amazon S3 itself. */
  aws: boolean;
  /** Does the store read and write CORS through the S3 `?cors` API? (GCS's XML API uses its own format.) */
  corsApi: boolean;
  /** Placeholders a user must supply (besides bucket), e.g. R2's account id. */
  needs?: ('endpoint' | 'accountId')[];
  /** The API endpoint never serves anonymous reads: players need a public base URL (r2.dev, a domain). */
  privateEndpoint?: boolean;
}

export const STORE_PRESETS = [
  {
    id: 's3',
    title: 'Amazon S3',
    defaultRegion: 'us-east-1',
    pathStyle: false,
    publicUrl: 'https://{bucket}.s3.{region}.amazonaws.com',
    aws: true,
    corsApi: true,
  },
  {
    id: 'gcs',
    title: 'Google Cloud Storage (S3-interoperable XML API, HMAC keys)',
    endpoint: 'https://storage.googleapis.com',
    defaultRegion: 'auto',
    pathStyle: true,
    publicUrl: 'https://storage.googleapis.com/{bucket}',
    aws: false,
    corsApi: false,
  },
  {
    id: 'r2',
    title: 'Cloudflare R2',
    endpoint: 'https://{accountId}.r2.cloudflarestorage.com',
    defaultRegion: 'auto',
    pathStyle: true,
    // R2's API endpoint never serves anonymous reads: an r2.dev or custom domain must be given.
    publicUrl: '{endpoint}/{bucket}',
    aws: false,
    corsApi: true,
    needs: ['accountId'],
    privateEndpoint: true,
  },
  {
    id: 'minio',
    title: 'MinIO',
    defaultRegion: 'us-east-1',
    pathStyle: true,
    publicUrl: '{endpoint}/{bucket}',
    aws: false,
    corsApi: true,
    needs: ['endpoint'],
  },
  {
    id: 'b2',
    title: 'Backblaze B2',
    endpoint: 'https://s3.{region}.backblazeb2.com',
    defaultRegion: 'us-west-004',
    pathStyle: false,
    publicUrl: 'https://{bucket}.s3.{region}.backblazeb2.com',
    aws: false,
    corsApi: true,
  },
  {
    id: 'wasabi',
    title: 'Wasabi',
    endpoint: 'https://s3.{region}.wasabisys.com',
    defaultRegion: 'us-east-1',
    pathStyle: false,
    publicUrl: 'https://s3.{region}.wasabisys.com/{bucket}',
    aws: false,
    corsApi: true,
  },
  {
    id: 'spaces',
    title: 'DigitalOcean Spaces',
    endpoint: 'https://{region}.digitaloceanspaces.com',
    defaultRegion: 'nyc3',
    pathStyle: false,
    publicUrl: 'https://{bucket}.{region}.digitaloceanspaces.com',
    aws: false,
    corsApi: true,
  },
  {
    id: 's3-compatible',
    title: 'Any S3-compatible store (Ceph radosgw, Garage, SeaweedFS, …)',
    defaultRegion: 'us-east-1',
    pathStyle: true,
    publicUrl: '{endpoint}/{bucket}',
    aws: false,
    corsApi: true,
    needs: ['endpoint'],
  },
] as const satisfies readonly StorePreset[];

export type StoreId = (typeof STORE_PRESETS)[number]['id'];
export const STORE_IDS = STORE_PRESETS.map((p) => p.id) as [StoreId, ...StoreId[]];

export function storePreset(id: StoreId): StorePreset {
  const preset = STORE_PRESETS.find((p) => p.id === id);
  if (!preset) throw new Error(`unknown store ${id}`);
  return preset;
}

/** Fills `{name}` placeholders; throws naming the first one without a value. */
export function fillTemplate(template: string, values: Record<string, string | undefined>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined || value === '') throw new Error(`needs a value for {${name}}`);
    return value;
  });
}
