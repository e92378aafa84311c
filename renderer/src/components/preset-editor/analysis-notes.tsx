import { Badge, Group, Stack, Text } from '@mantine/core';
import type { LadderNote, NoteLevel } from '../../../../src/common/presets/ladder-analysis';

const LEVEL_COLORS: Record<NoteLevel, string> = { error: 'red', warning: 'orange', info: 'blue' };
const LEVEL_LABELS: Record<NoteLevel, string> = { error: 'error', warning: 'warn', info: 'note' };

/** The analysis' findings, most serious first: spec rules (with their item numbers) and ladder shape. */
export function AnalysisNotes({ notes }: { notes: LadderNote[] }) {
  if (notes.length === 0)
    return (
      <Text size="xs" c="dimmed">
        No findings.
      </Text>
    );
  return (
    <Stack gap={4} data-testid="analysis-notes" aria-live="polite">
      {notes.map((note, i) => (
        <Group
          key={`${note.code}-${i}`}
          gap={6}
          wrap="nowrap"
          align="flex-start"
          data-testid="analysis-note"
          data-level={note.level}
          data-code={note.code}
        >
          <Badge
            size="xs"
            variant="light"
            color={LEVEL_COLORS[note.level]}
            w={48}
            mt={2}
            style={{ flexShrink: 0 }}
          >
            {LEVEL_LABELS[note.level]}
          </Badge>
          <Text size="xs">{note.message}</Text>
        </Group>
      ))}
    </Stack>
  );
}
