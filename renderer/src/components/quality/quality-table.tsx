import { Table } from '@mantine/core';
import type { MetricName } from '../../../../src/common/quality/quality-report';
import { bitrate } from '../format';
import { clockTime } from '../preview/scrub-math';
import { METRICS, rungColour } from './metric-format';
import { rungMetric, type RungFigures } from './quality-figures';

/**
 * Each rung's figures, highest first as a ladder is read; its colour swatch is the charts' legend.
 * PSNR in detail, then the mean of every other metric the package has (SSIM; VMAF, XPSNR where measured).
 */
export function QualityTable({ rungs, metrics }: { rungs: RungFigures[]; metrics: MetricName[] }) {
  const { psnr } = METRICS;
  const means = metrics.filter((m) => m !== 'psnr');
  return (
    <Table.ScrollContainer minWidth={560 + 90 * (means.length - 1)}>
      <Table className="quality-table" data-testid="quality-table" striped withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Rung</Table.Th>
            <Table.Th ta="right">Average bit rate</Table.Th>
            <Table.Th ta="right">PSNR mean</Table.Th>
            <Table.Th ta="right" title="95% of the measured frames are at least this good">
              PSNR 5th percentile
            </Table.Th>
            <Table.Th ta="right">Worst segment</Table.Th>
            {means.map((m) => (
              <Table.Th key={m} ta="right">{`${METRICS[m].label} mean`}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {[...rungs].reverse().map((r) => (
            <Table.Tr key={r.number} data-testid="quality-row" data-rung={r.number}>
              <Table.Td>
                <span className="quality-swatch" style={{ background: rungColour(r.number) }} />
                {`${r.number} · ${r.width}x${r.height}`}
              </Table.Td>
              <Table.Td ta="right">{bitrate(r.averageBandwidth)}</Table.Td>
              <Table.Td ta="right" data-testid="psnr-mean">
                {psnr.format(r.quality.psnr.mean)}
              </Table.Td>
              <Table.Td ta="right">{psnr.format(r.quality.psnr.p5)}</Table.Td>
              <Table.Td ta="right">
                {psnr.format(r.quality.psnr.worst.value)} at {clockTime(r.quality.psnr.worst.startSec)}
              </Table.Td>
              {means.map((m) => (
                <Table.Td key={m} ta="right" data-testid={`${m}-mean`}>
                  {METRICS[m].format(rungMetric(r, m).mean)}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
