import { describe, expect, it } from 'vitest';
import { embedSnippet } from './embed-snippet.js';

describe('hls.js embed snippet', () => {
  it('plays the URL with hls.js where MSE exists, natively otherwise', () => {
    const html = embedSnippet('https://cdn.example.com/v/film/master.m3u8', {
      posterUrl: 'https://cdn.example.com/v/film/poster.jpg',
    });
    expect(html).toContain('<script src="https://cdn.jsdelivr.net/npm/hls.js@1"></script>');
    expect(html).toContain('var src = "https://cdn.example.com/v/film/master.m3u8";');
    expect(html).toContain('poster="https://cdn.example.com/v/film/poster.jpg"');
    expect(html.indexOf('Hls.isSupported()')).toBeLessThan(
      html.indexOf("canPlayType('application/vnd.apple.mpegurl')"),
    );
  });

  it('a hostile URL cannot break out of the attribute or the script', () => {
    const html = embedSnippet('https://x.example/a"</script><script>alert(1)</script>.m3u8', {
      posterUrl: 'https://x.example/"><img src=x>',
      id: 'a b"c',
    });
    expect(html).not.toContain('</script><script>alert');
    expect(html).toContain('poster="https://x.example/&quot;&gt;&lt;img src=x&gt;"');
    expect(html).toContain('id="a-b-c"');
  });
});
