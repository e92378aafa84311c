import { Alert, Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { FarmTestReport, FarmView } from '../../../../src/common/api/farm-api';
import type { StudioApi, TargetView } from '../../../../src/common/api/studio-api';
import { useAction } from '../../state/use-action';
import { FarmForm } from './farm-form';

/**
 * Farms: BullMQ queues on Redis that `hls-studio worker` processes pull encode jobs from. Add, edit,
 * check the connection, remove; the queue view then offers "Send to farm" on each job.
 */
export function FarmsPanel({
  api,
  farms,
  targets,
  error,
}: {
  api: StudioApi;
  farms: FarmView[];
  targets: TargetView[];
  error?: string;
}) {
  const [form, setForm] = useState<{ editing?: FarmView }>();
  return (
    <Stack data-testid="farms-panel">
      <Group justify="space-between">
        <Title order={4}>Farms</Title>
        <Button onClick={() => setForm({})} disabled={form !== undefined && !form.editing}>
          Add farm
        </Button>
      </Group>
      {error && (
        <Alert color="red" title="Could not load the farms">
          {error}
        </Alert>
      )}
      {form && (
        <Paper withBorder p="md">
          <Title order={5} mb="sm">
            {form.editing ? `Edit ${form.editing.name}` : 'New farm'}
          </Title>
          <FarmForm
            key={form.editing?.name ?? '(new)'}
            api={api}
            targets={targets}
            {...(form.editing ? { editing: form.editing } : {})}
            onSaved={() => setForm(undefined)}
            onCancel={() => setForm(undefined)}
          />
        </Paper>
      )}
      {farms.length === 0 && !form && (
        <Text c="dimmed" size="sm">
          No farms yet. A farm is a Redis queue that machines running <code>hls-studio worker</code> take
          encode jobs from: add one to send jobs there from the queue.
        </Text>
      )}
      {farms.map((farm) => (
        <FarmRow key={farm.name} api={api} farm={farm} onEdit={() => setForm({ editing: farm })} />
      ))}
    </Stack>
  );
}

function FarmRow({ api, farm, onEdit }: { api: StudioApi; farm: FarmView; onEdit: () => void }) {
  const action = useAction<'test' | 'remove'>();
  const [report, setReport] = useState<FarmTestReport>();
  const output = 'url' in farm.out ? farm.out.url : `target ${farm.out.target}`;
  return (
    <Paper withBorder p="md" data-testid="farm-row" data-name={farm.name}>
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Group gap="xs">
            <Text fw={600}>{farm.name}</Text>
            <Badge variant="light" color="grape">
              BullMQ
            </Badge>
          </Group>
          <Text size="sm" data-testid="farm-redis-url">
            {farm.redisUrl} · queue {farm.queueName}
          </Text>
          <Text size="sm" c="dimmed">
            Publishes to {output}
          </Text>
          {!farm.sourceProblem && (
            <Text size="sm" c="dimmed" data-testid="farm-local-files">
              {localFilesText(farm)}
            </Text>
          )}
          {farm.sourceProblem && (
            <Text size="sm" c="orange" data-testid="farm-source-problem">
              {farm.sourceProblem}
            </Text>
          )}
        </Stack>
        <Group gap="xs">
          <Button
            size="compact-sm"
            variant="light"
            loading={action.pending === 'test'}
            onClick={() =>
              void action.run('test', async () => {
                setReport(undefined);
                setReport(await api.testFarm({ name: farm.name }));
              })
            }
          >
            Check connection
          </Button>
          <Button size="compact-sm" variant="default" onClick={onEdit}>
            Edit
          </Button>
          <Button
            size="compact-sm"
            variant="subtle"
            color="red"
            loading={action.pending === 'remove'}
            onClick={() => void action.run('remove', () => api.removeFarm({ name: farm.name }))}
          >
            Remove
          </Button>
        </Group>
      </Group>
      {report && (
        <Alert
          mt="sm"
          color={report.ok ? 'green' : 'red'}
          title={
            report.ok ? `Farm reachable (${(report.elapsedMs / 1000).toFixed(1)} s)` : 'Farm check failed'
          }
          data-testid="farm-test-report"
          data-ok={report.ok}
        >
          {report.message}
        </Alert>
      )}
      {action.error && (
        <Alert mt="sm" color="red" data-testid="farm-row-error">
          {action.error}
        </Alert>
      )}
    </Paper>
  );
}

/** How files from this computer reach the farm's workers. */
function localFilesText(farm: FarmView): string {
  const folder = farm.sharedFolder && `copied to the shared folder ${farm.sharedFolder}`;
  if (!farm.inputBucket) return `Files from this computer: ${folder}`;
  const target = farm.inputBucket.target ?? ('target' in farm.out ? farm.out.target : undefined);
  const upload = `uploaded to ${farm.inputBucket.url}${target ? ` (with target ${target})` : ''}`;
  return folder
    ? `Files from this computer: ${upload}; files already in ${farm.sharedFolder} are sent as they are`
    : `Files from this computer: ${upload}`;
}
