import { Alert, Badge, Button, Grid, Group, Stack, Text } from '@mantine/core';
import { useMemo, useState } from 'react';
import type { JobView, PerTitleAnalysis, StudioApi } from '../../../../../src/common/api/studio-api';
import type { Preset, Rung } from '../../../../../src/common/presets/preset-schema';
import { bytes } from '../../format';
import { samePreset } from '../draft';
import { RunProgress } from '../run-progress';
import { HullChart } from './hull-chart';
import { compareLadders, moveRung, sameRungs } from './ladder-compare';
import { LadderCompareTable } from './ladder-compare-table';
import { usePerTitleRun } from './use-per-title-run';

const TOP_REASONS: Record<PerTitleAnalysis['top']['reason'], string> = {
  transparent: 'more bits would not be seen (45 dB)',
  flat: 'the hull has flattened',
  'preset maximum': 'the preset’s highest rate',
};

/**
 * "Auto (per-title)" in the preset editor: the engine's analysis of the selected job's source with the
 * draft (the one `--ladder auto` runs), its rate-quality hull, the chosen rungs beside the preset's fixed
 * ladder with predicted PSNR, package size and the analysis's cost. The creator moves a rung (table or
 * chart), accepts the ladder into the draft (one undoable edit), or falls back to the fixed ladder.
 */
