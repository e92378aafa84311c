import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { messageOf } from '../../state/use-action';

/**
 * Asked before a step would replace a draft with unsaved changes (switching preset, importing one):
 * Save then go on, Discard and go on, or Cancel and keep editing. Leaving the Presets tab needs no
 * question: the editor stays mounted with its draft, and the draft survives a reload (draft-store.ts);
 * closing the browser tab is asked by the page's beforeunload (preset-editor.tsx).
 */
export function LeaveDialog(props: {
  /** What the user is about to do, e.g. `open "Apple HLS H.264"`. */
  to: string;
  name: string;
  /** Why Save cannot run (invalid draft, a built-in's id); Save is off then. */
  saveBlocked?: string;
  onSave(): Promise<void>;
  onDiscard(): void;
  onCancel(): void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  return (
    <Modal
      opened
      onClose={props.onCancel}
      title="Unsaved changes"
      size="md"
      centered
      data-testid="leave-dialog"
    >
      <Stack gap="sm">
        <Text size="sm">
          “{props.name}” has changes that are not saved. Save them before you {props.to}?
        </Text>
        {props.saveBlocked && (
          <Text size="xs" c="dimmed">
            Cannot save yet: {props.saveBlocked}
          </Text>
        )}
        {error && (
          <Alert color="red" p="xs" title="Could not save the preset">
            {error}
          </Alert>
        )}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" size="xs" onClick={props.onCancel} data-autofocus>
            Cancel
          </Button>
          <Button variant="light" color="red" size="xs" onClick={props.onDiscard}>
            Discard changes
          </Button>
          <Button
            size="xs"
            loading={busy}
            disabled={props.saveBlocked !== undefined}
            onClick={() => {
              setBusy(true);
              setError(undefined);
              props.onSave().catch((e: unknown) => {
                setError(messageOf(e));
                setBusy(false);
              });
            }}
          >
            Save
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
