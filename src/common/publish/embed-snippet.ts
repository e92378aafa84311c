/** An HTML snippet that plays a published package: hls.js where MSE exists, native HLS (Safari, iOS) otherwise. */
export function embedSnippet(
  playbackUrl: string,
  options: { posterUrl?: string; id?: string; hlsJsUrl?: string } = {},
): string {
  const id = (options.id ?? 'hls-studio-player').replace(/[^A-Za-z0-9_-]/g, '-');
  const hlsJs = options.hlsJsUrl ?? 'https://cdn.jsdelivr.net/npm/hls.js@1';
  const poster = options.posterUrl ? ` poster="${escapeAttribute(options.posterUrl)}"` : '';
  // JSON.stringify makes a JS string literal; escaping "<" keeps "</script>" in a URL from closing the tag.
  const js = (value: string) => JSON.stringify(value).replace(/</g, '\\u003c');
  return [
    `<video id="${id}" controls playsinline preload="metadata"${poster} style="width:100%;max-width:960px"></video>`,
    `<script src="${escapeAttribute(hlsJs)}"></script>`,
    '<script>',
    '  (function () {',
    `    var video = document.getElementById(${js(id)});`,
    `    var src = ${js(playbackUrl)};`,
    '    if (window.Hls && Hls.isSupported()) {',
    '      var hls = new Hls();',
    '      hls.loadSource(src);',
    '      hls.attachMedia(video);',
    "    } else if (video.canPlayType('application/vnd.apple.mpegurl')) {",
    '      video.src = src;',
    '    }',
    '  })();',
    '</script>',
  ].join('\n');
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
