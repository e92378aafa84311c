/**
 * The address `hls-studio serve` printed carries `?token=`; loading it set the HttpOnly cookie that
 * every later request uses. The token leaves the address bar (history, screenshots, a shared screen)
 * without a reload: `replaceState` changes only the address the page shows.
 */
export function dropTokenFromAddress(win: Pick<Window, 'location' | 'history'> = window): void {
  const url = new URL(win.location.href);
  if (!url.searchParams.has('token')) return;
  url.searchParams.delete('token');
  win.history.replaceState(win.history.state, '', `${url.pathname}${url.search}${url.hash}`);
}
