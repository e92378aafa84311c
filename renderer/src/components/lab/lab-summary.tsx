import { Group, Table, Text } from '@mantine/core';
import { bitrate } from '../format';
import { rungName, type Rung } from '../preview/rung-label';
import { EMPTY_BUFFER_SEC, type LabRecord, type LabSummary, type Stall } from './lab-record';

/** Startup time, hls.js's estimate (now and its lowest since startup) and the stalls so far. */
export function LabFacts({ record }: { record: LabRecord }) {
  const estimates = record.samples
    .filter((s) => s.sec >= (record.startupSec ?? Infinity))
    .map((s) => s.bandwidthEstimate);
  return (
    <Group gap="lg" data-testid="lab-facts">
      {estimates.length > 0 && (
        <Text
          size="sm"
          data-testid="lab-estimate"
          data-now={estimates.at(-1)}
          data-lowest={Math.min(...estimates)}
        >
          Estimate: {bitrate(estimates.at(-1)!)} (lowest {bitrate(Math.min(...estimates))})
        </Text>
      )}
      <Text size="sm" data-testid="lab-startup">
        Startup: {record.startupSec === undefined ? '…' : `${record.startupSec.toFixed(2)} s`}
      </Text>
      <Text
        size="sm"
        data-testid="lab-stalls"
        data-count={record.stalls.length}
        data-empty-buffer-count={record.stalls.filter((s) => s.bufferSec < EMPTY_BUFFER_SEC).length}
      >
        Stalls:{' '}
        {record.stalls.length === 0
          ? 'none'
          : record.stalls
              .map(
                (s) =>
                  `at ${s.atSec.toFixed(1)} s for ${s.durationSec === undefined ? '…' : `${s.durationSec.toFixed(1)} s`} (${stallCause(s)})`,
              )
              .join(', ')}
      </Text>
    </Group>
  );
}

/** Whether the network starved the player or it had media it could not play in time. */
function stallCause(stall: Stall): string {
  return stall.bufferSec < EMPTY_BUFFER_SEC ? 'buffer empty' : `${stall.bufferSec.toFixed(1)} s buffered`;
}

/** The end of a run: what the viewer got on average, how long on each rung, and the stalls. */
export function LabSummaryTable({ summary, rungs }: { summary: LabSummary; rungs: Rung[] }) {
  const played = summary.secondsOnRung.reduce((a, b) => a + b, 0);
  return (
    <div data-testid="lab-summary">
      <Text size="sm" fw={600}>
        Delivered on average {bitrate(summary.averageBitrate)}; startup{' '}
        {summary.startupSec === undefined ? 'never' : `${summary.startupSec.toFixed(2)} s`};{' '}
        {summary.stallCount === 0
          ? 'no stalls'
          : `${summary.stallCount} stall(s), ${summary.stallSec.toFixed(1)} s in all, ${summary.emptyBufferStalls} with the buffer empty`}
      </Text>
      <Table withTableBorder={false} verticalSpacing={2} fz="sm" maw={520}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Rung</Table.Th>
            <Table.Th>Time on it</Table.Th>
            <Table.Th>Share</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rungs.map((rung, i) => (
            <Table.Tr
              key={i}
              data-testid="lab-rung-time"
              data-rung={i + 1}
              data-sec={summary.secondsOnRung[i]!.toFixed(1)}
            >
              <Table.Td>
                {rungName(i)} · {rung.width}x{rung.height} · {bitrate(rung.bitrate)}
              </Table.Td>
              <Table.Td>{summary.secondsOnRung[i]!.toFixed(1)} s</Table.Td>
              <Table.Td>{played > 0 ? Math.round((100 * summary.secondsOnRung[i]!) / played) : 0}%</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </div>
  );
}
