import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  CopyButton,
  Group,
  Progress,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { FARM_FINAL_STATES, FARM_UPLOADING, type FarmJobView } from '../../../../src/common/api/farm-api';
import type { StudioApi } from '../../../../src/common/api/studio-api';
import { useAction } from '../../state/use-action';
import { duration } from '../format';

/**
 * BullMQ's states, and the studio's own `uploading`, `cancelled` and `removed`; any other state shows
 * in gray.
 */
const STATE_COLORS: Record<string, string> = {
  [FARM_UPLOADING]: 'grape',
  waiting: 'gray',
  prioritized: 'gray',
  delayed: 'yellow',
  active: 'blue',
  'waiting-children': 'cyan',
  completed: 'green',
  failed: 'red',
  cancelled: 'orange',
  removed: 'gray',
};

const STATE_HINTS: Record<string, string> = {
  [FARM_UPLOADING]: 'the source goes to the farm’s input bucket; the job is sent once it is there',
  waiting: 'waiting for a worker',
  delayed: 'waiting to be tried again',
  'waiting-children': 'waiting for its parts (chunks) to finish',
  removed: 'no longer in the farm’s queue',
};

/** The jobs sent to farms, below the local queue: state, progress, attempts, outcome; cancel and retry. */
export function FarmJobsTable({ api, jobs }: { api: StudioApi; jobs: FarmJobView[] }) {
  if (jobs.length === 0) return null;
  return (
    <Stack gap="xs" data-testid="farm-jobs">
      <Title order={5}>Sent to farms</Title>
      <Table striped aria-label="Farm jobs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>File</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th miw={160}>Progress</Table.Th>
            <Table.Th>Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {jobs.map((job) => (
            <FarmJobRow key={job.id} api={api} job={job} />
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function FarmJobRow({ api, job }: { api: StudioApi; job: FarmJobView }) {
  const action = useAction<'cancel' | 'retry' | 'remove'>();
  const final = FARM_FINAL_STATES.includes(job.state);
  // A job removed before it ran is gone from the farm: nothing there to run again.
  const retryable = (job.state === 'failed' || job.state === 'cancelled') && job.attemptsMade > 0;
  return (
    <Table.Tr data-testid="farm-job-row" data-state={job.state} data-id={job.id}>
      <Table.Td>
        <Text fw={500}>{job.fileName}</Text>
        <Text size="xs" c="dimmed">
          on {job.farm} · job {job.id}
        </Text>
        {job.playbackUrl && (
          <Group gap={4} wrap="nowrap">
            <Anchor
              href={job.playbackUrl}
              target="_blank"
              rel="noreferrer"
              size="xs"
              data-testid="farm-playback-url"
            >
              {job.playbackUrl}
            </Anchor>
            <CopyButton value={job.playbackUrl}>
              {({ copied, copy }) => (
                <Button size="compact-xs" variant="subtle" onClick={copy}>
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              )}
            </CopyButton>
          </Group>
        )}
        {job.failedReason && (
          <Text size="sm" c="red" data-testid="farm-failed-reason">
            {job.failedReason}
          </Text>
        )}
        {job.problem && (
          <Text size="xs" c="orange" data-testid="farm-problem">
            {job.problem}
          </Text>
        )}
        {action.error && (
          <Text size="xs" c="red" data-testid="farm-action-error">
            {action.error}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Badge
          color={STATE_COLORS[job.state] ?? 'gray'}
          data-testid="farm-job-state"
          title={STATE_HINTS[job.state]}
        >
          {job.state}
        </Badge>
        <Text size="xs" c="dimmed" data-testid="farm-attempts">
          {attemptsText(job)}
        </Text>
      </Table.Td>
      <Table.Td>
        <FarmProgress job={job} />
      </Table.Td>
      <Table.Td>
        <Group gap={4} wrap="nowrap">
          {!final && (
            <Button
              size="compact-sm"
              color="orange"
              variant="light"
              loading={action.pending === 'cancel'}
              onClick={() => void action.run('cancel', () => api.cancelFarmJob({ id: job.id }))}
            >
              Cancel
            </Button>
          )}
          {retryable && (
            <Button
              size="compact-sm"
              variant="light"
              loading={action.pending === 'retry'}
              onClick={() => void action.run('retry', () => api.retryFarmJob({ id: job.id }))}
            >
              Retry
            </Button>
          )}
          {final && (
            <ActionIcon
              variant="subtle"
              color="red"
              aria-label="Remove from the list"
              onClick={() => void action.run('remove', () => api.removeFarmJob({ id: job.id }))}
            >
              ✕
            </ActionIcon>
          )}
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

function attemptsText(job: FarmJobView): string {
  // BullMQ counts an attempt once it ends: the running one is the next.
  const current = job.state === 'active' ? job.attemptsMade + 1 : job.attemptsMade;
  if (job.state === FARM_UPLOADING) return 'not sent yet';
  return current === 0
    ? `not run yet · up to ${job.attempts} attempts`
    : `attempt ${current} of ${job.attempts}`;
}

function FarmProgress({ job }: { job: FarmJobView }) {
  const ratio = job.progress?.ratio;
  if (ratio === undefined || job.state === 'removed')
    return (
      <Text size="xs" c="dimmed">
        {STATE_HINTS[job.state] ?? ''}
      </Text>
    );
  const percent = Math.round(ratio * 100);
  const moving = job.state === 'active' || job.state === FARM_UPLOADING;
  const eta =
    job.state === 'active' && job.progress?.etaSec !== undefined
      ? ` · ETA ${duration(job.progress.etaSec)}`
      : '';
  return (
    <Stack gap={2}>
      <Progress value={percent} color={STATE_COLORS[job.state] ?? 'blue'} animated={moving} />
      <Text size="xs" c="dimmed" data-testid="farm-progress">
        {percent}%{moving && job.progress?.phase ? ` · ${job.progress.phase}` : ''}
        {eta}
      </Text>
    </Stack>
  );
}
