import {
  ActionIcon,
  Group,
  NumberInput,
  Select,
  Text,
  Title,
  Tooltip,
  useComputedColorScheme,
  useMantineColorScheme,
} from '@mantine/core';
import { MAX_CONCURRENCY, type PresetEntry } from '../../../src/common/api/studio-api';
import type { NoticeState } from './queue-notice';

const NOTICE_HINTS: Record<Exclude<NoticeState, 'unsupported'>, string> = {
  off: 'Notify me when the queue finishes',
  on: 'Notifying when the queue finishes (click to stop)',
  denied: 'Notifications are blocked for this page in the browser’s site settings',
};

/** A whole number of jobs at once within 1..MAX_CONCURRENCY, or undefined for text that is not one. */
export function jobsAtOnce(value: string | number): number | undefined {
  const n = typeof value === 'number' ? value : Number(value);
  if (value === '' || !Number.isFinite(n)) return undefined;
  return Math.min(MAX_CONCURRENCY, Math.max(1, Math.round(n)));
}

/**
 * The bar above every tab: the preset new files get, how many encode at once, the finished-queue
 * notification and the colour theme. Each control has a visible label.
 */
export function AppHeader({
  presets,
  presetId,
  onPreset,
  concurrency,
  onConcurrency,
  notice,
}: {
  presets: PresetEntry[];
  presetId: string;
  onPreset: (id: string) => void;
  concurrency: number;
  onConcurrency: (jobs: number) => void;
  /** The browser's notification when the queue finishes (none on the desktop: it has its own). */
  notice?: { state: NoticeState; toggle: () => void };
}) {
  const { toggleColorScheme } = useMantineColorScheme();
  // The scheme on screen: with "auto" (the default) that is the system's, which may be dark.
  const colorScheme = useComputedColorScheme('light');
  return (
    <Group h="100%" px="md" justify="space-between" wrap="nowrap" data-testid="app-header">
      <Title order={3} style={{ whiteSpace: 'nowrap' }}>
        HLS Studio
      </Title>
      <Group gap="md" wrap="nowrap">
        <Group gap={6} wrap="nowrap">
          <Text component="label" htmlFor="header-preset" size="sm" fw={500}>
            Preset
          </Text>
          <Select
            id="header-preset"
            data={presets.map((p) => ({ value: p.id, label: p.builtIn ? p.name : `${p.name} (mine)` }))}
            value={presetId}
            onChange={(v) => v && onPreset(v)}
            allowDeselect={false}
            w={{ base: 240, lg: 280 }}
          />
        </Group>
        <Group gap={6} wrap="nowrap">
          <Text component="label" htmlFor="header-jobs" size="sm" fw={500} style={{ whiteSpace: 'nowrap' }}>
            Jobs at once
          </Text>
          <Tooltip label={`How many files encode at the same time (1 to ${MAX_CONCURRENCY})`}>
            <NumberInput
              id="header-jobs"
              min={1}
              max={MAX_CONCURRENCY}
              clampBehavior="strict"
              allowDecimal={false}
              allowNegative={false}
              value={concurrency}
              w={70}
              onChange={(v) => {
                const jobs = jobsAtOnce(v);
                if (jobs !== undefined && jobs !== concurrency) onConcurrency(jobs);
              }}
            />
          </Tooltip>
        </Group>
        {notice && notice.state !== 'unsupported' && (
          <Tooltip label={NOTICE_HINTS[notice.state]}>
            <ActionIcon
              variant={notice.state === 'on' ? 'filled' : 'default'}
              size="lg"
              aria-label={NOTICE_HINTS[notice.state]}
              aria-pressed={notice.state === 'on'}
              disabled={notice.state === 'denied'}
              onClick={notice.toggle}
              data-testid="queue-notice-toggle"
            >
              <BellIcon off={notice.state !== 'on'} />
            </ActionIcon>
          </Tooltip>
        )}
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
  );
}

/** A bell, struck through when off (drawn: emoji fonts are missing on many Linux desktops). */
function BellIcon({ off }: { off: boolean }) {
  return (
    <svg
      width="18"
      height="18"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      aria-hidden
    >
      <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
      <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
      {off && <path d="M3 3l18 18" />}
    </svg>
  );
}
