import { Grid, SegmentedControl, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import type { ReactNode } from 'react';
import { SPEED_PRESETS } from '../../../../src/common/presets/preset-schema';
import type { Draft } from './draft';
import { NumberField } from './number-field';

/** Settings that apply to the whole ladder: segments, codec, encoder, audio, images, encryption, publish. */
export function GlobalSettings(props: {
  draft: Draft;
  onChange(change: (d: Draft) => Draft): void;
  /** Names of the saved publish targets, for auto-publish. */
  targets?: string[];
  /** The schema's issues by field ("segment.durationSec"), to mark the fields they name. */
  issues?: ReadonlyMap<string, string>;
}) {
  const { draft: d, onChange, targets = [], issues } = props;
  // An emptied required field is NaN in the draft, so the schema names it.
  const num = (v: number | undefined) => v ?? NaN;
  // A red edge, and the schema's words on hover: the issue list says it in full.
  const flag = (path: string) => {
    const issue = issues?.get(path);
    return issue === undefined ? {} : { error: true, title: issue };
  };
  return (
    <Stack gap={6}>
      <Grid gap={8}>
        <Field label="Codec">
          <SegmentedControl
            size="xs"
            fullWidth
            aria-label="Codec"
            value={d.video.codec}
            data={[
              { value: 'h264', label: 'H.264' },
              { value: 'hevc', label: 'HEVC' },
            ]}
            onChange={(v) =>
              onChange((p) => ({
                ...p,
                video: { ...p.video, codec: v === 'hevc' ? 'hevc' : 'h264' },
                // Apple HLS 1.10: HEVC only in fMP4.
                segment: v === 'hevc' ? { ...p.segment, format: 'fmp4' } : p.segment,
              }))
            }
          />
        </Field>
        <Field label="Segments">
          <SegmentedControl
            size="xs"
            fullWidth
            aria-label="Segment format"
            value={d.segment.format}
            data={[
              { value: 'ts', label: 'TS', disabled: d.video.codec === 'hevc' },
              { value: 'fmp4', label: 'fMP4' },
            ]}
            onChange={(v) =>
              onChange((p) => ({ ...p, segment: { ...p.segment, format: v === 'fmp4' ? 'fmp4' : 'ts' } }))
            }
          />
        </Field>
        <Field label="Segment duration (s)">
          <NumberField
            size="xs"
            aria-label="Segment duration"
            value={d.segment.durationSec}
            {...flag('segment.durationSec')}
            min={1}
            step={1}
            onChange={(v) => onChange((p) => ({ ...p, segment: { ...p.segment, durationSec: num(v) } }))}
          />
        </Field>
        <Field label="Speed preset">
          <Select
            size="xs"
            aria-label="Speed preset"
            data={[...SPEED_PRESETS]}
            value={d.video.speedPreset}
            allowDeselect={false}
            onChange={(v) => {
              const speed = SPEED_PRESETS.find((s) => s === v);
              if (speed) onChange((p) => ({ ...p, video: { ...p.video, speedPreset: speed } }));
            }}
          />
        </Field>
        <Field label="Rate control">
          <SegmentedControl
            size="xs"
            fullWidth
            aria-label="Rate control"
            value={d.video.rateControl}
            data={[
              { value: 'vbr', label: 'VBR' },
              { value: 'crf', label: 'CRF' },
            ]}
            onChange={(v) =>
              onChange((p) => ({ ...p, video: { ...p.video, rateControl: v === 'crf' ? 'crf' : 'vbr' } }))
            }
          />
        </Field>
        <Field label="CRF">
          <NumberField
            size="xs"
            aria-label="CRF"
            value={d.video.crf}
            {...flag('video.crf')}
            min={0}
            disabled={d.video.rateControl !== 'crf'}
            onChange={(v) => onChange((p) => ({ ...p, video: { ...p.video, crf: num(v) } }))}
          />
        </Field>
        <Field label="Audio kb/s">
          <NumberField
            size="xs"
            aria-label="Audio kb/s"
            value={d.audio.bitrateKbps}
            {...flag('audio.bitrateKbps')}
            min={32}
            step={16}
            decimals={false}
            onChange={(v) => onChange((p) => ({ ...p, audio: { ...p.audio, bitrateKbps: num(v) } }))}
          />
        </Field>
        <Field label="Start variant kb/s">
          <NumberField
            size="xs"
            aria-label="Start variant kb/s"
            value={d.startBitrateKbps}
            {...flag('startBitrateKbps')}
            step={100}
            decimals={false}
            onChange={(v) => onChange((p) => ({ ...p, startBitrateKbps: num(v) }))}
          />
        </Field>
        <Field label="Storyboard every (s), 0 = off">
          <NumberField
            size="xs"
            aria-label="Storyboard interval"
            value={d.images.storyboardIntervalSec}
            {...flag('images.storyboardIntervalSec')}
            min={0}
            onChange={(v) =>
              onChange((p) => ({ ...p, images: { ...p.images, storyboardIntervalSec: num(v) } }))
            }
          />
        </Field>
        <Field label="Delivery">
          <Stack gap={6} pt={4}>
            <Switch
              size="xs"
              label="AES-128 encryption"
              checked={d.encryption.enabled}
              onChange={(e) => {
                const enabled = e.currentTarget.checked;
                onChange((p) => ({ ...p, encryption: { ...p.encryption, enabled } }));
              }}
            />
            <Switch
              size="xs"
              label="Auto-publish when done"
              checked={d.publish?.auto ?? false}
              onChange={(e) => {
                const auto = e.currentTarget.checked;
                onChange((p) => ({
                  ...p,
                  publish: auto || p.publish?.target ? { ...p.publish, auto } : undefined,
                }));
              }}
            />
            {d.publish?.auto && (
              <Select
                size="xs"
                aria-label="Auto-publish to"
                placeholder="the default target"
                clearable
                data={[...new Set([...targets, ...(d.publish.target ? [d.publish.target] : [])])]}
                value={d.publish.target ?? null}
                onChange={(target) =>
                  onChange((p) => ({
                    ...p,
                    publish: { auto: p.publish?.auto ?? true, ...(target ? { target } : {}) },
                  }))
                }
              />
            )}
          </Stack>
        </Field>
      </Grid>
      <TextInput
        size="xs"
        label="Description"
        value={d.description}
        onChange={(e) => {
          const description = e.currentTarget.value;
          onChange((p) => ({ ...p, description }));
        }}
      />
    </Stack>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Grid.Col span={6}>
      <Text size="xs" c="dimmed" mb={2}>
        {label}
      </Text>
      {children}
    </Grid.Col>
  );
}
