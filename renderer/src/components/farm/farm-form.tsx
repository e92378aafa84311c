import { Alert, Button, Group, SegmentedControl, Select, Stack, TextInput } from '@mantine/core';
import { useState } from 'react';
import { BUCKET_URL, type FarmView } from '../../../../src/common/api/farm-api';
import type { StudioApi, TargetView } from '../../../../src/common/api/studio-api';
import { useAction } from '../../state/use-action';

/**
 * Add or edit a farm: its Redis URL (a saved password comes back masked as `***`: leave it to keep it),
 * its queue, where its workers publish, and how files from this computer reach the workers: a folder
 * every worker mounts at the same path, or a bucket they read from (uploaded to with a saved target).
 */
export function FarmForm({
  api,
  targets,
  editing,
  onSaved,
  onCancel,
}: {
  api: StudioApi;
  targets: TargetView[];
  editing?: FarmView;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState(editing?.name ?? '');
  const [redisUrl, setRedisUrl] = useState(editing?.redisUrl ?? '');
  const [queueName, setQueueName] = useState(editing?.queueName ?? '');
  const [outKind, setOutKind] = useState<'target' | 'url'>(
    editing && 'url' in editing.out ? 'url' : 'target',
  );
  const [target, setTarget] = useState(editing && 'target' in editing.out ? editing.out.target : null);
  const [url, setUrl] = useState(editing && 'url' in editing.out ? editing.out.url : '');
  const [sharedFolder, setSharedFolder] = useState(editing?.sharedFolder ?? '');
  const [inputUrl, setInputUrl] = useState(editing?.inputBucket?.url ?? '');
  const [inputTarget, setInputTarget] = useState(editing?.inputBucket?.target ?? null);
  const inputUrlError =
    inputUrl.trim() && !BUCKET_URL.test(inputUrl.trim())
      ? 'an s3://bucket/prefix or gs://bucket/prefix URL'
      : undefined;
  const action = useAction<'save'>();
  const save = () =>
    action.run('save', async () => {
      if (inputUrlError) throw new Error(`Input bucket: ${inputUrlError}`);
      await api.saveFarm({
        name: name.trim(),
        redisUrl: redisUrl.trim(),
        ...(queueName.trim() ? { queueName: queueName.trim() } : {}),
        out: outKind === 'url' ? { url: url.trim() } : { target: target ?? '' },
        ...(sharedFolder.trim() ? { sharedFolder: sharedFolder.trim() } : {}),
        ...(inputUrl.trim()
          ? { inputBucket: { url: inputUrl.trim(), ...(inputTarget ? { target: inputTarget } : {}) } }
          : {}),
        ...(editing ? { replaceName: editing.name } : {}),
      });
      onSaved();
    });
  return (
    <Stack gap="sm" data-testid="farm-form">
      <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} />
      <TextInput
        label="Redis URL"
        description="redis://[:password@]host:port/db — the password stays in this app's back end"
        placeholder="redis://farm.example.internal:6379/0"
        required
        value={redisUrl}
        onChange={(e) => setRedisUrl(e.currentTarget.value)}
      />
      <TextInput
        label="Queue name"
        description="Leave empty for the queue hls-studio worker uses by default"
        value={queueName}
        onChange={(e) => setQueueName(e.currentTarget.value)}
      />
      <Stack gap={4}>
        <SegmentedControl
          aria-label="Output"
          value={outKind}
          onChange={(v) => setOutKind(v as 'target' | 'url')}
          data={[
            { value: 'target', label: 'A saved publish target' },
            { value: 'url', label: 'An s3:// URL' },
          ]}
        />
        {outKind === 'target' ? (
          <Select
            label="Workers publish to"
            description="Its settings go with each job; the workers use their own credentials"
            placeholder={targets.length ? 'Pick a target' : 'Add a publish target first'}
            data={targets.map((t) => t.name)}
            value={target}
            onChange={setTarget}
          />
        ) : (
          <TextInput
            label="Workers publish to"
            description="s3://bucket/prefix, with the workers' own endpoint and credentials"
            placeholder="s3://videos/hls"
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
          />
        )}
      </Stack>
      <TextInput
        label="Shared folder"
        description="A folder this computer can write and every worker mounts at the same path: files from here are copied into it for the workers."
        placeholder="/mnt/media"
        value={sharedFolder}
        onChange={(e) => setSharedFolder(e.currentTarget.value)}
      />
      <Group grow align="flex-start">
        <TextInput
          label="Input bucket"
          description="Or a bucket the workers read from: files from here are uploaded to <prefix>/<job id>/ before the job is sent. A farm needs a shared folder or an input bucket to take files from this computer."
          placeholder="s3://farm-inputs/studio"
          value={inputUrl}
          error={inputUrlError}
          data-testid="farm-input-bucket"
          onChange={(e) => setInputUrl(e.currentTarget.value)}
        />
        <Select
          label="Upload with"
          description="A saved target's store settings and keys (they stay in this app's back end)"
          placeholder={
            outKind === 'target' && target ? `${target} (the workers' target)` : 'The credential chain'
          }
          data={targets.map((t) => t.name)}
          value={inputTarget}
          onChange={setInputTarget}
          clearable
          disabled={!inputUrl.trim()}
          data-testid="farm-input-target"
        />
      </Group>
      {action.error && (
        <Alert color="red" title="Not saved" data-testid="farm-form-error">
          {action.error}
        </Alert>
      )}
      <Group>
        <Button onClick={() => void save()} loading={action.pending === 'save'}>
          Save farm
        </Button>
        <Button variant="default" onClick={onCancel}>
          Cancel
        </Button>
      </Group>
    </Stack>
  );
}
