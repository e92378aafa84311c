import { Badge, Group, Stack, Text } from '@mantine/core';
import type { LadderNote } from '../../../../src/common/presets/ladder-analysis';

/**
 * The ladder checks, problems first. A problem is a warning (orange, worth changing); a note is context
 * and reads quietly (dimmed, no colour), so a built-in ladder's notes never look like "the defaults are
 * wrong" (ladder-analysis.ts decides which is which).
 */
export function AnalysisNotes({ notes }: { notes: LadderNote[] }) {
  const problems = notes.filter((n) => n.severity === 'problem');
  return (
    <Stack gap={4} data-testid="analysis-notes" aria-live="polite">
      <Text size="xs" c={problems.length ? 'orange' : 'dimmed'} fw={problems.length ? 600 : undefined}>
        {problems.length === 0
          ? 'No problems.'
          : `${problems.length} problem${problems.length === 1 ? '' : 's'} to look at`}
      </Text>
      {notes.map((note, i) => (
        <Group
          key={`${note.code}-${i}`}
          gap={6}
          wrap="nowrap"
          align="flex-start"
          data-testid="analysis-note"
          data-severity={note.severity}
          data-code={note.code}
        >
          {note.severity === 'problem' ? (
            <Badge size="xs" variant="light" color="orange" tt="none" w={60} mt={2} style={{ flexShrink: 0 }}>
              problem
            </Badge>
          ) : (
            <Text size="xs" c="dimmed" w={60} ta="center" style={{ flexShrink: 0 }}>
              note
            </Text>
          )}
          <Text size="xs" c={note.severity === 'note' ? 'dimmed' : undefined}>
            {note.message}
          </Text>
        </Group>
      ))}
    </Stack>
  );
}
