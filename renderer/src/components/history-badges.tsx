import { Badge, Group } from '@mantine/core';
import type { JobView, PublishStatus } from '../../../src/common/api/studio-api';
import { publishRatio } from './publish/publish-progress';

const PUBLISH_BADGES: Record<Exclude<PublishStatus, 'publishing'>, { label: string; color: string }> = {
  published: { label: 'published', color: 'teal' },
  failed: { label: 'publish failed', color: 'red' },
  cancelled: { label: 'publish cancelled', color: 'gray' },
  interrupted: { label: 'publish interrupted', color: 'orange' },
};

/** A job row's history at a glance: re-run after a crash, publish state, validation of a done package. */
export function JobBadges({ job }: { job: JobView }) {
  const badges: { key: string; label: string; color: string; title?: string }[] = [];
  if (job.interrupted)
    badges.push({
      key: 'interrupted',
      label: 'interrupted → re-run',
      color: 'orange',
      title: 'It was running when the app stopped; it was queued again',
    });
  const publish = job.publish;
  if (publish?.status === 'publishing') {
    const percent = publish.progress ? Math.floor(publishRatio(publish.progress) * 100) : 0;
    badges.push({ key: 'publish', label: `publishing ${percent}%`, color: 'blue', title: publish.target });
  } else if (publish) {
    badges.push({
      key: 'publish',
      ...PUBLISH_BADGES[publish.status],
      title: publish.error?.message ?? publish.target,
    });
  }
  if (job.status === 'done' && job.result) {
    const { valid, mustFailures } = job.result.validation;
    badges.push(
      valid
        ? { key: 'validation', label: 'valid', color: 'green' }
        : {
            key: 'validation',
            label: `${mustFailures} ${mustFailures === 1 ? 'problem' : 'problems'}`,
            color: 'red',
            title: 'MUST rules of RFC 8216 / Apple HLS the package fails',
          },
    );
  }
  if (badges.length === 0) return null;
  return (
    <Group gap={4} data-testid="job-badges">
      {badges.map((b) => (
        <Badge key={b.key} size="sm" variant="light" color={b.color} title={b.title} data-badge={b.key}>
          {b.label}
        </Badge>
      ))}
    </Group>
  );
}
