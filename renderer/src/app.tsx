import {
  ActionIcon,
  Alert,
  AppShell,
  Group,
  NumberInput,
  Select,
  Stack,
  Title,
  Tooltip,
  useMantineColorScheme,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import type { PresetSummary } from '../../src/common/api/studio-api';
import { ApiError } from './api/http-studio-api';
import type { StudioClient } from './api/studio-client';
import { DropZone } from './components/drop-zone';
import { JobQueue } from './components/job-queue';
import { PackagePreview } from './components/package-preview';
import { SourceInspector } from './components/source-inspector';
import { ValidationReport } from './components/validation-report';
import { useJobs } from './state/use-jobs';

export function App({ client }: { client: StudioClient }) {
  const { api } = client;
  const { jobs, summary } = useJobs(api);
  const [presets, setPresets] = useState<PresetSummary[]>([]);
  const [presetId, setPresetId] = useState('web-compact');
  const [selected, setSelected] = useState<string>();
  const [view, setView] = useState<'inspect' | 'preview' | 'report'>('inspect');
  const [error, setError] = useState<string>();
  const { colorScheme, toggleColorScheme } = useMantineColorScheme();

  useEffect(() => {
    void api.listPresets().then(setPresets);
  }, [api]);

  const addFiles = async (files: File[]) => {
    setError(undefined);
    try {
      const paths = await client.toPaths(files);
      await api.addJobs({ paths, presetId });
    } catch (e) {
      setError(e instanceof ApiError ? e.data.message : String(e));
    }
  };
  const job = jobs.find((j) => j.id === selected);

  return (
    <AppShell header={{ height: 56 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Title order={3}>HLS Studio</Title>
          <Group>
            <Select
              aria-label="Preset"
              data={presets.map((p) => ({ value: p.id, label: p.name }))}
              value={presetId}
              onChange={(v) => v && setPresetId(v)}
              allowDeselect={false}
              w={300}
            />
            <NumberInput
              aria-label="Jobs at once"
              min={1}
              max={8}
              defaultValue={1}
              w={90}
              onChange={(v) => typeof v === 'number' && void api.setConcurrency({ jobs: v })}
            />
            <Tooltip label={`Switch to ${colorScheme === 'dark' ? 'light' : 'dark'} theme`}>
              <ActionIcon
                variant="default"
                size="lg"
                aria-label="Toggle colour theme"
                onClick={toggleColorScheme}
              >
                {colorScheme === 'dark' ? '☀' : '☾'}
              </ActionIcon>
            </Tooltip>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Main>
        <Stack>
          <DropZone onFiles={addFiles} />
          {error && (
            <Alert
              color="red"
              title="Could not add the files"
              withCloseButton
              onClose={() => setError(undefined)}
            >
              {error}
            </Alert>
          )}
          {summary && jobs.length > 0 && (
            <Alert color={summary.failed ? 'orange' : 'green'} role="status" data-testid="queue-summary">
              Queue finished: {summary.done} done, {summary.failed} failed, {summary.cancelled} cancelled.
            </Alert>
          )}
          <JobQueue
            api={api}
            jobs={jobs}
            selected={selected}
            onSelect={(id, v) => {
              setSelected(id);
              setView(v);
            }}
          />
          {job && view === 'inspect' && <SourceInspector job={job} />}
          {job?.result && view === 'preview' && <PackagePreview key={job.id} result={job.result} />}
          {job?.result && view === 'report' && <ValidationReport report={job.result.validation} />}
        </Stack>
      </AppShell.Main>
    </AppShell>
  );
}
