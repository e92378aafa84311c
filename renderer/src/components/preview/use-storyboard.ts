import { useEffect, useState } from 'react';
import type { JobResult } from '../../../../src/common/api/studio-api';
import { parseVtt } from '../../../../src/common/subtitles/webvtt';
import { storyboardFrames, type StoryboardFrame } from './storyboard';

/** The package's storyboard frames (none for a live preview or a package made without one). */
export function useStoryboard(result: JobResult | undefined): StoryboardFrame[] {
  const [frames, setFrames] = useState<StoryboardFrame[]>([]);
  const vttUrl = result?.storyboardVtt
    ? new URL(result.storyboardVtt, new URL(result.baseUrl, location.href)).href
    : undefined;
  useEffect(() => {
    if (!vttUrl) return;
    let current = true;
    void fetch(vttUrl)
      .then((r) => (r.ok ? r.text() : ''))
      .then((text) => {
        if (!current) return;
        const parsed = storyboardFrames(parseVtt(text), vttUrl);
        // Fetched now, so the first hover shows a picture rather than an empty box.
        for (const sprite of new Set(parsed.map((f) => f.sprite))) new Image().src = sprite;
        setFrames(parsed);
      })
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [vttUrl]);
  return frames;
}
