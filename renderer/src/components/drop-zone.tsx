import { Button, Paper, Text } from '@mantine/core';
import { useRef, useState } from 'react';

const ACCEPT = 'video/*,audio/*,.mkv,.mka,.ts,.m2ts,.mts,.dv,.avi,.mov,.webm,.mpg';

/** Drop files here, or pick them; folders dropped from the OS arrive as their files. */
export function DropZone({ onFiles }: { onFiles: (files: File[]) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  return (
    <Paper
      withBorder
      p="xl"
      radius="md"
      style={{
        borderStyle: 'dashed',
        textAlign: 'center',
        background: over ? 'var(--mantine-color-indigo-light)' : undefined,
      }}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        onFiles([...e.dataTransfer.files]);
      }}
      data-testid="drop-zone"
    >
      <Text size="lg">Drop videos here</Text>
      <Text c="dimmed" size="sm" mb="sm">
        each becomes an HLS package: a ladder of rungs, audio and subtitle tracks, thumbnails
      </Text>
      <Button onClick={() => input.current?.click()}>Add videos…</Button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        accept={ACCEPT}
        aria-label="Add video files"
        data-testid="file-input"
        onChange={(e) => {
          onFiles([...(e.target.files ?? [])]);
          e.target.value = '';
        }}
      />
    </Paper>
  );
}
