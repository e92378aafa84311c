// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { dropTokenFromAddress } from './address-token';

describe('dropTokenFromAddress', () => {
  it('removes ?token= and keeps the rest of the address', () => {
    window.history.replaceState(null, '', '/?token=abcdefghijklmnopqrstuvwxyz&tab=queue#x');
    dropTokenFromAddress();
    expect(window.location.pathname + window.location.search + window.location.hash).toBe('/?tab=queue#x');
  });

  it('leaves an address without a token alone', () => {
    window.history.replaceState(null, '', '/index.html');
    dropTokenFromAddress();
    expect(window.location.href).toMatch(/\/index\.html$/);
  });
});
