import { Table } from '@mantine/core';
import { bitrate } from '../format';
import { clockTime } from '../preview/scrub-math';
import { METRICS, rungColour } from './metric-format';
import type { RungFigures } from './quality-figures';

/** Each rung's figures, highest first as a ladder is read; its colour swatch is the charts' legend. */
export function QualityTable({ rungs }: { rungs: RungFigures[] }) {
  const { psnr, ssim } = METRICS;
  return (
    <Table.ScrollContainer minWidth={560}>
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
            <Table.Th ta="right">SSIM mean</Table.Th>
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
              <Table.Td ta="right">{ssim.format(r.quality.ssim.mean)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
