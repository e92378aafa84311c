/**
 * Which demuxers may open a user's file. ffmpeg picks the demuxer from the file's bytes, not its name,
 * and some demuxers open other files: an HLS playlist (even one renamed `innocent.mp4`) follows `../x.ts`
 * and `file:///…` segment paths anywhere on the disk, `-protocol_whitelist file` notwithstanding (issue 13).
 * So every input option set names the container demuxers we accept (`-format_whitelist`, an
 * AVFormatContext option checked before the demuxer reads anything); hls, dash, concat, image2 and the
 * like are refused whatever the file is called. mov's external references stay off (`enable_drefs`
 * defaults to 0 in 5.1), as does its `use_absolute_path`.
 */
export const SOURCE_DEMUXERS = [
  'mov', // mov,mp4,m4a,3gp,3g2,mj2 (.mp4 .mov .m4v .m4a .3gp)
  'matroska', // matroska,webm (.mkv .webm .mka)
  'mpegts', // .ts .m2ts .mts
  'mpeg', // program streams: .mpg .mpeg .vob
  'mpegvideo', // MPEG-1/2 elementary streams (.m1v/.m2v, some .mpg)
  'avi',
  'flv',
  'mxf',
  'dv',
  'asf', // .wmv .asf
  'ogg', // .ogv .opus .ogg
  'wav',
  'w64',
  'aiff',
  'flac',
  'mp3',
  'aac',
] as const;

/** Sidecar subtitle files (.srt, .vtt, .ass/.ssa) go through their own demuxers only. */
export const SUBTITLE_DEMUXERS = ['srt', 'webvtt', 'ass'] as const;

/**
 * Input options for a file we did not write: the file protocol only, and only the given demuxers.
 * Place them before the `-i` (ffmpeg) or the input (ffprobe) they are about.
 */
export function safeInputOptions(demuxers: readonly string[] = SOURCE_DEMUXERS): string[] {
  return ['-protocol_whitelist', 'file', '-format_whitelist', demuxers.join(',')];
}

/** Names of demuxers that open other files: what the refusal message calls them. */
const PLAYLIST_DEMUXERS = /^(hls|applehttp|dash|concat|ffconcat|image2|tee|ffmetadata)$/;

/** The user-facing sentence for a file whose detected demuxer is not accepted. */
export function refusedFormatMessage(file: string, demuxer: string): string {
  if (demuxer === 'hls' || demuxer === 'applehttp') {
    return `${file}: playlists (HLS) are not accepted as sources: a playlist names other files, which may lie anywhere on the disk; give the video file itself`;
  }
  if (demuxer === 'image2' || demuxer.endsWith('_pipe')) {
    return `${file}: still images and image sequences are not accepted as sources; give a video or audio file`;
  }
  if (PLAYLIST_DEMUXERS.test(demuxer)) {
    return `${file}: ${demuxer} files are not accepted as sources: they name other files; give the video file itself`;
  }
  return `${file}: the ${demuxer} format is not accepted as a source (accepted: MP4/MOV, MKV/WebM, MPEG-TS/PS, AVI, FLV, MXF, DV, WMV, Ogg, WAV, FLAC, MP3, AAC)`;
}
