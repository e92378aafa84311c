import type { StudioErrorData } from '../../../src/common/errors';

/** How many bytes of a dropped file are read before it is sent anywhere. */
export const SNIFF_BYTES = 512;

/**
 * What a file's first bytes say it is when they are text: a document, JSON, or plain text. Media files
 * start with binary (an MP4's box size, an MPEG-TS sync byte followed by a PID, Matroska's 0x1A), so
 * text there means the file is not a video; the exception is YUV4MPEG2, a raw video with a text header.
 */
export function textKind(head: Uint8Array): string | undefined {
  if (head.length === 0) return undefined;
  let text: string;
  try {
    // A multi-byte character may be cut at the end of the sample: up to 3 bytes are allowed to go.
    text = decodeUtf8(head);
  } catch {
    return undefined;
  }
  if ([...text].some(isControl)) return undefined;
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('YUV4MPEG2')) return undefined;
  if (start.startsWith('#EXTM3U')) return 'an HLS playlist (text), not the media itself';
  if (/^<(!doctype html|html)/i.test(start)) return 'an HTML page';
  if (start.startsWith('<')) return 'an XML or HTML document';
  if (start.startsWith('{') || start.startsWith('[')) return 'JSON text';
  return 'text';
}

function decodeUtf8(bytes: Uint8Array): string {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (let cut = 0; cut <= 3 && cut < bytes.length; cut++) {
    try {
      return decoder.decode(bytes.subarray(0, bytes.length - cut));
    } catch {
      // try with the last bytes cut
    }
  }
  throw new Error('not UTF-8');
}

/**
 * Why a dropped file cannot be a video, found in the page before any upload: it is empty, or its first
 * bytes are text. Undefined when it may be media (ffprobe decides later).
 */
export async function rejectBeforeUpload(file: File): Promise<StudioErrorData | undefined> {
  if (file.size === 0)
    return {
      code: 'FILE_EMPTY',
      message: `${file.name} is empty (0 bytes): there is nothing to encode`,
      file: file.name,
    };
  const head = await readBytes(file.slice(0, SNIFF_BYTES));
  const kind = textKind(head);
  return kind
    ? {
        code: 'NOT_MEDIA',
        message: `${file.name} is not a video or audio file: it is ${kind}`,
        file: file.name,
      }
    : undefined;
}

/** FileReader rather than Blob.arrayBuffer: the same code runs in jsdom, which lacks the latter. */
function readBytes(blob: Blob): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer));
    reader.onerror = () => reject(reader.error ?? new Error('could not read the file'));
    reader.readAsArrayBuffer(blob);
  });
}

/** C0 controls and DEL, but not the tab, line feed, form feed and carriage return text is made of. */
function isControl(char: string): boolean {
  const code = char.charCodeAt(0);
  return (code < 0x20 && ![0x09, 0x0a, 0x0c, 0x0d].includes(code)) || code === 0x7f;
}
