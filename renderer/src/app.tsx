import {
  ActionIcon,
  Alert,
  AppShell,
  Group,
  NumberInput,
  Select,
  Stack,
  Tabs,
  Title,
  Tooltip,
  useMantineColorScheme,
} from '@mantine/core';
import { useState } from 'react';
import { ApiError } from './api/http-studio-api';
import type { StudioClient } from './api/studio-client';
import { DropZone } from './components/drop-zone';
import { JobQueue, type JobPanel } from './components/job-queue';
import { PackagePreview } from './components/package-preview';
import { PresetEditor } from './components/preset-editor/preset-editor';
import { PublishPanel } from './components/publish/publish-panel';
import { SourceInspector } from './components/source-inspector';
import { TargetsPanel } from './components/targets/targets-panel';
import { ValidationReport } from './components/validation-report';
import { WatchFoldersPanel } from './components/watch/watch-folders-panel';
import { useJobs } from './state/use-jobs';
import { useStudioLists } from './state/use-studio-lists';

export function App({ client }: { client: StudioClient }) {
  const { api } = client;
  const { jobs, summary } = useJobs(api);
  const { presets, targets, watchFolders, settings, reload } = useStudioLists(api);
  const [tab, setTab] = useState<string | null>('queue');
  const [selected, setSelected] = useState<string>();
  const [view, setView] = useState<JobPanel>('inspect');
  const [error, setError] = useState<string>();
  const { colorScheme, toggleColorScheme } = useMantineColorScheme();
  const presetId = settings?.defaultPresetId ?? 'web-compact';

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
  // The editor's excerpt comes from the selected job, else the newest one that has been probed.
  const sourceJob = job?.source ? job : [...jobs].reverse().find((j) => j.source);

  return (
    <AppShell header={{ height: 56 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Title order={3}>HLS Studio</Title>
          <Group>
            <Select
              aria-label="Preset"
              data={presets.map((p) => ({ value: p.id, label: p.builtIn ? p.name : `${p.name} (mine)` }))}
              value={presetId}
              onChange={(v) => v && void api.setDefaultPreset({ id: v })}
              allowDeselect={false}
              w={300}
            />
            <NumberInput
              aria-label="Jobs at once"
              min={1}
              max={8}
              value={settings?.concurrency ?? 1}
              w={90}
              onChange={(v) => typeof v === 'number' && v >= 1 && void api.setConcurrency({ jobs: v })}
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
        <Tabs value={tab} onChange={setTab} keepMounted={false}>
          <Tabs.List mb="md">
            <Tabs.Tab value="queue">Queue</Tabs.Tab>
            <Tabs.Tab value="presets">Presets</Tabs.Tab>
            <Tabs.Tab value="targets">Publish targets</Tabs.Tab>
            <Tabs.Tab value="watch">Watch folders</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="queue">
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
              {job?.result && view === 'publish' && (
                <PublishPanel key={job.id} api={api} job={job} targets={targets} />
              )}
            </Stack>
          </Tabs.Panel>
          <Tabs.Panel value="presets">
            <PresetEditor
              api={api}
              presets={presets}
              sourceJob={sourceJob}
              onSaved={() => reload('presets')}
            />
          </Tabs.Panel>
          <Tabs.Panel value="targets">
            <TargetsPanel
              api={api}
              targets={targets}
              settings={settings}
              onChanged={() => reload('targets')}
            />
          </Tabs.Panel>
          <Tabs.Panel value="watch">
            <WatchFoldersPanel
              api={api}
              watchFolders={watchFolders}
              presets={presets}
              targets={targets}
              face={client.face}
              defaultPresetId={presetId}
              onChanged={() => reload('watch')}
            />
          </Tabs.Panel>
        </Tabs>
      </AppShell.Main>
    </AppShell>
  );
}
