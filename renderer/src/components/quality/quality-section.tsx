import { Group, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { MetricName } from '../../../../src/common/quality/quality-report';
import { METRICS } from './metric-format';
import { offeredMetrics, type PackageQuality } from './quality-figures';
import { measuredLine, unmeasuredLine } from './quality-method';
import { QualityTable } from './quality-table';
import { QualityTimeline, type QualitySeek } from './quality-timeline';
import { RateQualityChart } from './rate-quality-chart';
import type { SegmentTimeline } from './segment-timeline';
import './quality.css';

/** A package's measured quality: rate-quality curve, quality over time, the figures and how they were made. */
export function QualitySection(props: {
  quality: PackageQuality;
  timelines: SegmentTimeline[];
  playheadSec?: number;
  onSeek: QualitySeek;
}) {
  const { quality, timelines, playheadSec, onSeek } = props;
  const [metric, setMetric] = useState<MetricName>('psnr');
  // VMAF and XPSNR only where this package has them (the encode's ffmpeg could measure them).
  const metrics = offeredMetrics(quality);
  const unmeasured = unmeasuredLine(quality.method.unavailable);
  return (
    <Stack gap="sm" className="quality-panel" data-testid="quality-panel" aria-labelledby="quality-title">
      <Group justify="space-between">
        <Title order={5} id="quality-title">
          Quality
        </Title>
        <SegmentedControl
          size="xs"
          aria-label="Metric"
          value={metric}
          onChange={(v) => setMetric(v as MetricName)}
          data={metrics.map((m) => ({ value: m, label: METRICS[m].label }))}
        />
      </Group>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <RateQualityChart rungs={quality.rungs} metric={metric} metrics={metrics} />
        <QualityTimeline
          rungs={quality.rungs}
          timelines={timelines}
          metric={metric}
          playheadSec={playheadSec}
          onSeek={onSeek}
        />
      </SimpleGrid>
      <QualityTable rungs={quality.rungs} metrics={metrics} />
      <Text size="xs" c="dimmed" data-testid="quality-method">
        {measuredLine(quality.method)}
      </Text>
      {unmeasured && (
        <Text size="xs" c="dimmed" data-testid="quality-unmeasured">
          {unmeasured}
        </Text>
      )}
    </Stack>
  );
}
