import HLS from 'hls-parser';

export type ParsedPlaylist = ReturnType<typeof HLS.parse>;

export type PlaylistParse =
  | {
      ok: true;
      playlist: ParsedPlaylist;
      /** What strict parsing objected to (lenient parsing got past it). */ problems: string[];
    }
  | { ok: false; error: string };

/**
 * Parses a playlist without hls-parser's side effects. In its default lenient mode hls-parser prints
 * every objection to stderr ("Invalid Playlist : The EXT-X-TARGETDURATION tag is REQUIRED") and may then
 * crash on what it let through (`Cannot destructure property 'name'…` for a text that is no playlist).
 * So: strict first (its objection becomes our finding), then lenient and silent to still get a model
 * the other rules can read. hls-parser's options are global; they are restored before returning, and
 * parsing is synchronous, so nothing else can run in between.
 */
export function parsePlaylist(text: string): PlaylistParse {
  // RFC 8216 4.3.1.1: the EXTM3U tag MUST be the first line (a BOM is tolerated by players).
  if (!/^\uFEFF?#EXTM3U[ \t]*\r?(\n|$)/.test(text))
    return { ok: false, error: 'not a playlist: the first line is not #EXTM3U' };
  const before = HLS.getOptions();
  const restore = { strictMode: before.strictMode ?? false, silent: before.silent ?? false };
  try {
    HLS.setOptions({ strictMode: true, silent: true });
    let objection: string;
    try {
      return { ok: true, playlist: HLS.parse(text), problems: [] };
    } catch (error) {
      objection = strictMessage(error);
    }
    HLS.setOptions({ strictMode: false, silent: true });
    try {
      return { ok: true, playlist: HLS.parse(text), problems: [objection] };
    } catch {
      return { ok: false, error: objection };
    }
  } finally {
    HLS.setOptions(restore);
  }
}

/** "Invalid Playlist : The EXT-X-TARGETDURATION tag is REQUIRED" → "the EXT-X-TARGETDURATION tag is REQUIRED". */
function strictMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const text = message.replace(/^Invalid Playlist\s*:\s*/i, '');
  return text.charAt(0).toLowerCase() + text.slice(1);
}
