import { Button, Group, Select, Stack, Switch, Text } from '@mantine/core';
import { useState } from 'react';
import type { JobResult } from '../../../../src/common/api/studio-api';
import { NETWORK_PROFILES, networkProfile } from '../../../../src/common/lab/network-profiles';
import { summarise } from './lab-record';
import { LabFacts, LabSummaryTable } from './lab-summary';
import { LabTimeline } from './lab-timeline';
import { usePlaybackLab } from './use-playback-lab';
import './lab.css';

/**
 * The playback lab: the finished package played by a player of its own through a network the package
 * server simulates (a real throttle on the bytes), with the run drawn as it goes and summed up at the end.
 * Browser mode only: the desktop app's package protocol has no throttle.
 */
export function PlaybackLab({ result }: { result?: JobResult }) {
  const [open, setOpen] = useState(false);
  // Served by this very server (`/packages/<job>/`): the lab route throttles those files.
  const playlist = result?.baseUrl.startsWith('/') ? result.baseUrl + result.multivariantPlaylist : undefined;
  if (!playlist) return null;
  return (
    <Stack gap="xs" data-testid="playback-lab-section">
      <Switch
        label="Playback lab: watch under a simulated network"
        checked={open}
        onChange={(e) => setOpen(e.currentTarget.checked)}
      />
      {open && <Lab playlist={playlist} />}
    </Stack>
  );
}

function Lab({ playlist }: { playlist: string }) {
  const [profileId, setProfileId] = useState('3g');
  const lab = usePlaybackLab(playlist);
  const { record, levels } = lab;
  const profile = networkProfile(record?.profileId ?? profileId) ?? NETWORK_PROFILES[0]!;
  const played =
    record?.samples.filter((s) => s.level >= 0 && s.sec >= (record.startupSec ?? Infinity)) ?? [];
  return (
    <Stack
      gap="sm"
      data-testid="playback-lab"
      data-state={lab.running ? 'running' : record ? 'done' : 'idle'}
      data-levels-played={levelChanges(played.map((s) => s.level)).join(',')}
    >
      <Group align="flex-end">
        <Select
          label="Network"
          aria-label="Network profile"
          data={NETWORK_PROFILES.map((p) => ({ value: p.id, label: p.label }))}
          value={profileId}
          onChange={(v) => v && setProfileId(v)}
          allowDeselect={false}
          data-testid="lab-profile"
          w={380}
        />
        <Button onClick={() => lab.start(profileId)}>{record ? 'Start again' : 'Start'}</Button>
        <Button variant="default" onClick={lab.stop} disabled={!lab.running}>
          Stop
        </Button>
      </Group>
      {lab.error && (
        <Text size="sm" c="red" data-testid="lab-error">
          Playback stopped: {lab.error}
        </Text>
      )}
      <div className="lab-row">
        <video ref={lab.video} muted playsInline className="lab-video" data-testid="lab-video" />
        {record ? (
          <LabTimeline record={record} rungs={levels} profile={profile} />
        ) : (
          <Text size="sm" c="dimmed">
            Pick a network and press Start: the package plays from the start through it.
          </Text>
        )}
      </div>
      {record && <LabFacts record={record} />}
      {record && !lab.running && <LabSummaryTable summary={summarise(record, levels)} rungs={levels} />}
    </Stack>
  );
}

/** 0,0,1,1,2,1 → 0,1,2,1: the rungs in the order they played. */
function levelChanges(levels: number[]): number[] {
  return levels.filter((level, i) => i === 0 || level !== levels[i - 1]);
}
