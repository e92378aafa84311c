import { Alert, Badge, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import type { JobView } from '../../../src/common/api/studio-api';
import { duration } from './format';

/** What the source is, flagged where the plan will act on it. */
export function SourceInspector({ job }: { job: JobView }) {
  const s = job.source;
  if (!s) return <Text c="dimmed">{job.fileName}: not probed yet.</Text>;
  const v = s.video;
  return (
    <Paper withBorder p="md" data-testid="source-inspector">
      <Stack gap="xs">
        <Title order={4}>{job.fileName}</Title>
        <Group gap="xs">
          {v?.vfr && <Badge color="yellow">variable frame rate</Badge>}
          {v && v.dynamicRange !== 'sdr' && <Badge color="grape">HDR {v.dynamicRange.toUpperCase()}</Badge>}
          {v?.interlaced && v.fieldOrder !== 'unknown' && <Badge color="orange">interlaced</Badge>}
          {v && v.rotation !== 0 && <Badge>rotated {v.rotation}°</Badge>}
          {!v && <Badge>audio only</Badge>}
          {s.audio.length === 0 && <Badge>no audio</Badge>}
        </Group>
        <Table>
          <Table.Tbody>
            <Row label="Container" value={`${s.formatName}, ${duration(s.durationSec)}`} />
            {v && (
              <Row
                label="Video"
                value={`${v.codec}${v.profile ? ` (${v.profile})` : ''}, ${v.width}x${v.height} shown ${v.displayWidth}x${v.displayHeight}`}
              />
            )}
            {v && (
              <Row
                label="Frame rate"
                value={`${(v.frameRate.num / v.frameRate.den).toFixed(3)} fps${v.vfr ? ' (variable)' : ''}`}
              />
            )}
            {v && (
              <Row
                label="Picture"
                value={`${v.pixelFormat}, ${v.bitDepth}-bit, ${v.dynamicRange.toUpperCase()}, ${v.fieldOrder}`}
              />
            )}
            {s.audio.map((a) => (
              <Row
                key={a.index}
                label={`Audio ${a.index}`}
                value={`${a.codec} ${a.channelLayout ?? `${a.channels} ch`}${a.language ? ` [${a.language}]` : ''}`}
              />
            ))}
            {s.subtitles.map((t) => (
              <Row
                key={t.index}
                label={`Subtitle ${t.index}`}
                value={`${t.codec}${t.language ? ` [${t.language}]` : ''}${t.bitmap ? ' (bitmap)' : ''}`}
              />
            ))}
          </Table.Tbody>
        </Table>
        {job.notes.length > 0 && (
          <Alert title="The plan will" color="blue">
            <ul style={{ margin: 0 }}>
              {job.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}

function Row({ label, value }: { label: string; value: string }) {
  return (
    <Table.Tr>
      <Table.Th w={140}>{label}</Table.Th>
      <Table.Td>{value}</Table.Td>
    </Table.Tr>
  );
}
