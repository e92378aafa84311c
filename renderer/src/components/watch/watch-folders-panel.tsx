import {
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Paper,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { messageOf } from '../../state/use-action';
import { WATCH_STATE_COLORS, watchStates } from './watch-states';
import type {
  JobView,
  PresetEntry,
  StudioApi,
  TargetView,
  WatchFolderView,
} from '../../../../src/common/api/studio-api';

/** Folders whose new videos are queued with a preset (and published to a target when one is set). */
export function WatchFoldersPanel({
  api,
  watchFolders,
  jobs = [],
  presets,
  targets,
  face = 'desktop',
  defaultPresetId,
  onChanged,
  pickFolder,
}: {
  api: StudioApi;
  watchFolders: WatchFolderView[];
  /** The queue: each folder's badges say where its files are now (waiting, encoding, published, …). */
  jobs?: JobView[];
  presets: PresetEntry[];
  targets: TargetView[];
  /** In the browser face the folder is a path on the server's machine, not the viewer's. */
  face?: 'desktop' | 'browser';
  defaultPresetId?: string;
  /** Called after a change succeeded (the back end also sends `changed: watch`). */
  onChanged?: () => void;
  /** The desktop app's native folder picker (undefined in browser mode: paths are the server's). */
  pickFolder?: () => Promise<string | undefined>;
}) {
  const [path, setPath] = useState('');
  const [presetChoice, setPresetChoice] = useState<string | null>(null);
  const [target, setTarget] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<string>();
  const [error, setError] = useState<string>();
  const presetIds = presets.map((p) => p.id);
  const presetId = [presetChoice, defaultPresetId, presetIds[0]].find(
    (id): id is string => !!id && presetIds.includes(id),
  );
  const presetName = (id: string) => presets.find((p) => p.id === id)?.name ?? id;

  const add = async (event: FormEvent) => {
    event.preventDefault();
    if (!path.trim() || !presetId) return;
    setAdding(true);
    setError(undefined);
    try {
      await api.addWatchFolder({ path: path.trim(), presetId, ...(target ? { target } : {}) });
      setPath('');
      onChanged?.();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setAdding(false);
    }
  };
  const remove = async (id: string) => {
    setRemoving(id);
    setError(undefined);
    try {
      await api.removeWatchFolder({ id });
      onChanged?.();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setRemoving(undefined);
    }
  };

  return (
    <Stack data-testid="watch-folders-panel">
      <Title order={4}>Watch folders</Title>
      <form onSubmit={(e) => void add(e)} aria-label="Add a watch folder">
        <Group align="flex-end">
          <TextInput
            label="Folder"
            description={
              face === 'browser'
                ? "A path on the server's machine (where hls-studio serve runs)"
                : 'New videos in it are queued as they appear'
            }
            placeholder={face === 'browser' ? '/srv/incoming' : '/Users/me/Movies/to-encode'}
            value={path}
            onChange={(e) => setPath(e.currentTarget.value)}
            style={{ flex: 1, minWidth: 260 }}
          />
          {pickFolder && (
            <Button
              variant="default"
              onClick={() => void pickFolder().then((picked) => picked && setPath(picked))}
            >
              Browse…
            </Button>
          )}
          <Select
            label="Preset"
            data={presets.map((p) => ({ value: p.id, label: p.name }))}
            value={presetId ?? null}
            onChange={setPresetChoice}
            allowDeselect={false}
            w={200}
          />
          <Select
            label="Publish to"
            placeholder="Don't publish"
            clearable
            data={targets.map((t) => t.name)}
            value={target}
            onChange={setTarget}
            w={180}
          />
          <Button type="submit" loading={adding} disabled={!path.trim() || !presetId}>
            Watch folder
          </Button>
        </Group>
      </form>
      {error && (
        <Alert color="red" withCloseButton onClose={() => setError(undefined)} data-testid="watch-error">
          {error}
        </Alert>
      )}
      {watchFolders.length === 0 && (
        <Text size="sm" c="dimmed">
          No folders watched.
        </Text>
      )}
      {watchFolders.map((w) => (
        <Paper key={w.id} withBorder p="sm" data-testid="watch-row" data-id={w.id}>
          <Group justify="space-between" wrap="nowrap">
            <Stack gap={2}>
              <Code>{w.path}</Code>
              <Group gap="xs">
                <Text size="sm">{presetName(w.presetId)}</Text>
                <Text size="sm" c="dimmed">
                  {w.target ? `→ publishes to ${w.target}` : 'no automatic publish'}
                </Text>
                <WatchBadges jobs={jobs} folderId={w.id} />
              </Group>
              {w.problem && (
                <Text size="sm" c="red" data-testid="watch-problem">
                  {w.problem}
                </Text>
              )}
            </Stack>
            <Button
              size="compact-sm"
              variant="light"
              color="red"
              loading={removing === w.id}
              onClick={() => void remove(w.id)}
            >
              Stop watching
            </Button>
          </Group>
        </Paper>
      ))}
    </Stack>
  );
}

/** One badge per state the folder's files are in now; removed jobs are no longer counted. */
function WatchBadges({ jobs, folderId }: { jobs: JobView[]; folderId: string }) {
  const states = watchStates(jobs, folderId);
  if (states.length === 0)
    return (
      <Badge variant="light" color="gray" data-testid="watch-state" data-state="none">
        no files in the queue
      </Badge>
    );
  return states.map(({ state, count }) => (
    <Badge
      key={state}
      variant="light"
      color={WATCH_STATE_COLORS[state]}
      data-testid="watch-state"
      data-state={state}
    >
      {count} {state}
    </Badge>
  ));
}
