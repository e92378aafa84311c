import { describe, expect, it } from 'vitest';
import { publishNameOf } from './studio-backend.js';

describe('the name a package is offered to be published under', () => {
  it('is its folder’s name', () => {
    expect(publishNameOf('/out/clip', '3f9a0c12be4d')).toBe('clip');
    expect(publishNameOf('/out/clip-2', '3f9a0c12be4d')).toBe('clip-2');
  });

  it('without the job id that older package folders carried', () => {
    expect(publishNameOf('/out/clip-3f9a0c12be4d', '3f9a0c12be4d')).toBe('clip');
    expect(publishNameOf('/out/-3f9a0c12be4d', '3f9a0c12be4d')).toBe('-3f9a0c12be4d');
  });
});
