import {
  Alert,
  Badge,
  Button,
  Code,
  FileButton,
  Group,
  List,
  Popover,
  Stack,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { useState } from 'react';
import type { PresetEntry, StudioApi } from '../../../../src/common/api/studio-api';
import { parsePreset, type Preset } from '../../../../src/common/presets/preset-schema';
import { messageOf } from '../../state/use-action';
import { presetIdFromName, type Draft, type EditorState } from './draft';
import { saveDraft, savePlan } from './save-draft';

type Status = { kind: 'ok' | 'error'; title: string; lines?: string[] };

/** Name, save (a rename when the name changed), duplicate, rename, delete, import and export. */
export function PresetActions(props: {
  api: StudioApi;
  presets: PresetEntry[];
  state: EditorState;
  /** The draft as the schema reads it; Save and Export need it valid. */
  valid?: Preset;
  dirty: boolean;
  onEdit(change: (d: Draft) => Draft): void;
  onState(state: EditorState): void;
  onSaved?(id: string): void;
  /** Runs a step that replaces the draft once unsaved changes are saved or discarded (or never). */
  confirmLeave(then: () => void, to: string): void;
}) {
  const { api, presets, state, valid, dirty, onEdit, onState } = props;
  const { draft, base } = state;
  const [status, setStatus] = useState<Status>();
  const [busy, setBusy] = useState(false);

  const builtInIds = new Set(presets.filter((p) => p.builtIn).map((p) => p.id));
  const plan = savePlan(state, presets, valid, dirty);
  const { blocked, replaceId, renames, overwrites } = plan;

  const run = async (title: string, action: () => Promise<void>) => {
    setBusy(true);
    setStatus(undefined);
    try {
      await action();
    } catch (e) {
      setStatus({ kind: 'error', title, lines: [messageOf(e)] });
    } finally {
      setBusy(false);
    }
  };

  const save = () =>
    run('Could not save the preset', async () => {
      if (!valid) return;
      const entry = await saveDraft(api, plan, valid);
      onState({ draft: entry.preset, base: entry });
      setStatus({
        kind: 'ok',
        title: renames ? `Renamed ${replaceId} → ${entry.id} and saved` : `Saved ${entry.id}`,
      });
      props.onSaved?.(entry.id);
    });

  const importFile = async (file: File | null) => {
    if (!file) return;
    setStatus(undefined);
    let json: unknown;
    try {
      json = JSON.parse(await readText(file));
    } catch (e) {
      setStatus({ kind: 'error', title: `${file.name} is not JSON`, lines: [messageOf(e)] });
      return;
    }
    const parsed = parsePreset(json);
    if (!parsed.ok) {
      setStatus({ kind: 'error', title: `${file.name} is not a valid preset`, lines: parsed.issues });
      return;
    }
    props.confirmLeave(() => {
      onState({ draft: parsed.preset });
      setStatus({ kind: 'ok', title: `Imported "${parsed.preset.name}" (not saved yet)` });
    }, `import "${parsed.preset.name}"`);
  };

  const exportJson = () => {
    if (!valid) return;
    const blob = new Blob([`${JSON.stringify(valid, null, 2)}\n`], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = `${valid.id}.json`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  };

  return (
    <Stack gap={6}>
      <Group gap="xs" align="flex-end" wrap="wrap">
        <TextInput
          size="xs"
          label="Name"
          aria-label="Preset name"
          w={260}
          value={draft.name}
          onChange={(e) => {
            const name = e.currentTarget.value;
            onEdit((d) => ({ ...d, name, id: presetIdFromName(name) }));
          }}
        />
        <Stack gap={2}>
          <Text size="xs" c="dimmed">
            id
          </Text>
          <Code data-testid="preset-id">{draft.id || '—'}</Code>
        </Stack>
        <Group gap={4}>
          {base?.builtIn && (
            <Badge color="gray" variant="light">
              built-in · read-only
            </Badge>
          )}
          {!base && (
            <Badge color="yellow" variant="light">
              unsaved
            </Badge>
          )}
          {!base && state.forkedFrom && (
            <Tooltip label="Built-in presets are read-only: your edits went into this unsaved copy. Name it and save it as your own.">
              <Badge color="blue" variant="light" tt="none" data-testid="fork-notice">
                copy of {state.forkedFrom}
              </Badge>
            </Tooltip>
          )}
          {base && !base.builtIn && dirty && (
            <Badge color="yellow" variant="light">
              modified
            </Badge>
          )}
          {valid ? (
            <Badge color="green" variant="light">
              valid
            </Badge>
          ) : (
            <Badge color="red" variant="light">
              invalid
            </Badge>
          )}
        </Group>
        <Group gap={6} ml="auto">
          <Tooltip
            label={
              blocked ??
              (renames
                ? `Renames ${replaceId} to ${draft.id}`
                : overwrites
                  ? `Replaces your preset ${overwrites.id}`
                  : replaceId
                    ? `Saves over ${replaceId}`
                    : 'Save as a user preset')
            }
          >
            <span>
              <Button size="xs" onClick={save} disabled={!!blocked || busy} loading={busy}>
                Save preset
              </Button>
            </span>
          </Tooltip>
          <Button
            size="xs"
            variant="default"
            onClick={() => {
              onState({
                draft: { ...structuredClone(draft), id: `${draft.id}-copy`, name: `${draft.name} (copy)` },
              });
              setStatus(undefined);
            }}
          >
            Duplicate
          </Button>
          {base && !base.builtIn && (
            <RenameButton
              base={base}
              builtInIds={builtInIds}
              onRename={(name) =>
                run('Could not rename the preset', async () => {
                  const id = presetIdFromName(name);
                  const entry = await api.savePreset({
                    preset: { ...base.preset, name, id },
                    replaceId: base.id,
                  });
                  onState({ draft: { ...draft, name: entry.name, id: entry.id }, base: entry });
                  setStatus({ kind: 'ok', title: `Renamed to ${entry.name}` });
                  props.onSaved?.(entry.id);
                })
              }
            />
          )}
          {base && !base.builtIn && (
            <DeleteButton
              name={base.name}
              onDelete={() =>
                run('Could not delete the preset', async () => {
                  await api.deletePreset({ id: base.id });
                  onState({ draft });
                  setStatus({ kind: 'ok', title: `Deleted ${base.id}; the editor keeps an unsaved copy` });
                })
              }
            />
          )}
          <FileButton onChange={(file) => void importFile(file)} accept="application/json,.json">
            {(p) => (
              <Button size="xs" variant="default" {...p}>
                Import JSON
              </Button>
            )}
          </FileButton>
          <Button size="xs" variant="default" onClick={exportJson} disabled={!valid}>
            Export JSON
          </Button>
        </Group>
      </Group>
      {overwrites && (
        <Text size="xs" c="orange">
          Saving replaces your preset “{overwrites.name}” (same id).
        </Text>
      )}
      {status && (
        <Alert
          color={status.kind === 'ok' ? 'green' : 'red'}
          title={status.title}
          withCloseButton
          onClose={() => setStatus(undefined)}
          p="xs"
          data-testid={status.kind === 'ok' ? 'preset-status' : 'preset-action-error'}
        >
          {status.lines && (
            <List size="xs">
              {status.lines.map((line) => (
                <List.Item key={line}>{line}</List.Item>
              ))}
            </List>
          )}
        </Alert>
      )}
    </Stack>
  );
}

function RenameButton(props: { base: PresetEntry; builtInIds: Set<string>; onRename(name: string): void }) {
  const [opened, setOpened] = useState(false);
  const [name, setName] = useState(props.base.name);
  const id = presetIdFromName(name);
  const problem = !id ? 'Enter a name' : props.builtInIds.has(id) ? 'That is a built-in preset' : undefined;
  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" withArrow trapFocus>
      <Popover.Target>
        <Button
          size="xs"
          variant="default"
          onClick={() => {
            setName(props.base.name);
            setOpened((o) => !o);
          }}
        >
          Rename
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap={6} w={240}>
          <TextInput
            size="xs"
            label="New name"
            value={name}
            error={problem}
            description={id ? `id: ${id}` : undefined}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <Button
            size="xs"
            disabled={!!problem || name === props.base.name}
            onClick={() => {
              setOpened(false);
              props.onRename(name);
            }}
          >
            Rename preset
          </Button>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}

function DeleteButton(props: { name: string; onDelete(): void }) {
  const [opened, setOpened] = useState(false);
  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" withArrow>
      <Popover.Target>
        <Button size="xs" variant="light" color="red" onClick={() => setOpened((o) => !o)}>
          Delete
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap={6}>
          <Text size="xs">Delete the preset “{props.name}”? This cannot be undone.</Text>
          <Button
            size="xs"
            color="red"
            onClick={() => {
              setOpened(false);
              props.onDelete();
            }}
          >
            Delete preset
          </Button>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}

/** A picked file's text (FileReader: what every browser engine, and jsdom, has). */
function readText(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error(`could not read ${file.name}`));
    reader.readAsText(file);
  });
}
