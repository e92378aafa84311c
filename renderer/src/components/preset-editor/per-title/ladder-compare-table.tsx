import { Table, Text } from '@mantine/core';
import { NumberField } from '../number-field';
import type { ComparedRung, LadderComparison } from './ladder-compare';

/**
 * Both ladders row by row from the top rung: resolution, average rate and predicted PSNR of the preset's
 * fixed rung beside the per-title one, whose rate can be typed (its PSNR follows from the probe curves).
 */
export function LadderCompareTable(props: {
  comparison: LadderComparison;
  onMove(index: number, kbps: number): void;
}) {
  const { comparison, onMove } = props;
  const fromTop = <T,>(list: T[], row: number) => list[list.length - 1 - row];
  const rows = Math.max(comparison.fixed.rungs.length, comparison.auto.rungs.length);
  const cells = (c: ComparedRung | undefined) =>
    c ? (
      <>
        <Table.Td>
          {c.rung.width}x{c.rung.height}
        </Table.Td>
        <Table.Td ff="monospace">{c.rung.bitrateKbps}</Table.Td>
        <Table.Td ff="monospace" title={boundNote(c)} style={{ whiteSpace: 'nowrap' }}>
          {psnrText(c)}
        </Table.Td>
      </>
    ) : (
      <Table.Td colSpan={3} c="dimmed">
        —
      </Table.Td>
    );
  return (
    <Table.ScrollContainer minWidth={420} type="native">
      <Table fz="xs" withColumnBorders verticalSpacing={2} data-testid="ladder-compare">
        <Table.Thead>
          <Table.Tr>
            <Table.Th colSpan={3}>Fixed (preset)</Table.Th>
            <Table.Th colSpan={3}>Auto (per-title)</Table.Th>
          </Table.Tr>
          <Table.Tr>
            {[0, 1].map((k) => (
              <Headings key={k} />
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {Array.from({ length: rows }, (_, row) => {
            const fixed = fromTop(comparison.fixed.rungs, row);
            const auto = fromTop(comparison.auto.rungs, row);
            const index = comparison.auto.rungs.length - 1 - row;
            return (
              <Table.Tr key={row} data-testid="compare-row">
                {cells(fixed)}
                {auto ? (
                  <>
                    <Table.Td data-testid="auto-resolution">
                      {auto.rung.width}x{auto.rung.height}
                    </Table.Td>
                    <Table.Td p={2}>
                      <NumberField
                        size="xs"
                        w={80}
                        aria-label={`Per-title rung ${row + 1} kb/s`}
                        value={auto.rung.bitrateKbps}
                        decimals={false}
                        step={50}
                        min={50}
                        onChange={(v) =>
                          v !== undefined && v >= 16 && Number.isInteger(v) && onMove(index, v)
                        }
                      />
                    </Table.Td>
                    <Table.Td
                      ff="monospace"
                      data-testid="auto-psnr"
                      title={boundNote(auto)}
                      style={{ whiteSpace: 'nowrap' }}
                    >
                      {psnrText(auto)}
                    </Table.Td>
                  </>
                ) : (
                  cells(undefined)
                )}
              </Table.Tr>
            );
          })}
        </Table.Tbody>
        <Table.Tfoot>
          <Table.Tr>
            {[comparison.fixed, comparison.auto].map((side, k) => (
              <Table.Td key={k} colSpan={3}>
                <Text size="xs" fw={600} span>
                  {side.totalKbps} kb/s in all
                </Text>
              </Table.Td>
            ))}
          </Table.Tr>
        </Table.Tfoot>
      </Table>
    </Table.ScrollContainer>
  );
}

/** "≤ 42.2" below the probed rates of that size, "≥ 53.0" above them, "≈ 40.1" extrapolated. */
export function psnrText(c: ComparedRung): string {
  const bound =
    c.beyond === 'below' ? '≤ ' : c.beyond === 'above' ? '≥ ' : c.beyond === 'extrapolated' ? '≈ ' : '';
  return `${bound}${c.psnr.toFixed(1)}`;
}

function boundNote(c: ComparedRung): string | undefined {
  if (!c.beyond) return undefined;
  if (c.beyond === 'extrapolated')
    return 'A little below the rates this size was probed at: estimated, pessimistically, as the ladder was picked';
  return c.beyond === 'below'
    ? 'Below the rates this size was probed at: at most this'
    : 'Above the rates this size was probed at: at least this';
}

function Headings() {
  return (
    <>
      <Table.Th>Resolution</Table.Th>
      <Table.Th>kb/s</Table.Th>
      <Table.Th>PSNR (dB)</Table.Th>
    </>
  );
}
