import {
  ActionIcon,
  Badge,
  Box,
  Button,
  Code,
  Collapse,
  CopyButton,
  Group,
  Paper,
  Progress,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { useEffect, useState, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import {
  retryCanHelp,
  type JobStatus,
  type JobView,
  type StudioApi,
} from '../../../src/common/api/studio-api';
import type { PackageAction } from '../api/studio-client';
import { messageOf } from '../state/use-action';
import type { IntakeRow } from '../state/use-intake';
import { useRemovals, type PendingRemoval } from '../state/use-removals';
import { SendToFarmButton } from './farm/send-to-farm';
import { bitrate, bytes, duration } from './format';
import { JobBadges } from './history-badges';
import './job-queue.css';
import { elapsedSec, packagingStep, plainError, queueEtaSec } from './job-row-text';

const STATUS_COLORS: Record<JobStatus, string> = {
  queued: 'gray',
  probing: 'blue',
  encoding: 'blue',
  packaging: 'cyan',
  done: 'green',
  failed: 'red',
  cancelled: 'orange',
};

const RUNNING: readonly JobStatus[] = ['probing', 'encoding', 'packaging'];
const FINISHED: readonly JobStatus[] = ['done', 'failed', 'cancelled'];

export type JobPanel = 'inspect' | 'preview' | 'report' | 'publish';
type View = JobPanel;

export interface JobQueueProps {
  api: StudioApi;
  jobs: JobView[];
  selected?: string;
  onSelect: (id: string, view: View) => void;
  /** Dropped files not in the queue yet: checking, uploading, or refused. */
  intake?: IntakeRow[];
  onDismissIntake?: (key: string) => void;
  /** Preset id → its name, for the rows. */
  presetNames?: Record<string, string>;
  /** Jobs at once, for the queue's ETA. */
  concurrency?: number;
  /** How long a removal can be undone. */
  undoMs?: number;
  /** Rows were removed (hidden at once, undoable for a while): a panel showing one of them should close. */
  onRemoving?: (ids: string[]) => void;
  /** A done row's package: "Show in folder" on the desktop, "Download .zip" in a browser. */
  packageAction?: PackageAction;
}

/** A clock for elapsed times and ETAs, ticking only while something runs. */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}

/**
 * One row per file, from the moment it is dropped: thumbnail, source facts, preset, status, progress,
 * elapsed time and output; the queue's ETA, "Clear finished", and removals that can be undone.
 */
export function JobQueue(props: JobQueueProps) {
  const { api, jobs, intake = [], concurrency = 1 } = props;
  const removals = useRemovals(api, props.undoMs);
  const remove = (removed: JobView[]) => {
    removals.remove(removed);
    props.onRemoving?.(removed.map((j) => j.id));
  };
  const shown = jobs.filter((j) => !removals.hidden.has(j.id));
  const now = useNow(shown.some((j) => RUNNING.includes(j.status)));
  const finished = shown.filter((j) => FINISHED.includes(j.status) && j.publish?.status !== 'publishing');
  if (shown.length === 0 && intake.length === 0 && !removals.pending) return null;
  return (
    <Stack gap="xs" className="job-queue">
      {shown.length > 0 && (
        <Group justify="space-between" wrap="wrap">
          <QueueSummary jobs={shown} concurrency={concurrency} now={now} />
          <Button
            size="compact-sm"
            variant="default"
            disabled={finished.length === 0}
            onClick={() => remove(finished)}
          >
            Clear finished
          </Button>
        </Group>
      )}
      {(shown.length > 0 || intake.length > 0) && (
        <Table striped highlightOnHover aria-label="Job queue" data-testid="job-queue">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>File</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th miw={160}>Progress</Table.Th>
              <Table.Th>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((job, index) => (
              <JobRow
                key={job.id}
                {...props}
                job={job}
                index={index}
                count={shown.length}
                now={now}
                onRemove={() => remove([job])}
              />
            ))}
            {intake.map((row) => (
              <IntakeRowView key={row.key} row={row} onDismiss={() => props.onDismissIntake?.(row.key)} />
            ))}
          </Table.Tbody>
        </Table>
      )}
      {removals.pending && <UndoNotice pending={removals.pending} onUndo={removals.undo} />}
    </Stack>
  );
}

