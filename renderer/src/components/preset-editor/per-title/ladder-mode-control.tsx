import { Button, Tooltip } from '@mantine/core';

const MODES = [
  { auto: false, label: 'Fixed' },
  { auto: true, label: 'Auto (per-title)' },
];

/** "Fixed / Auto (per-title)": how queue jobs of this preset get their ladder. */
export function LadderModeControl(props: { auto: boolean; saved: boolean; onChange(auto: boolean): void }) {
  return (
    <Tooltip
      label={
        props.saved
          ? props.auto
            ? 'Queue jobs with this preset pick their rungs per title (--ladder auto), inside its bounds'
            : 'Queue jobs with this preset use its rungs as they are'
          : 'Saved with the preset: its queue jobs follow this choice'
      }
    >
      <Button.Group aria-label="Ladder mode" data-testid="ladder-mode">
        {MODES.map((m) => (
          <Button
            key={m.label}
            size="compact-xs"
            variant={props.auto === m.auto ? 'filled' : 'default'}
            aria-pressed={props.auto === m.auto}
            onClick={() => props.auto !== m.auto && props.onChange(m.auto)}
          >
            {m.label}
          </Button>
        ))}
      </Button.Group>
    </Tooltip>
  );
}