export function PerTitlePanel(props: {
  api: StudioApi;
  sourceJob?: JobView;
  /** The draft when it is valid. */
  preset?: Preset;
  /** The draft's rungs as they are now (valid or not). */
  draftRungs: Rung[];
  onAccept(rungs: Rung[]): void;
  /** Back to the fixed ladder: the fixed rungs of the analysis, when the draft holds accepted ones. */
  onFallBack(restore?: Rung[]): void;
}) {
  const { api, sourceJob, preset, draftRungs } = props;
  const { run, start, cancel } = usePerTitleRun(api);
  const analysis = run.state === 'done' ? run.analysis : undefined;
  const [moved, setMoved] = useState<{ of: PerTitleAnalysis; rungs: Rung[] }>();
  const [accepted, setAccepted] = useState<Rung[]>();
  const proposal = analysis ? (moved?.of === analysis ? moved.rungs : analysis.rungs) : [];
  const fixed = run.state === 'done' ? run.preset.rungs : [];
  const comparison = useMemo(
    () => (analysis ? compareLadders(analysis, fixed, proposal) : undefined),
    [analysis, fixed, proposal],
  );
  const move = (index: number, kbps: number) =>
    analysis && setMoved({ of: analysis, rungs: moveRung(proposal, index, kbps) });

  const reason = !sourceJob?.source
    ? 'Select a job whose source has been probed'
    : !preset
      ? 'The preset is not valid'
      : undefined;
  const inDraft = analysis !== undefined && sameRungs(draftRungs, proposal);
  const draftHoldsAccepted = accepted !== undefined && sameRungs(draftRungs, accepted);
  // Changed since the analysis: anything but rungs accepted from it.
  const stale =
    run.state === 'done' &&
    preset !== undefined &&
    !samePreset({ ...run.preset, rungs: [] }, { ...preset, rungs: [] });
  const staleLadder =
    run.state === 'done' && !sameRungs(draftRungs, run.preset.rungs) && !draftHoldsAccepted && !inDraft;

  return (
    <Stack gap="xs" data-testid="per-title-panel">
      <Group gap="sm">
        <Button
          size="xs"
          onClick={() => sourceJob && preset && void start(sourceJob, preset)}
          disabled={reason !== undefined || run.state === 'analyzing'}
          title={reason}
        >
          {analysis ? 'Analyse again' : 'Analyse source'}
        </Button>
        {run.state === 'analyzing' && (
          <Button size="xs" variant="default" color="red" onClick={cancel}>
            Cancel
          </Button>
        )}
        <Text size="xs" c="dimmed">
          {sourceJob?.source
            ? `${sourceJob.fileName} (select another job in the queue to analyse its source)`
            : reason}
        </Text>
        {(stale || staleLadder) && (
          <Badge size="sm" color="yellow" variant="light" data-testid="per-title-stale">
            preset changed since this analysis
          </Badge>
        )}
      </Group>
      {run.state === 'analyzing' && (
        <RunProgress ratio={run.ratio} label="Per-title analysis progress" testId="per-title-progress" />
      )}
      {run.state === 'idle' && (
        <Text size="xs" c="dimmed">
          Short probe encodes of the source at each of the preset’s sizes and three CRF values, measured
          against it (PSNR), give its rate-quality hull; the rungs are picked on it inside the preset’s
          bounds. Seconds on a short clip, a minute or two on a long 1080p source.
        </Text>
      )}
      {run.state === 'failed' && (
        <Alert color="red" title="The analysis failed" p="xs" data-testid="per-title-error">
          {run.message}
        </Alert>
      )}
      {run.state === 'cancelled' && (
        <Text size="xs" c="dimmed">
          Analysis cancelled.
        </Text>
      )}
      {analysis && comparison && (
        <>
          <Group gap="xs" data-testid="per-title-summary">
            <Badge
              variant="light"
              tt="none"
              color={comparison.sizeChange <= 0 ? 'teal' : 'orange'}
              data-testid="per-title-size"
            >
              Package {bytes(comparison.fixed.bytes)} → {bytes(comparison.auto.bytes)} (
              {percent(comparison.sizeChange)})
            </Badge>
            <Badge variant="light" color="gray" tt="none" data-testid="per-title-cost">
              Analysis {analysis.elapsedSec.toFixed(1)} s ({comparison.costPerSourceSec.toFixed(2)}× the
              source’s {analysis.durationSec.toFixed(0)} s)
            </Badge>
            <Badge variant="light" color="gray" tt="none">
              Top {analysis.top.kbps} kb/s: {TOP_REASONS[analysis.top.reason]}
            </Badge>
          </Group>
          <Text size="xs" c="dimmed">
            Sizes are video only: the sum of the rungs’ rates × the source’s length. {analysis.points.length}{' '}
            probe encodes over {analysis.windows.length} windows; bounds {analysis.bounds.minKbps}–
            {analysis.bounds.maxKbps} kb/s, at most {analysis.bounds.maxRungs} rungs.
          </Text>
          <Grid gap="sm">
            <Grid.Col span={{ base: 12, lg: 7 }}>
              <HullChart points={analysis.points} comparison={comparison} onMove={move} />
              <Text size="xs" c="dimmed">
                Faint: probe encodes (colour = resolution). Dashed: their hull. □ fixed rungs, ● per-title
                rungs (arrow keys move one).
              </Text>
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 5 }}>
              <LadderCompareTable comparison={comparison} onMove={move} />
            </Grid.Col>
          </Grid>
          <Group gap="xs">
            <Button
              size="xs"
              disabled={inDraft}
              onClick={() => {
                setAccepted(proposal);
                props.onAccept(proposal);
              }}
            >
              {inDraft ? '✓ Per-title rungs are in the draft' : 'Accept per-title ladder'}
            </Button>
            {moved?.of === analysis && !sameRungs(moved.rungs, analysis.rungs) && (
              <Button size="xs" variant="default" onClick={() => setMoved(undefined)}>
                Reset moved rungs
              </Button>
            )}
            <Button
              size="xs"
              variant="default"
              onClick={() => props.onFallBack(draftHoldsAccepted || inDraft ? fixed : undefined)}
            >
              Fall back to the fixed ladder
            </Button>
          </Group>
        </>
      )}
    </Stack>
  );
}

function percent(change: number): string {
  const p = Math.sign(change) * Math.round(Math.abs(change) * 100); // −37.5% reads −38%, as +37.5% reads +38%
  return `${p > 0 ? '+' : p < 0 ? '−' : '±'}${Math.abs(p)}%`;
}
