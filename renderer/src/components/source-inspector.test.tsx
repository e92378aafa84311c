// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { source } from '../../../test/helpers/sources';
import { renderWithMantine } from '../test-setup';
import { SourceInspector } from './source-inspector';

afterEach(cleanup);

describe('SourceInspector', () => {
  it('flags what the plan acts on: VFR, HDR, rotation; lists the plan notes', () => {
    const s = source({
      vfr: true,
      dynamicRange: 'hlg',
      rotation: 90,
      displayWidth: 1080,
      displayHeight: 1920,
    });
    renderWithMantine(
      <SourceInspector
        job={{
          id: 'a',
          fileName: 'phone.mov',
          presetId: 'x',
          addedAt: 0,
          status: 'encoding',
          source: s,
          notes: ['portrait: rungs rotated to portrait', 'HDR (HLG) → SDR tone-map'],
        }}
      />,
    );
    for (const badge of ['variable frame rate', 'HDR HLG', 'rotated 90°'])
      expect(screen.getByText(badge)).toBeTruthy();
    expect(screen.getByText('portrait: rungs rotated to portrait')).toBeTruthy();
    expect(screen.getByText(/shown 1080x1920/)).toBeTruthy();
  });

  it('an audio-only source says so', () => {
    renderWithMantine(
      <SourceInspector
        job={{
          id: 'a',
          fileName: 'talk.m4a',
          presetId: 'x',
          addedAt: 0,
          status: 'queued',
          source: source(undefined),
          notes: [],
        }}
      />,
    );
    expect(screen.getByText('audio only')).toBeTruthy();
  });
});
