import { Badge, Button, Tooltip } from '@mantine/core';
import { useState } from 'react';
import type { PresetEntry, StudioApi } from '../../../../src/common/api/studio-api';
import { messageOf } from '../../state/use-action';

/**
 * Makes the saved preset the one new jobs use: the back end's default preset, the same setting as the
 * header's picker (`setDefaultPreset`), so dropped files and the header follow.
 */
export function UseForNewJobs(props: {
  api: StudioApi;
  /** The saved preset the draft comes from; undefined while unsaved. */
  base?: PresetEntry;
  dirty: boolean;
  defaultPresetId?: string;
  onError(message: string): void;
}) {
  const { api, base, dirty, defaultPresetId } = props;
  const [busy, setBusy] = useState(false);
  if (base && !dirty && base.id === defaultPresetId)
    return (
      <Tooltip label="New jobs (dropped or added files) are encoded with this preset">
        <Badge color="teal" variant="light" tt="none" data-testid="used-for-new-jobs">
          ✓ used for new jobs
        </Badge>
      </Tooltip>
    );
  const blocked = !base
    ? 'Save the preset first: new jobs use saved presets'
    : dirty
      ? 'Save your changes first: new jobs use the saved preset'
      : undefined;
  return (
    <Tooltip label={blocked ?? `New jobs will be encoded with “${base!.name}”`}>
      <span>
        <Button
          size="xs"
          variant="default"
          disabled={blocked !== undefined || busy}
          loading={busy}
          onClick={() => {
            if (!base) return;
            setBusy(true);
            api
              .setDefaultPreset({ id: base.id })
              .catch((e: unknown) => props.onError(messageOf(e)))
              .finally(() => setBusy(false));
          }}
        >
          Use for new jobs
        </Button>
      </span>
    </Tooltip>
  );
}
