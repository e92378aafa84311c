import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import type { JobView } from '../../../src/common/api/studio-api';
import type { StudioClient } from '../api/studio-client';
import { useIntake } from '../state/use-intake';
import type { QueueState } from '../state/use-jobs';
import { DropZone } from './drop-zone';
import { JobQueue, type JobPanel } from './job-queue';

/**
 * The drop zone and the queue, with the files on their way in between them. Upload ticks re-render
 * this part of the page only (not the preset editor kept mounted beside it).
 */
export function QueueIntake(props: {
  client: StudioClient;
  jobs: JobView[];
  summary?: QueueState['summary'];
  presetId: string;
  presetNames: Record<string, string>;
  concurrency: number;
  selected?: string;
  onSelect: (id: string, view: JobPanel) => void;
  onRemoving?: (ids: string[]) => void;
}) {
  const { client, jobs, summary } = props;
  const intake = useIntake(client, jobs, props.presetId);
  return (
    <Stack>
      <DropZone onFiles={intake.add} />
      {intake.duplicate && (
        <Alert
          color="yellow"
          title="Already in the queue"
          withCloseButton
          onClose={intake.dismissDuplicates}
          data-testid="duplicate-warning"
        >
          <Text size="sm" mb="xs">
            {intake.duplicate.names.join(', ')} {intake.duplicate.names.length === 1 ? 'was' : 'were'} added
            already: encoding again makes a second package of the same file.
          </Text>
          <Group gap="xs">
            <Button size="compact-sm" variant="light" color="yellow" onClick={intake.addDuplicates}>
              Add again
            </Button>
            <Button size="compact-sm" variant="subtle" onClick={intake.dismissDuplicates}>
              Don't add
            </Button>
          </Group>
        </Alert>
      )}
      {summary && jobs.length > 0 && (
        <Alert color={summary.failed ? 'orange' : 'green'} role="status" data-testid="queue-summary">
          Queue finished: {summary.done} done, {summary.failed} failed, {summary.cancelled} cancelled.
        </Alert>
      )}
      <JobQueue
        api={client.api}
        jobs={jobs}
        intake={intake.rows}
        onDismissIntake={intake.dismiss}
        presetNames={props.presetNames}
        concurrency={props.concurrency}
        selected={props.selected}
        onSelect={props.onSelect}
        {...(client.packageAction ? { packageAction: client.packageAction } : {})}
        {...(props.onRemoving ? { onRemoving: props.onRemoving } : {})}
      />
    </Stack>
  );
}
