import {
  Alert,
  Button,
  Checkbox,
  Divider,
  Group,
  NumberInput,
  PasswordInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type {
  SaveTargetRequest,
  StudioApi,
  StudioSettings,
  TargetView,
} from '../../../../src/common/api/studio-api';
import {
  OBJECT_ACLS,
  parseTarget,
  resolveStore,
  targetNameProblem,
} from '../../../../src/common/publish/publish-target';
import {
  STORE_IDS,
  STORE_PRESETS,
  storePreset,
  type StoreId,
} from '../../../../src/common/publish/store-presets';
import { messageOf } from '../../state/use-action';
import type { FormFocus } from './target-fixes';

type Acl = (typeof OBJECT_ACLS)[number];

/** The form's fields: the target's settings as text, never a secret (those stay in uncontrolled inputs). */
interface Fields {
  name: string;
  store: StoreId;
  bucket: string;
  prefix: string;
  region: string;
  endpoint: string;
  accountId: string;
  /** Undefined: the store preset's default. */
  pathStyle?: boolean;
  publicBaseUrl: string;
  profile: string;
  acl: Acl | null;
  storageClass: string;
  playlistMaxAgeSec: number | string;
  gzipPlaylists: boolean;
}

const DEFAULT_MAX_AGE = 60;

function fieldsOf(view?: TargetView): Fields {
  const t = view?.target ?? {};
  const text = (key: string) => (typeof t[key] === 'string' ? (t[key] as string) : '');
  const store = STORE_IDS.find((id) => id === t.store) ?? 's3';
  return {
    name: view?.name ?? '',
    store,
    bucket: text('bucket'),
    prefix: text('prefix'),
    region: text('region'),
    endpoint: text('endpoint'),
    accountId: text('accountId'),
    pathStyle: typeof t.pathStyle === 'boolean' ? t.pathStyle : undefined,
    publicBaseUrl: text('publicBaseUrl'),
    profile: text('profile'),
    acl: OBJECT_ACLS.find((a) => a === t.acl) ?? null,
    storageClass: text('storageClass'),
    playlistMaxAgeSec: typeof t.playlistMaxAgeSec === 'number' ? t.playlistMaxAgeSec : DEFAULT_MAX_AGE,
    gzipPlaylists: t.gzipPlaylists === true,
  };
}

/**
 * Which store-specific fields the form shows. A field the preset derives (B2's endpoint from its region) is
 * hidden unless the saved target already sets it, so editing never silently drops a value.
 */
function visibleFields(store: StoreId, initial: Fields) {
  const preset = storePreset(store);
  const needs: readonly string[] = preset.needs ?? [];
  return {
    endpoint: needs.includes('endpoint') || needs.includes('accountId') || initial.endpoint !== '',
    endpointRequired: needs.includes('endpoint'),
    accountId: needs.includes('accountId'),
    region: preset.defaultRegion !== 'auto' || initial.region !== '',
  };
}

function targetOf(f: Fields, visible: ReturnType<typeof visibleFields>): Record<string, unknown> {
  const preset = storePreset(f.store);
  const target: Record<string, unknown> = { store: f.store, bucket: f.bucket.trim() };
  const optional = (key: string, value: string, shown = true) => {
    if (shown && value.trim() !== '') target[key] = value.trim();
  };
  optional('prefix', f.prefix);
  optional('region', f.region, visible.region);
  optional('endpoint', f.endpoint, visible.endpoint);
  optional('accountId', f.accountId, visible.accountId);
  optional('publicBaseUrl', f.publicBaseUrl);
  optional('profile', f.profile);
  optional('storageClass', f.storageClass);
  if (f.pathStyle !== undefined && f.pathStyle !== preset.pathStyle) target.pathStyle = f.pathStyle;
  if (f.acl) target.acl = f.acl;
  if (typeof f.playlistMaxAgeSec === 'number') target.playlistMaxAgeSec = f.playlistMaxAgeSec;
  if (f.gzipPlaylists) target.gzipPlaylists = true;
  return target;
}

/** `parseTarget` issues read "bucket: message": each goes under its field, the rest above the buttons. */
function issuesByField(issues: string[]): { fields: Record<string, string>; other: string[] } {
  const fields: Record<string, string> = {};
  const other: string[] = [];
  for (const issue of issues) {
    const match = /^(\w+): (.*)$/s.exec(issue);
    if (match && match[1] !== 'target') fields[match[1]!] ??= match[2]!;
    else other.push(issue);
  }
  return { fields, other };
}

/**
 * Adds or edits a publish target. Access keys are read from uncontrolled inputs when the form is
 * submitted, go into the one `saveTarget` request and are wiped from the inputs right after it: they are
 * never React state, never shown again.
 */
export function TargetForm({
  api,
  settings,
  editing,
  existingNames,
  focus,
  onSaved,
  onCancel,
}: {
  api: StudioApi;
  settings?: StudioSettings;
  /** The target being edited; undefined to add one. */
  editing?: TargetView;
  /** Names already taken (a new name must not overwrite another target). */
  existingNames: string[];
  /** Opened by a fix of a failed test: the field to fix has the focus, in view. */
  focus?: FormFocus;
  onSaved: (target: TargetView) => void;
  onCancel: () => void;
}) {
  const [initial] = useState(() => fieldsOf(editing));
  const [f, setFields] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const [allowPlainText, setAllowPlainText] = useState(false);
  const [clearCredentials, setClearCredentials] = useState(false);
  const accessKeyInput = useRef<HTMLInputElement>(null);
  const secretKeyInput = useRef<HTMLInputElement>(null);
  const publicBaseUrlInput = useRef<HTMLInputElement>(null);
  const profileInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const input = { credentials: accessKeyInput, publicBaseUrl: publicBaseUrlInput, profile: profileInput }[
      focus ?? 'credentials'
    ].current;
    if (!focus || !input) return;
    input.focus();
    input.scrollIntoView({ block: 'center' });
  }, [focus]);

  const storage = settings?.credentialStorage;
  const preset = storePreset(f.store);
  const visible = visibleFields(f.store, initial);
  const set = <K extends keyof Fields>(key: K, value: Fields[K]) => {
    setFields((s) => ({ ...s, [key]: value }));
    setErrors(({ [key]: _, ...rest }) => rest);
  };
  const parsed = parseTarget(targetOf(f, visible));
  let playersUrl: string | undefined;
  if (parsed.ok)
    try {
      playersUrl = resolveStore(parsed.target).publicBaseUrl;
    } catch {
      playersUrl = undefined;
    }

  /** Checked as it is typed: a name that cannot be saved says so before Save. */
  const problemOfName = (name: string) =>
    targetNameProblem(name) ??
    (name !== editing?.name && existingNames.includes(name)
      ? `a target named ${name} exists already`
      : undefined);

  const wipeSecrets = () => {
    if (accessKeyInput.current) accessKeyInput.current.value = '';
    if (secretKeyInput.current) secretKeyInput.current.value = '';
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFormError(undefined);
    const name = f.name.trim();
    const target = targetOf(f, visible);
    const { fields, other } = parsed.ok ? { fields: {}, other: [] } : issuesByField(parsed.issues);
    const found: Record<string, string> = { ...fields };
    const nameProblem = problemOfName(name);
    if (nameProblem) found.name = nameProblem;

    const accessKeyId = accessKeyInput.current?.value.trim() ?? '';
    const secretAccessKey = secretKeyInput.current?.value.trim() ?? '';
    const withKeys = accessKeyId !== '' || secretAccessKey !== '';
    if (withKeys && (accessKeyId === '' || secretAccessKey === ''))
      found.credentials = 'Give both the access key ID and the secret access key, or neither.';
    else if (withKeys && storage?.plainText && !allowPlainText)
      found.plainText = 'Tick this to store the keys without a keyring, or leave the key fields empty.';
    setErrors(found);
    if (Object.keys(found).length > 0 || other.length > 0) {
      if (other.length > 0) setFormError(other.join('\n'));
      return;
    }

    const request: SaveTargetRequest = {
      name,
      target,
      // Editing saves over the target itself (renamed or not); without replaceName the back end refuses
      // a name that is already taken, its own included.
      ...(editing ? { replaceName: editing.name } : {}),
      ...(withKeys
        ? {
            credentials: { accessKeyId, secretAccessKey },
            ...(storage?.plainText ? { allowPlainTextStorage: true } : {}),
          }
        : clearCredentials
          ? { clearCredentials: true }
          : {}),
    };
    setSaving(true);
    try {
      const saved = await api.saveTarget(request);
      onSaved(saved);
    } catch (error) {
      const message = messageOf(error);
      setFormError(withKeys ? `${message}\nThe keys were not kept: enter them again.` : message);
    } finally {
      // The keys lived in the request only; nothing of them stays in the form, saved or not.
      wipeSecrets();
      setSaving(false);
    }
  };

  return (
    <form
      onSubmit={(e) => void submit(e)}
      aria-label={editing ? `Edit target ${editing.name}` : 'New target'}
    >
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label="Name"
            description="A label, e.g. My bucket: how publish and watch folders refer to it"
            withAsterisk
            value={f.name}
            error={errors.name}
            onChange={(e) => {
              const name = e.currentTarget.value;
              set('name', name);
              // An empty field is not an error until Save: only a name being typed is judged.
              const problem = name === '' ? undefined : problemOfName(name.trim());
              setErrors(({ name: _, ...rest }) => (problem ? { ...rest, name: problem } : rest));
            }}
          />
          <Select
            label="Store"
            data={STORE_PRESETS.map((p) => ({ value: p.id, label: p.title }))}
            value={f.store}
            allowDeselect={false}
            onChange={(v) => {
              const store = STORE_IDS.find((id) => id === v);
              // A path-style choice belongs to the store it was made for.
              if (store) setFields((s) => ({ ...s, store, pathStyle: undefined }));
            }}
          />
          <TextInput
            label="Bucket"
            withAsterisk
            value={f.bucket}
            error={errors.bucket}
            onChange={(e) => set('bucket', e.currentTarget.value)}
          />
          <TextInput
            label="Prefix"
            description="Folder inside the bucket; packages go under it"
            placeholder="videos/"
            value={f.prefix}
            error={errors.prefix}
            onChange={(e) => set('prefix', e.currentTarget.value)}
          />
          {visible.accountId && (
            <TextInput
              label="Cloudflare account ID"
              description="32 hex characters (or give the endpoint instead)"
              value={f.accountId}
              error={errors.accountId}
              onChange={(e) => set('accountId', e.currentTarget.value)}
            />
          )}
          {visible.endpoint && (
            <TextInput
              label="Endpoint"
              description={
                visible.endpointRequired ? 'The S3 API URL of the store' : 'Overrides the store default'
              }
              placeholder="https://minio.example.com:9000"
              withAsterisk={visible.endpointRequired}
              value={f.endpoint}
              error={errors.endpoint}
              onChange={(e) => set('endpoint', e.currentTarget.value)}
            />
          )}
          {visible.region && (
            <TextInput
              label="Region"
              placeholder={preset.defaultRegion}
              value={f.region}
              error={errors.region}
              onChange={(e) => set('region', e.currentTarget.value)}
            />
          )}
          <TextInput
            ref={publicBaseUrlInput}
            label="Public base URL"
            description={
              preset.privateEndpoint
                ? 'Needed: this store never serves anonymous reads from its API (use a public or custom domain)'
                : 'CDN or custom domain serving the bucket root (optional)'
            }
            placeholder="https://cdn.example.com"
            value={f.publicBaseUrl}
            error={errors.publicBaseUrl}
            onChange={(e) => set('publicBaseUrl', e.currentTarget.value)}
          />
        </SimpleGrid>
        <Checkbox
          label="Path-style addressing"
          description={`endpoint/bucket/key instead of bucket.endpoint/key (${preset.title} default: ${
            preset.pathStyle ? 'on' : 'off'
          })`}
          checked={f.pathStyle ?? preset.pathStyle}
          onChange={(e) => set('pathStyle', e.currentTarget.checked)}
        />
        {playersUrl && (
          <Text size="sm" c="dimmed" data-testid="target-players-url">
            Players will load packages from {playersUrl}/…
          </Text>
        )}

        <Divider label="Credentials" labelPosition="left" />
        {storage?.available ? (
          <>
            {editing?.hasCredentials && (
              <Group>
                <Text size="sm">Keys are saved for this target. Type new ones to replace them.</Text>
                <Checkbox
                  label="Forget the saved keys"
                  checked={clearCredentials}
                  onChange={(e) => setClearCredentials(e.currentTarget.checked)}
                />
              </Group>
            )}
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <PasswordInput
                ref={accessKeyInput}
                label="Access key ID"
                description={
                  f.store === 'gcs' ? 'An HMAC key of a service account' : 'Leave empty to use the AWS chain'
                }
                autoComplete="off"
                error={errors.credentials}
              />
              <PasswordInput
                ref={secretKeyInput}
                label="Secret access key"
                description={
                  storage.plainText
                    ? 'Stored obfuscated only (no keyring)'
                    : 'Stored encrypted by the OS keyring'
                }
                autoComplete="new-password"
              />
            </SimpleGrid>
            {storage.plainText && (
              <Alert color="yellow" title="No keyring found" data-testid="plain-text-warning">
                <Stack gap="xs">
                  <Text size="sm">
                    This system has no secret store for the app to use
                    {storage.backend ? ` (backend: ${storage.backend})` : ''}: saved keys would only be
                    obfuscated on disk, readable by anything running as your user. Prefer the AWS credential
                    chain (a profile, SSO or environment variables), or install a keyring such as GNOME
                    Keyring or KWallet.
                  </Text>
                  <Checkbox
                    label="Store anyway without a keyring"
                    checked={allowPlainText}
                    error={errors.plainText}
                    onChange={(e) => {
                      setAllowPlainText(e.currentTarget.checked);
                      setErrors(({ plainText: _, ...rest }) => rest);
                    }}
                  />
                </Stack>
              </Alert>
            )}
          </>
        ) : (
          storage && (
            <Text size="sm" c="dimmed" data-testid="credential-note">
              {storage.note}
            </Text>
          )
        )}

        <Divider label="More options" labelPosition="left" />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            ref={profileInput}
            label="AWS profile"
            description="A profile of the shared AWS config (a name, not a key)"
            value={f.profile}
            error={errors.profile}
            onChange={(e) => set('profile', e.currentTarget.value)}
          />
          <Select
            label="ACL"
            placeholder="Bucket default"
            clearable
            data={[...OBJECT_ACLS]}
            value={f.acl}
            onChange={(v) => set('acl', OBJECT_ACLS.find((a) => a === v) ?? null)}
          />
          <TextInput
            label="Storage class"
            placeholder="STANDARD"
            value={f.storageClass}
            error={errors.storageClass}
            onChange={(e) => set('storageClass', e.currentTarget.value)}
          />
          <NumberInput
            label="Playlist cache max-age (s)"
            min={0}
            max={31_536_000}
            value={f.playlistMaxAgeSec}
            error={errors.playlistMaxAgeSec}
            onChange={(v) => set('playlistMaxAgeSec', v)}
          />
        </SimpleGrid>
        <Checkbox
          label="Gzip playlists"
          checked={f.gzipPlaylists}
          onChange={(e) => set('gzipPlaylists', e.currentTarget.checked)}
        />

        {formError && (
          <Alert color="red" title="Not saved" style={{ whiteSpace: 'pre-line' }}>
            {formError}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={saving}>
            Save target
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
