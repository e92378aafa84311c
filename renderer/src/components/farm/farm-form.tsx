import { Alert, Button, Group, SegmentedControl, Select, Stack, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { FarmView } from '../../../../src/common/api/farm-api';
import type { StudioApi, TargetView } from '../../../../src/common/api/studio-api';
import { useAction } from '../../state/use-action';

/**
 * Add or edit a farm: its Redis URL (a saved password comes back masked as `***`: leave it to keep it),
 * its queue, where its workers publish, and the folder every worker mounts at the same path.
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
  const action = useAction<'save'>();
  const save = () =>
    action.run('save', async () => {
      await api.saveFarm({
        name: name.trim(),
        redisUrl: redisUrl.trim(),
        ...(queueName.trim() ? { queueName: queueName.trim() } : {}),
        out: outKind === 'url' ? { url: url.trim() } : { target: target ?? '' },
        ...(sharedFolder.trim() ? { sharedFolder: sharedFolder.trim() } : {}),
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
        description="A folder this computer can write and every worker mounts at the same path: files from here are copied into it for the workers. Without one, files on this computer cannot be sent."
        placeholder="/mnt/media"
        value={sharedFolder}
        onChange={(e) => setSharedFolder(e.currentTarget.value)}
      />
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
