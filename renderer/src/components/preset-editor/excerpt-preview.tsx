import { Alert, Badge, Box, Button, Group, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import type { JobResult, JobView, StudioApi } from '../../../../src/common/api/studio-api';
import type { Preset } from '../../../../src/common/presets/preset-schema';
import { PackagePreview } from '../package-preview';
import { messageOf } from '../../state/use-action';
import { errorCode, samePreset } from './draft';
import { RunProgress } from './run-progress';

type Run =
  | { state: 'idle' }
  | { state: 'encoding'; ratio?: number }
  | { state: 'done'; result: JobResult; preset: Preset; attempt: number }
  | { state: 'failed'; message: string }
  | { state: 'cancelled' };

/**
 * Try before you encode: a 10 s excerpt of the selected job's source with the preset as it is now (saved
 * or not), outside the queue, played back with the package preview.
 */
export function ExcerptPreview(props: { api: StudioApi; sourceJob?: JobView; preset?: Preset }) {
  const { api, sourceJob, preset } = props;
  const [run, setRun] = useState<Run>({ state: 'idle' });
  // A newer attempt (or unmounting) makes the answer of an older one stale.
  const attempt = useRef(0);

  useEffect(() => {
    const unsubscribe = api.onEvent((event) => {
      if (event.type !== 'excerpt' || event.state !== 'encoding') return;
      setRun((r) => (r.state === 'encoding' ? { state: 'encoding', ratio: event.ratio } : r));
    });
    return () => {
      unsubscribe();
      attempt.current++;
    };
  }, [api]);

  const canTry = !!sourceJob?.source && !!preset && run.state !== 'encoding';
  const reason = !sourceJob?.source
    ? 'Select a job whose source has been probed'
    : !preset
      ? 'The preset is not valid'
      : undefined;

  const start = async () => {
    if (!sourceJob || !preset) return;
    const mine = ++attempt.current;
    setRun({ state: 'encoding' });
    try {
      const result = await api.encodeExcerpt({ jobId: sourceJob.id, preset });
      if (mine === attempt.current) setRun({ state: 'done', result, preset, attempt: mine });
    } catch (e) {
      if (mine !== attempt.current) return;
      setRun(
        errorCode(e) === 'CANCELLED' ? { state: 'cancelled' } : { state: 'failed', message: messageOf(e) },
      );
    }
  };

  return (
    <Stack gap="xs">
      <Group gap="sm">
        <Button size="xs" onClick={() => void start()} disabled={!canTry} title={reason}>
          Try 10 s excerpt
        </Button>
        {run.state === 'encoding' && (
          <Button
            size="xs"
            variant="default"
            color="red"
            onClick={() => void api.cancelExcerpt({}).catch(() => undefined)}
          >
            Cancel
          </Button>
        )}
        <Text size="xs" c="dimmed">
          {sourceJob?.source ? `from ${sourceJob.fileName}` : reason}
        </Text>
        {run.state === 'done' && preset && !samePreset(run.preset, preset) && (
          <Badge size="sm" color="yellow" variant="light">
            preset changed since this excerpt
          </Badge>
        )}
      </Group>
      {run.state === 'encoding' && (
        <RunProgress ratio={run.ratio} label="Excerpt progress" testId="excerpt-progress" />
      )}
      {run.state === 'failed' && (
        <Alert color="red" title="The excerpt failed" p="xs" data-testid="excerpt-error">
          {run.message}
        </Alert>
      )}
      {run.state === 'cancelled' && (
        <Text size="xs" c="dimmed">
          Excerpt cancelled.
        </Text>
      )}
      {run.state === 'done' && (
        <Box data-testid="excerpt-preview">
          {/* Keyed by attempt: a new excerpt may come back under the same URL and must load afresh. */}
          <PackagePreview key={run.attempt} result={run.result} />
        </Box>
      )}
    </Stack>
  );
}
