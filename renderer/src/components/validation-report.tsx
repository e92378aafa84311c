import { Badge, Paper, Table, Text, Title } from '@mantine/core';
import type { ValidationReport as Report } from '../../../src/common/validate/validation-report';

/** Rule by rule, failures first (the back end sorts them so). */
export function ValidationReport({ report }: { report: Report }) {
  return (
    <Paper withBorder p="md" data-testid="validation-report">
      <Title order={4}>
        {report.valid ? 'Valid package' : `Invalid package: ${report.mustFailures} MUST rule(s) failed`}
      </Title>
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Result</Table.Th>
            <Table.Th>Level</Table.Th>
            <Table.Th>Rule</Table.Th>
            <Table.Th>What</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {report.results.map((r) => (
            <Table.Tr key={r.id}>
              <Table.Td>
                {/* Its whole word at any width: the rule's text wraps instead. */}
                <Badge
                  miw="max-content"
                  color={
                    r.status === 'pass'
                      ? 'green'
                      : r.status === 'skip'
                        ? 'gray'
                        : r.level === 'MUST'
                          ? 'red'
                          : 'yellow'
                  }
                >
                  {r.status}
                </Badge>
              </Table.Td>
              <Table.Td>{r.level}</Table.Td>
              <Table.Td>
                <Text size="sm">{r.reference}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{r.title}</Text>
                {r.message && (
                  <Text size="xs" c="dimmed">
                    {r.message}
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}
