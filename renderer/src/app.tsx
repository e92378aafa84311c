import { Alert, AppShell, Stack, Tabs, Text } from '@mantine/core';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { StudioApi } from '../../src/common/api/studio-api';
import type { StudioClient } from './api/studio-client';
import { AppHeader } from './components/app-header';
import { FarmJobsTable } from './components/farm/farm-jobs-table';
import { FarmsPanel } from './components/farm/farms-panel';
import { FarmContext } from './components/farm/send-to-farm';
import { useFarms } from './components/farm/use-farms';
import { type JobPanel } from './components/job-queue';
import { PackagePreview } from './components/package-preview';
import { PanelBoundary } from './components/panel-boundary';
import { PresetEditor } from './components/preset-editor/preset-editor';
import { PublishPanel } from './components/publish/publish-panel';
import { QueueIntake } from './components/queue-intake';
import { useQueueNotice } from './components/queue-notice';
import { useQueueTitle } from './components/queue-title';
import { SourceInspector } from './components/source-inspector';
import { TargetsPanel } from './components/targets/targets-panel';
import { ValidationReport } from './components/validation-report';
import { WatchFoldersPanel } from './components/watch/watch-folders-panel';
import { messageOf } from './state/use-action';
import { useJobs } from './state/use-jobs';
import { useStudioLists } from './state/use-studio-lists';

const JOB_PANEL_NAMES: Record<JobPanel, string> = {
  inspect: 'Source inspector',
  preview: 'Preview',
  report: 'Validation report',
  publish: 'Publish',
};

/** The event stream's state as the transport reports it: undefined while connected. */
function useConnection(api: StudioApi): 'lost' | 'refused' | undefined {
  const [state, setState] = useState<'lost' | 'refused'>();
  useEffect(
    () =>
      api.onEvent((event) => {
        if (event.type !== 'connection') return;
        // Nothing brings a refused page back but opening it again: later news does not hide that.
        setState((s) => (s === 'refused' ? s : event.state === 'restored' ? undefined : event.state));
      }),
    [api],
  );
  return state;
}

