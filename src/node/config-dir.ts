import os from 'node:os';
import path from 'node:path';

/**
 * Where HLS Studio keeps its settings: env HLS_STUDIO_CONFIG_DIR, else the OS's config folder
 * ($XDG_CONFIG_HOME or ~/.config on Linux, ~/Library/Application Support on macOS, %APPDATA% on Windows).
 */
export function configDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home = os.homedir(),
): string {
  if (env.HLS_STUDIO_CONFIG_DIR) return path.resolve(env.HLS_STUDIO_CONFIG_DIR);
  if (platform === 'win32')
    return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'hls-studio');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'hls-studio');
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'hls-studio');
}
