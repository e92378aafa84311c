import { Divider, Grid, Group, Select, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import {
  BILLING_GB,
  DEFAULT_EGRESS_PRICE_PER_GB,
  DEFAULT_STORAGE_PRICE_PER_GB_MONTH,
  estimateCost,
  type LadderAnalysis,
  type SourceSize,
} from '../../../../src/common/presets/ladder-analysis';
import type { Draft } from './draft';
import { NumberField } from './number-field';

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 2 });
const usdSmall = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 4,
});

function money(n: number): string {
  return Number.isFinite(n) ? (n > 0 && n < 0.01 ? usdSmall : usd).format(n) : '—';
}

/** Decimal megabytes: kb/s are decimal too, so 1000 kb/s is 7.5 MB a minute. */
function mb(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

function gb(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / BILLING_GB).toFixed(bytes / BILLING_GB < 10 ? 2 : 0)} GB` : '—';
}

/** Package size per minute, and what storing and serving it would cost, with editable prices. */
export function EstimatePanel(props: {
  draft: Draft;
  analysis: LadderAnalysis;
  source?: SourceSize;
  sourceFps: number;
  /** The selected source's length, as the default number of minutes. */
  sourceMinutes?: number;
}) {
  const { draft, analysis, source, sourceFps } = props;
  const [minutes, setMinutes] = useState<number>(() =>
    props.sourceMinutes ? Math.max(1, Math.round(props.sourceMinutes)) : 60,
  );
  const [views, setViews] = useState(1000);
  const [storagePrice, setStoragePrice] = useState(DEFAULT_STORAGE_PRICE_PER_GB_MONTH);
  const [egressPrice, setEgressPrice] = useState(DEFAULT_EGRESS_PRICE_PER_GB);
  const [viewed, setViewed] = useState<string>('top');
  const viewedRung = viewed === 'top' || viewed === 'start' ? viewed : Number(viewed);
  const size = analysis.size;
  const cost = estimateCost(draft, {
    minutes,
    views,
    viewedRung: typeof viewedRung === 'number' && !draft.rungs[viewedRung] ? 'top' : viewedRung,
    storagePricePerGbMonth: storagePrice,
    egressPricePerGb: egressPrice,
    source,
    sourceFps,
  });
  const perMinute = size.bytesPerMinute;

  return (
    <Stack gap={6}>
      <Group justify="space-between" align="baseline">
        <Text size="xs" c="dimmed">
          Package size
        </Text>
        <Text
          fw={700}
          size="lg"
          data-testid="estimate-size"
          data-bytes-per-minute={String(Math.round(perMinute))}
        >
          {Number.isFinite(perMinute) ? `${(perMinute / 1e6).toFixed(1)} MB/min` : '— MB/min'}
        </Text>
      </Group>
      <Text size="xs" c="dimmed">
        video {fmtKbps(size.videoKbps)} ({size.rungs.length || (size.videoKbps > 0 ? 1 : 0)} rung
        {size.rungs.length === 1 ? '' : 's'}) + audio {fmtKbps(size.audioKbps)} + playlists/images{' '}
        {fmtKbps(size.overheadKbps)}
        {draft.video.rateControl === 'crf' ? ' · CRF: a guide, real sizes follow the picture' : ''}
      </Text>
      <Divider my={2} />
      <Grid gap={8}>
        <Grid.Col span={6}>
          <CostField label="Minutes of video" value={minutes} step={1} onChange={setMinutes} />
        </Grid.Col>
        <Grid.Col span={6}>
          <CostField label="Full views" value={views} step={100} onChange={setViews} />
        </Grid.Col>
        <Grid.Col span={6}>
          <CostField
            label="Storage $/GB-month"
            value={storagePrice}
            step={0.001}
            onChange={setStoragePrice}
          />
        </Grid.Col>
        <Grid.Col span={6}>
          <CostField label="Egress $/GB" value={egressPrice} step={0.01} onChange={setEgressPrice} />
        </Grid.Col>
        <Grid.Col span={12}>
          <Select
            size="xs"
            label="Viewers watch"
            value={viewed}
            allowDeselect={false}
            onChange={(v) => v && setViewed(v)}
            data={[
              { value: 'top', label: 'the top rung the source keeps' },
              { value: 'start', label: 'the start variant' },
              ...draft.rungs.map((r, i) => ({
                value: String(i),
                label: `rung ${i + 1}: ${r.width}x${r.height}, ${r.bitrateKbps} kb/s`,
              })),
            ]}
          />
        </Grid.Col>
      </Grid>
      <Stack gap={2} data-testid="estimate-cost">
        <Row label={`Package, ${count(minutes)} min`} value={mb(cost.packageBytes)} />
        <Row label="Storage per month" value={money(cost.storagePerMonth)} />
        <Row
          label={`Egress, ${count(views)} views at ${fmtKbps(cost.viewedKbps)}`}
          value={`${gb(cost.egressBytes)} · ${money(cost.egress)}`}
        />
        <Row label="First month" value={money(cost.total)} strong />
      </Stack>
    </Stack>
  );
}

/**
 * A number the estimate takes: what is typed stays; a value that is not a number of zero or more makes
 * the figures "—" and the field red, never a silent 0.
 */
function CostField(props: { label: string; value: number; step: number; onChange(v: number): void }) {
  const bad = !(props.value >= 0);
  return (
    <NumberField
      size="xs"
      label={props.label}
      value={props.value}
      step={props.step}
      min={0}
      error={bad ? 'a number, 0 or more' : undefined}
      onChange={(v) => props.onChange(v ?? NaN)}
    />
  );
}

function count(n: number): string {
  return Number.isFinite(n) ? n.toLocaleString('en-US') : '—';
}

function Row({ label, value, strong }: { label: string; value: string; strong?: boolean }) {
  return (
    <Group justify="space-between" wrap="nowrap" gap="xs">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="xs" fw={strong ? 700 : 500} ff="monospace">
        {value}
      </Text>
    </Group>
  );
}

function fmtKbps(kbps: number): string {
  if (!Number.isFinite(kbps)) return '—';
  return kbps >= 10_000 ? `${(kbps / 1000).toFixed(1)} Mb/s` : `${Math.round(kbps)} kb/s`;
}