export function App({ client }: { client: StudioClient }) {
  const { api } = client;
  const { jobs, summary } = useJobs(api);
  const { presets, targets, watchFolders, settings, reload } = useStudioLists(api);
  const farm = useFarms(api);
  const farmContext = useMemo(() => ({ api, farms: farm.farms }), [api, farm.farms]);
  const [tab, setTab] = useState<string | null>('queue');
  const [selected, setSelected] = useState<string>();
  const [view, setView] = useState<JobPanel>('inspect');
  const [settingError, setSettingError] = useState<string>();
  const connection = useConnection(api);
  const presetPanel = useRef<HTMLDivElement>(null);
  const notice = useQueueNotice(summary);
  useQueueTitle(jobs);
  const presetId = settings?.defaultPresetId ?? 'web-compact';

  const presetNames = useMemo(() => Object.fromEntries(presets.map((p) => [p.id, p.name])), [presets]);
  const selectJob = useCallback((id: string, v: JobPanel) => {
    setSelected(id);
    setView(v);
  }, []);
  const changeSetting = async (change: () => Promise<void>) => {
    setSettingError(undefined);
    try {
      await change();
    } catch (e) {
      setSettingError(messageOf(e));
    }
  };
  // The editor stays mounted (hidden) to keep its draft: an excerpt playing in it must not play on unseen.
  useEffect(() => {
    if (tab === 'presets') return;
    presetPanel.current?.querySelectorAll('video').forEach((video) => video.pause());
  }, [tab]);
  const job = jobs.find((j) => j.id === selected);
  // The editor's excerpt comes from the selected job, else the newest one that has been probed.
  const sourceJob = job?.source ? job : [...jobs].reverse().find((j) => j.source);

  return (
    <AppShell header={{ height: 60 }} padding="md">
      <AppShell.Header>
        <AppHeader
          presets={presets}
          presetId={presetId}
          onPreset={(id) => void changeSetting(() => api.setDefaultPreset({ id }))}
          concurrency={settings?.concurrency ?? 1}
          onConcurrency={(jobs) => void changeSetting(() => api.setConcurrency({ jobs }))}
          {...(client.face === 'browser' ? { notice } : {})}
        />
      </AppShell.Header>
      <AppShell.Main>
        {connection === 'lost' && (
          <Alert color="yellow" mb="md" role="status" data-testid="connection-lost">
            Reconnecting to the server…
            {client.face === 'browser' && (
              <Text size="xs" c="dimmed">
                If hls-studio serve was restarted, it printed a new address: open that one.
              </Text>
            )}
          </Alert>
        )}
        {connection === 'refused' && (
          <Alert color="red" mb="md" role="alert" data-testid="connection-refused">
            The server restarted with a new address: open the address it printed (hls-studio serve)
          </Alert>
        )}
        {settingError && (
          <Alert
            color="red"
            mb="md"
            title="Could not change the setting"
            withCloseButton
            onClose={() => setSettingError(undefined)}
            data-testid="setting-error"
          >
            {settingError}
          </Alert>
        )}
        {/* Panels unmount when left (video players stop), except the preset editor, which keeps its
            unsaved draft: hidden with display: none, not React's Activity, whose effect cleanup would
            drop an excerpt that is still encoding. */}
        <Tabs value={tab} onChange={setTab} keepMounted={false} keepMountedMode="display-none">
          <Tabs.List mb="md">
            <Tabs.Tab value="queue">Queue</Tabs.Tab>
            <Tabs.Tab value="presets">Presets</Tabs.Tab>
            <Tabs.Tab value="targets">Publish targets</Tabs.Tab>
            <Tabs.Tab value="watch">Watch folders</Tabs.Tab>
            <Tabs.Tab value="farms">Farms</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="queue">
            <PanelBoundary name="Queue">
              <Stack>
                <FarmContext.Provider value={farmContext}>
                  <QueueIntake
                    client={client}
                    jobs={jobs}
                    summary={summary}
                    presetId={presetId}
                    presetNames={presetNames}
                    concurrency={settings?.concurrency ?? 1}
                    selected={selected}
                    onSelect={selectJob}
                    onRemoving={(ids) => setSelected((s) => (s && ids.includes(s) ? undefined : s))}
                  />
                </FarmContext.Provider>
                <FarmJobsTable api={api} jobs={farm.jobs} />
                {/* Keyed by job and view: picking another one gives the panel a fresh start. */}
                {job && (
                  <PanelBoundary key={`${job.id}/${view}`} name={JOB_PANEL_NAMES[view]}>
                    {view === 'inspect' && <SourceInspector job={job} />}
                    {view === 'preview' && (job.result || job.live) && (
                      <PackagePreview key={job.id} result={job.result} live={job.live} />
                    )}
                    {job.result && view === 'report' && <ValidationReport report={job.result.validation} />}
                    {job.result && view === 'publish' && (
                      <PublishPanel key={job.id} api={api} job={job} targets={targets} />
                    )}
                  </PanelBoundary>
                )}
              </Stack>
            </PanelBoundary>
          </Tabs.Panel>
          <Tabs.Panel value="presets" keepMounted ref={presetPanel}>
            <PanelBoundary
              name="Preset editor"
              note="Your unsaved ladder is kept: reloading this panel, or the page, brings it back."
            >
              <PresetEditor
                api={api}
                presets={presets}
                sourceJob={sourceJob}
                targets={targets.map((t) => t.name)}
                onSaved={() => reload('presets')}
              />
            </PanelBoundary>
          </Tabs.Panel>
          <Tabs.Panel value="targets">
            <PanelBoundary name="Publish targets">
              <TargetsPanel
                api={api}
                targets={targets}
                settings={settings}
                onChanged={() => reload('targets')}
              />
            </PanelBoundary>
          </Tabs.Panel>
          <Tabs.Panel value="farms">
            <PanelBoundary name="Farms">
              <FarmsPanel
                api={api}
                farms={farm.farms}
                targets={targets}
                {...(farm.error ? { error: farm.error } : {})}
              />
            </PanelBoundary>
          </Tabs.Panel>
          <Tabs.Panel value="watch">
            <PanelBoundary name="Watch folders">
              <WatchFoldersPanel
                api={api}
                watchFolders={watchFolders}
                jobs={jobs}
                presets={presets}
                targets={targets}
                face={client.face}
                defaultPresetId={presetId}
                onChanged={() => reload('watch')}
                {...(client.pickFolder ? { pickFolder: client.pickFolder } : {})}
              />
            </PanelBoundary>
          </Tabs.Panel>
        </Tabs>
      </AppShell.Main>
    </AppShell>
  );
}
