import { Select } from '@mantine/core';
import { rungLabel, type Rung } from './rung-label';

/** A menu of the package's rungs, "2 · 854x480 · 1.20 Mb/s", with Auto first where it is offered. */
export function RungSelect(props: {
  label: string;
  levels: Rung[];
  value: number;
  onChange: (level: number) => void;
  withAuto?: boolean;
  withLabel?: boolean;
  testId: string;
}) {
  const { levels, withAuto = true } = props;
  return (
    <Select
      label={props.withLabel === false ? undefined : props.label}
      aria-label={props.label}
      data={[
        ...(withAuto ? [{ value: '-1', label: 'Auto' }] : []),
        ...levels.map((l, i) => ({ value: String(i), label: rungLabel(i, l) })),
      ]}
      value={String(props.value)}
      onChange={(v) => v !== null && props.onChange(Number(v))}
      allowDeselect={false}
      w={250}
      data-testid={props.testId}
    />
  );
}