function QueueSummary({ jobs, concurrency, now }: { jobs: JobView[]; concurrency: number; now: number }) {
  const running = jobs.filter((j) => RUNNING.includes(j.status)).length;
  const queued = jobs.filter((j) => j.status === 'queued').length;
  const eta = queueEtaSec(jobs, concurrency, now);
  const parts = [
    `${jobs.length} ${jobs.length === 1 ? 'job' : 'jobs'}`,
    running ? `${running} running` : undefined,
    queued ? `${queued} waiting` : undefined,
    running || queued
      ? eta === undefined
        ? 'queue ETA: estimating…'
        : `queue ETA ${duration(eta)}`
      : undefined,
  ];
  return (
    <Text size="sm" c="dimmed" data-testid="queue-eta">
      {parts.filter(Boolean).join(' · ')}
    </Text>
  );
}

function UndoNotice({ pending, onUndo }: { pending: PendingRemoval; onUndo: () => void }) {
  const [only] = pending.jobs;
  const kept = pending.jobs.filter((j) => j.status === 'done');
  const what = pending.jobs.length === 1 && only ? only.fileName : `${pending.jobs.length} jobs`;
  const disk =
    kept.length === 0
      ? ''
      : kept.length === 1 && kept[0]!.result?.packageDir
        ? ` Its package stays on disk in ${kept[0]!.result.packageDir}.`
        : kept.length === 1
          ? ' Its package stays on disk.'
          : ' Their packages stay on disk.';
  return (
    <Paper className="undo-notice" shadow="md" withBorder p="sm" role="status" data-testid="undo-notice">
      <Group gap="sm" wrap="nowrap">
        <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
          Removed {what} from the queue.{disk}
        </Text>
        <Button size="compact-sm" variant="light" onClick={onUndo}>
          Undo
        </Button>
      </Group>
    </Paper>
  );
}

/** Clicks on the row open the inspector; clicks on its own buttons and texts to select do not. */
const isControl = (target: EventTarget) =>
  target instanceof Element && target.closest('button, a, input, pre, [role="button"]') !== null;

