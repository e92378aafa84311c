import { ActionIcon, Badge, Button, Code, Collapse, Group, Progress, Table, Text } from '@mantine/core';
import { JobBadges } from './history-badges';
import { useState } from 'react';
import type { JobStatus, JobView, StudioApi } from '../../../src/common/api/studio-api';
import { duration } from './format';

const STATUS_COLORS: Record<JobStatus, string> = {
  queued: 'gray',
  probing: 'blue',
  encoding: 'blue',
  packaging: 'cyan',
  done: 'green',
  failed: 'red',
  cancelled: 'orange',
};

export type JobPanel = 'inspect' | 'preview' | 'report' | 'publish';
type View = JobPanel;

/** One row per file: source facts, status, progress, and what can be done with it. */
export function JobQueue(props: {
  api: StudioApi;
  jobs: JobView[];
  selected?: string;
  onSelect: (id: string, view: View) => void;
}) {
  const { jobs } = props;
  if (jobs.length === 0) return null;
  return (
    <Table striped highlightOnHover aria-label="Job queue" data-testid="job-queue">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>File</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th w="35%">Progress</Table.Th>
          <Table.Th>Actions</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {jobs.map((job, index) => (
          <JobRow key={job.id} {...props} job={job} index={index} count={jobs.length} />
        ))}
      </Table.Tbody>
    </Table>
  );
}

function JobRow({
  job,
  index,
  count,
  api,
  selected,
  onSelect,
}: {
  job: JobView;
  index: number;
  count: number;
  api: StudioApi;
  selected?: string;
  onSelect: (id: string, view: View) => void;
}) {
  const [details, setDetails] = useState(false);
  const running = job.status === 'probing' || job.status === 'encoding' || job.status === 'packaging';
  const v = job.source?.video;
  const facts = job.source
    ? [
        v ? `${v.codec} ${v.displayWidth}x${v.displayHeight}` : 'audio only',
        v ? `${(v.frameRate.num / v.frameRate.den).toFixed(2)} fps` : undefined,
        job.source.durationSec ? duration(job.source.durationSec) : undefined,
      ]
        .filter(Boolean)
        .join(' · ')
    : undefined;
  const p = job.progress;
  const progressText = p
    ? [
        `${Math.floor(p.ratio * 100)}%`,
        p.fps !== undefined ? `${Math.round(p.fps)} fps` : undefined,
        p.speed !== undefined ? `${p.speed.toFixed(1)}x` : undefined,
        p.etaSec !== undefined && running ? `ETA ${duration(p.etaSec)}` : undefined,
      ]
        .filter(Boolean)
        .join(' · ')
    : '';
  return (
    <Table.Tr
      data-testid="job-row"
      data-status={job.status}
      bg={selected === job.id ? 'var(--mantine-color-indigo-light)' : undefined}
    >
      <Table.Td>
        <Text fw={500} onClick={() => onSelect(job.id, 'inspect')} style={{ cursor: 'pointer' }}>
          {job.fileName}
        </Text>
        {facts && (
          <Text size="xs" c="dimmed">
            {facts}
          </Text>
        )}
        {job.error && (
          <>
            <Text size="sm" c="red" data-testid="job-error">
              {job.error.message}
            </Text>
            {job.error.detail && (
              <>
                <Button variant="subtle" size="compact-xs" onClick={() => setDetails((d) => !d)}>
                  {details ? 'Hide details' : 'Details'}
                </Button>
                <Collapse expanded={details}>
                  <Code block>{job.error.detail}</Code>
                </Collapse>
              </>
            )}
          </>
        )}
      </Table.Td>
      <Table.Td>
        <Group gap={4}>
          <Badge color={STATUS_COLORS[job.status]} data-testid="job-status">
            {job.status}
          </Badge>
          <JobBadges job={job} />
        </Group>
      </Table.Td>
      <Table.Td>
        {p && (
          <>
            <Progress value={p.ratio * 100} animated={running} aria-label={`Progress of ${job.fileName}`} />
            <Text size="xs" c="dimmed" data-testid="job-progress">
              {progressText}
            </Text>
          </>
        )}
      </Table.Td>
      <Table.Td>
        <Group gap={4} wrap="nowrap">
          {job.live && (
            <Button size="compact-sm" variant="light" onClick={() => onSelect(job.id, 'preview')}>
              Preview
            </Button>
          )}
          {job.status === 'done' && (
            <>
              <Button size="compact-sm" onClick={() => onSelect(job.id, 'preview')}>
                Preview
              </Button>
              <Button
                size="compact-sm"
                variant="light"
                color={job.result?.validation.valid ? 'green' : 'red'}
                onClick={() => onSelect(job.id, 'report')}
              >
                {job.result?.validation.valid ? 'Valid' : 'Invalid'}
              </Button>
              <Button size="compact-sm" variant="light" onClick={() => onSelect(job.id, 'publish')}>
                Publish…
              </Button>
            </>
          )}
          {(running || job.status === 'queued') && (
            <Button
              size="compact-sm"
              color="orange"
              variant="light"
              onClick={() => void api.cancelJob({ id: job.id })}
            >
              Cancel
            </Button>
          )}
          {(job.status === 'failed' || job.status === 'cancelled') && (
            <Button size="compact-sm" variant="light" onClick={() => void api.retryJob({ id: job.id })}>
              Retry
            </Button>
          )}
          <ActionIcon
            variant="subtle"
            aria-label="Move up"
            disabled={index === 0}
            onClick={() => void api.moveJob({ id: job.id, toIndex: index - 1 })}
          >
            ↑
          </ActionIcon>
          <ActionIcon
            variant="subtle"
            aria-label="Move down"
            disabled={index === count - 1}
            onClick={() => void api.moveJob({ id: job.id, toIndex: index + 1 })}
          >
            ↓
          </ActionIcon>
          <ActionIcon
            variant="subtle"
            color="red"
            aria-label="Remove"
            onClick={() => void api.removeJob({ id: job.id })}
          >
            ✕
          </ActionIcon>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}
