import { ActionIcon, Badge, Group, Table, Text, Tooltip } from '@mantine/core';
import type { LadderAnalysis, RungStep } from '../../../../src/common/presets/ladder-analysis';
import { BPP_BAND } from '../../../../src/common/presets/ladder-analysis';
import type { Rung, VideoCodec } from '../../../../src/common/presets/preset-schema';
import { NumberField } from './number-field';

/** Tight and wide steps are notes (ladder-analysis.ts): marked in blue, never in a warning's orange. */
const STEP_COLORS: Record<RungStep['status'], string> = { tight: 'blue', ok: 'gray', gap: 'blue' };

/** One row per rung, in preset order: the numbers a user types, and what the analysis makes of them. */
export function RungTable(props: {
  rungs: Rung[];
  analysis: LadderAnalysis;
  codec: VideoCodec;
  /** The schema's issues by field ("rungs[0].height"), to mark the cells they name. */
  issues?: ReadonlyMap<string, string>;
  selected?: number;
  onSelect(index: number): void;
  onChange(index: number, rung: Rung): void;
  onRemove(index: number): void;
}) {
  const { rungs, analysis, codec, issues, selected, onSelect, onChange, onRemove } = props;
  // The step up from the next lower rung by bit rate, shown on the upper rung's row.
  const stepInto = new Map(analysis.spacing.map((s) => [s.upper, s]));
  // Problems (never notes) beside the rungs they name: an inversion is fixed on its own row.
  const problemsOf = (i: number) =>
    analysis.notes.filter((n) => n.severity === 'problem' && n.rungs?.includes(i));
  const band = BPP_BAND[codec];
  return (
    <Table
      striped
      highlightOnHover
      withTableBorder
      verticalSpacing={4}
      horizontalSpacing="xs"
      fz="sm"
      aria-label="Rungs"
    >
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={52}>#</Table.Th>
          <Table.Th>Width</Table.Th>
          <Table.Th>Height</Table.Th>
          <Table.Th>Avg kb/s</Table.Th>
          <Table.Th>Max kb/s</Table.Th>
          <Table.Th>fps cap</Table.Th>
          <Table.Th>
            <Tooltip label="bits per pixel per frame: bit rate / (width × height × fps)">
              <span>bpp</span>
            </Tooltip>
          </Table.Th>
          <Table.Th>Step</Table.Th>
          <Table.Th />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rungs.map((rung, i) => {
          const report = analysis.rungs[i];
          const step = stepInto.get(i);
          const bpp = report?.bitsPerPixel ?? NaN;
          const label = `Rung ${i + 1}`;
          const set = (patch: Partial<Rung>) => onChange(i, { ...rung, ...patch });
          const issue = (field: keyof Rung) => issues?.get(`rungs[${i}].${field}`);
          return (
            <Table.Tr
              key={i}
              data-testid="rung-row"
              data-selected={selected === i || undefined}
              bg={selected === i ? 'var(--mantine-primary-color-light)' : undefined}
              onFocusCapture={() => onSelect(i)}
              onClick={() => onSelect(i)}
              style={{ opacity: report && !report.kept ? 0.55 : 1 }}
            >
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  <Text size="sm" fw={600}>
                    {i + 1}
                  </Text>
                  {problemsOf(i).map((note) => (
                    <Tooltip key={note.code} label={note.message} multiline w={320}>
                      <Badge
                        size="sm"
                        variant="filled"
                        color="orange"
                        px={4}
                        data-testid="rung-problem"
                        data-code={note.code}
                        aria-label={note.message}
                      >
                        ⚠
                      </Badge>
                    </Tooltip>
                  ))}
                </Group>
              </Table.Td>
              <Table.Td>
                <Cell
                  label={`${label} width`}
                  value={rung.width}
                  error={issue('width')}
                  onChange={(v) => set({ width: v ?? NaN })}
                />
              </Table.Td>
              <Table.Td>
                <Cell
                  label={`${label} height`}
                  value={rung.height}
                  error={issue('height')}
                  onChange={(v) => set({ height: v ?? NaN })}
                />
              </Table.Td>
              <Table.Td>
                <Cell
                  label={`${label} average kb/s`}
                  value={rung.bitrateKbps}
                  error={issue('bitrateKbps')}
                  step={50}
                  onChange={(v) => set({ bitrateKbps: v ?? NaN })}
                />
              </Table.Td>
              <Table.Td>
                <Cell
                  label={`${label} max kb/s`}
                  value={rung.maxBitrateKbps}
                  error={issue('maxBitrateKbps')}
                  step={50}
                  placeholder={Number.isFinite(report?.peakKbps) ? String(report!.peakKbps) : ''}
                  onChange={(v) => set({ maxBitrateKbps: v })}
                />
              </Table.Td>
              <Table.Td>
                <Cell
                  label={`${label} frame-rate cap`}
                  value={rung.maxFrameRate}
                  error={issue('maxFrameRate')}
                  placeholder="source"
                  decimals
                  w={72}
                  onChange={(v) => set({ maxFrameRate: v })}
                />
              </Table.Td>
              <Table.Td>
                <Tooltip
                  label={`at ${formatFps(report?.fps)} fps; ${band.low}-${band.high} is usual for ${codec.toUpperCase()}`}
                >
                  <Text
                    size="sm"
                    ff="monospace"
                    c={
                      !Number.isFinite(bpp)
                        ? 'dimmed'
                        : bpp < band.low || bpp > band.high
                          ? 'blue'
                          : undefined
                    }
                    data-testid="rung-bpp"
                  >
                    {Number.isFinite(bpp) ? bpp.toFixed(3) : '—'}
                  </Text>
                </Tooltip>
              </Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  {step && (
                    <Tooltip label={`${step.ratio.toFixed(2)}x the rung below (rung ${step.lower + 1})`}>
                      <Badge size="sm" variant="light" color={STEP_COLORS[step.status]}>
                        ×{step.ratio.toFixed(2)}
                      </Badge>
                    </Tooltip>
                  )}
                  {report?.isStart && (
                    <Tooltip label="Listed first: players start on it (Apple HLS 1.32)">
                      <Badge size="sm" variant="light" color="teal">
                        start
                      </Badge>
                    </Tooltip>
                  )}
                  {report && !report.kept && (
                    <Badge size="sm" variant="light" color="gray">
                      skipped
                    </Badge>
                  )}
                  {report?.kept && report.encodedWidth !== undefined && isResized(rung, report) && (
                    <Tooltip label="Fitted to the source's shape">
                      <Badge size="sm" variant="outline" color="gray" tt="none">
                        {report.encodedWidth}x{report.encodedHeight}
                      </Badge>
                    </Tooltip>
                  )}
                </Group>
              </Table.Td>
              <Table.Td>
                <ActionIcon
                  variant="subtle"
                  color="red"
                  size="sm"
                  aria-label={`Remove rung ${i + 1}`}
                  disabled={rungs.length <= 1}
                  onClick={(e) => {
                    e.stopPropagation();
                    onRemove(i);
                  }}
                >
                  ✕
                </ActionIcon>
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

function Cell(props: {
  label: string;
  value: number | undefined;
  onChange(value: number | undefined): void;
  error?: string;
  step?: number;
  placeholder?: string;
  decimals?: boolean;
  w?: number;
}) {
  return (
    <NumberField
      aria-label={props.label}
      size="xs"
      w={props.w ?? 92}
      value={props.value}
      step={props.step}
      placeholder={props.placeholder}
      decimals={props.decimals ?? false}
      // A red edge, and the schema's words on hover: the issue list says it in full.
      error={props.error !== undefined}
      title={props.error}
      onChange={props.onChange}
    />
  );
}

function isResized(rung: Rung, report: { encodedWidth?: number; encodedHeight?: number }): boolean {
  return report.encodedWidth !== rung.width || report.encodedHeight !== rung.height;
}

function formatFps(fps: number | undefined): string {
  return fps === undefined || !Number.isFinite(fps) ? '?' : String(Number(fps.toFixed(2)));
}
