// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderWithMantine } from '../../test-setup';
import { StatsBar } from './stats-bar';

afterEach(cleanup);

const stats = { level: 0, resolution: '640x360', bandwidthEstimate: 2e6, bufferSec: 4.25, droppedFrames: 0 };

describe('StatsBar', () => {
  it('counts rungs from 1, as the preset editor does', () => {
    renderWithMantine(<StatsBar stats={stats} auto={false} />);
    expect(screen.getByTestId('stats-rung').textContent).toBe('rung 1 · 640x360');
    expect(screen.getByTestId('stats').dataset.rung).toBe('1');
    expect(screen.getByTestId('stats').textContent).toContain('buffer 4.3 s');
  });
  it('says when Auto chose the rung, and waits for the first one', () => {
    renderWithMantine(<StatsBar stats={{ ...stats, level: 2, resolution: '1280x720' }} auto />);
    expect(screen.getByTestId('stats-rung').textContent).toBe('Auto: rung 3 · 1280x720');
    cleanup();
    renderWithMantine(<StatsBar stats={{ ...stats, level: -1 }} auto />);
    expect(screen.getByTestId('stats-rung').textContent).toBe('Auto: loading');
  });
});
