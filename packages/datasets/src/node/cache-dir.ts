import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * The folder downloads are cached in, read when called (never at import):
 * `$MLBLOCKS_CACHE_DIR` if set, else `$XDG_CACHE_HOME/mlblocks` (when absolute, per the XDG Base
 * Directory spec), else `~/.cache/mlblocks`. Every download function also takes `cacheDir`.
 */
export function defaultCacheDir(env: Record<string, string | undefined> = process.env): string {
  if (env.MLBLOCKS_CACHE_DIR) return env.MLBLOCKS_CACHE_DIR;
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache'), 'mlblocks');
}