function JobRow({
  job,
  index,
  count,
  api,
  selected,
  onSelect,
  presetNames,
  now,
  onRemove,
  packageAction,
}: JobQueueProps & {
  job: JobView;
  index: number;
  count: number;
  now: number;
  onRemove: () => void;
}) {
  const [details, setDetails] = useState(false);
  const running = RUNNING.includes(job.status);
  const v = job.source?.video;
  const facts = [
    job.source && (v ? `${v.codec} ${v.displayWidth}x${v.displayHeight}` : 'audio only'),
    v ? `${(v.frameRate.num / v.frameRate.den).toFixed(2)} fps` : undefined,
    job.source?.durationSec ? duration(job.source.durationSec) : undefined,
    presetNames?.[job.presetId] ?? job.presetId,
  ]
    .filter(Boolean)
    .join(' · ');
  const error = job.error && plainError(job.error, job.fileName);
  const result = job.status === 'done' ? job.result : undefined;
  const hasDetails = Boolean(error?.detail || result);
  const open = () => onSelect(job.id, 'inspect');
  return (
    <Table.Tr
      className="job-row"
      data-testid="job-row"
      data-status={job.status}
      tabIndex={0}
      aria-label={`${job.fileName}, ${job.status}: Enter opens the source inspector`}
      aria-selected={selected === job.id}
      onClick={(e: MouseEvent) => !isControl(e.target) && open()}
      onKeyDown={(e: KeyboardEvent) => {
        if (e.target === e.currentTarget && (e.key === 'Enter' || e.key === ' ')) {
          e.preventDefault();
          open();
        }
      }}
    >
      <Table.Td>
        <Group gap="sm" wrap="nowrap" align="flex-start">
          {result?.poster ? (
            <img
              className="job-thumb"
              src={`${result.baseUrl}${result.poster}`}
              alt=""
              data-testid="job-thumb"
            />
          ) : (
            <Box className="job-thumb" />
          )}
          <Box miw={0}>
            <Text fw={500} className="job-name" title="Open the source inspector (click the row, or Enter)">
              {job.fileName}
            </Text>
            <Text size="xs" c="dimmed" data-testid="job-facts">
              {facts}
            </Text>
            {result && (
              <Text size="xs" c="dimmed" data-testid="job-output">
                {result.variants.length} {result.variants.length === 1 ? 'rung' : 'rungs'} ·{' '}
                {bytes(result.sizeBytes)}
              </Text>
            )}
            {error && (
              <Text size="sm" c="red" data-testid="job-error">
                {error.headline}
              </Text>
            )}
            {hasDetails && (
              <>
                <Button
                  variant="subtle"
                  size="compact-xs"
                  px={0}
                  aria-expanded={details}
                  onClick={() => setDetails((d) => !d)}
                >
                  {details ? 'Hide details' : 'Details'}
                </Button>
                <Collapse expanded={details}>
                  {result && <PackageDetails job={job} />}
                  {error?.detail && (
                    <Code block className="job-detail" data-testid="job-detail">
                      {error.detail}
                    </Code>
                  )}
                </Collapse>
              </>
            )}
          </Box>
        </Group>
      </Table.Td>
      <Table.Td>
        <Group gap={4}>
          <Badge className="job-status" color={STATUS_COLORS[job.status]} data-testid="job-status">
            {job.status}
          </Badge>
          <JobBadges job={job} />
        </Group>
      </Table.Td>
      <Table.Td>
        <JobProgressCell job={job} now={now} />
      </Table.Td>
      <Table.Td>
        <Group gap={4} className="job-actions">
          {job.live && (
            <Button size="compact-sm" variant="light" onClick={() => onSelect(job.id, 'preview')}>
              Preview
            </Button>
          )}
          {job.status === 'done' && (
            <Group gap={4} wrap="nowrap">
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
              {packageAction && <PackageButton action={packageAction} job={job} />}
            </Group>
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
          {((job.status === 'failed' && retryCanHelp(job.error)) || job.status === 'cancelled') && (
            <Button size="compact-sm" variant="light" onClick={() => void api.retryJob({ id: job.id })}>
              Retry
            </Button>
          )}
          <SendToFarmButton job={job} />
          <Group gap={4} wrap="nowrap">
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
            <ActionIcon variant="subtle" color="red" aria-label="Remove" onClick={onRemove}>
              ✕
            </ActionIcon>
          </Group>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

/** The package of a done job, where this face can reach it: its folder, or a .zip download. */
function PackageButton({ action, job }: { action: PackageAction; job: JobView }) {
  const [error, setError] = useState<string>();
  if (action.kind === 'download')
    return (
      <Button
        size="compact-sm"
        variant="default"
        component="a"
        href={action.href(job.id)}
        download
        title={`Download the package of ${job.fileName} as one .zip`}
      >
        Download .zip
      </Button>
    );
  return (
    <>
      <Button
        size="compact-sm"
        variant="default"
        onClick={() => {
          setError(undefined);
          action.show(job.id).catch((e: unknown) => setError(messageOf(e)));
        }}
      >
        Show in folder
      </Button>
      {error && (
        <Text size="xs" c="red" role="alert">
          {error}
        </Text>
      )}
    </>
  );
}

function JobProgressCell({ job, now }: { job: JobView; now: number }) {
  const p = job.progress;
  const spent = elapsedSec(job, now);
  const elapsed = spent !== undefined && (
    <Text size="xs" c="dimmed" data-testid="job-elapsed">
      {job.status === 'done' ? `took ${duration(spent)}` : `${duration(spent)} elapsed`}
    </Text>
  );
  let body: ReactNode = null;
  if (job.status === 'queued')
    body = (
      <Text size="xs" c="dimmed">
        waiting for a free slot
      </Text>
    );
  else if (job.status === 'probing')
    body = (
      <Text size="xs" c="dimmed">
        reading the source…
      </Text>
    );
  else if (job.status === 'packaging') {
    // The encode is over; only the comparison with the source has a percentage of its own.
    const step = packagingStep(p);
    body = (
      <>
        <Progress
          value={step.percent ?? 100}
          striped={step.percent === undefined}
          animated
          aria-label={`Packaging ${job.fileName}`}
        />
        <Text size="xs" c="dimmed" data-testid="job-progress">
          {step.text}…
        </Text>
      </>
    );
  } else if (job.status === 'encoding' && p)
    body = (
      <>
        <Progress value={p.ratio * 100} animated aria-label={`Progress of ${job.fileName}`} />
        <Text size="xs" c="dimmed" data-testid="job-progress">
          {[
            `${Math.floor(p.ratio * 100)}%`,
            p.fps !== undefined ? `${Math.round(p.fps)} fps` : undefined,
            p.speed !== undefined ? `${p.speed.toFixed(1)}x` : undefined,
            p.etaSec !== undefined ? `ETA ${duration(p.etaSec)}` : undefined,
          ]
            .filter(Boolean)
            .join(' · ')}
        </Text>
      </>
    );
  else if (job.status === 'done' && job.result)
    body = (
      <Text size="xs" data-testid="job-progress">
        {bytes(job.result.sizeBytes)}
      </Text>
    );
  return (
    <>
      {body}
      {elapsed}
    </>
  );
}

/** A done row's details: where the package is, and what each rung weighs. */
function PackageDetails({ job }: { job: JobView }) {
  const result = job.result!;
  return (
    <Stack gap={4} mt={4} data-testid="job-package">
      {result.packageDir && (
        <Group gap={4} align="flex-start">
          <Text size="xs" style={{ overflowWrap: 'anywhere' }} data-testid="job-package-dir">
            Package folder: {result.packageDir}
          </Text>
          <CopyButton value={result.packageDir}>
            {({ copied, copy }) => (
              <Button size="compact-xs" variant="light" onClick={copy}>
                {copied ? 'Copied' : 'Copy path'}
              </Button>
            )}
          </CopyButton>
        </Group>
      )}
      {result.variants.map((variant) => {
        const size = result.rungSizes?.[variant.uri];
        return (
          <Text size="xs" c="dimmed" key={variant.uri} data-testid="job-rung">
            {[
              variant.height ? `${variant.height}p` : variant.uri,
              bitrate(variant.averageBandwidth),
              size !== undefined ? bytes(size) : undefined,
            ]
              .filter(Boolean)
              .join(' · ')}
          </Text>
        );
      })}
    </Stack>
  );
}

const INTAKE_TEXT: Record<IntakeRow['state'], string> = {
  waiting: 'waiting to upload',
  uploading: 'uploading',
  adding: 'adding to the queue',
  failed: 'refused',
};

/** A dropped file before it is a job: its upload, or why it was refused. */
function IntakeRowView({ row, onDismiss }: { row: IntakeRow; onDismiss: () => void }) {
  const percent = row.sizeBytes ? Math.floor((row.sentBytes / row.sizeBytes) * 100) : 0;
  const failed = row.state === 'failed';
  return (
    <Table.Tr data-testid="job-row" data-status={failed ? 'failed' : 'uploading'} data-intake={row.state}>
      <Table.Td>
        <Group gap="sm" wrap="nowrap" align="flex-start">
          <Box className="job-thumb" />
          <Box miw={0}>
            <Text fw={500} className="job-name">
              {row.fileName}
            </Text>
            <Text size="xs" c="dimmed">
              {bytes(row.sizeBytes)}
            </Text>
            {row.error && (
              <Text size="sm" c="red" data-testid="job-error">
                {row.error.message}
              </Text>
            )}
          </Box>
        </Group>
      </Table.Td>
      <Table.Td>
        <Badge
          className="job-status"
          color={failed ? 'red' : 'blue'}
          variant="light"
          data-testid="job-status"
        >
          {failed && retryCanHelp(row.error) ? 'upload failed' : INTAKE_TEXT[row.state]}
        </Badge>
      </Table.Td>
      <Table.Td>
        {!failed && (
          <>
            <Progress value={percent} animated aria-label={`Upload of ${row.fileName}`} />
            <Text size="xs" c="dimmed" data-testid="upload-progress">
              {`${percent}% uploaded · ${bytes(row.sentBytes)} of ${bytes(row.sizeBytes)}`}
              {row.state === 'waiting' && ' · after the files before it'}
            </Text>
          </>
        )}
      </Table.Td>
      <Table.Td>
        {failed ? (
          <Button size="compact-sm" variant="subtle" onClick={onDismiss}>
            Dismiss
          </Button>
        ) : (
          <Button size="compact-sm" color="orange" variant="light" onClick={onDismiss}>
            Cancel upload
          </Button>
        )}
      </Table.Td>
    </Table.Tr>
  );
}
