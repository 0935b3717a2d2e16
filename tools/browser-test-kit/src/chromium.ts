import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`; `.ci/run` installs it). Never a downloaded browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Whether the browser tests of `what` can run: true when Chromium is installed. When it is not,
 * under `CI=true` this throws (CI must never skip them silently); elsewhere it warns loudly and
 * returns false, for `describe.skipIf(!available)`.
 */
export function chromiumAvailable(what: string): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI === 'true')
    throw new Error(`CI=true but ${CHROMIUM_PATH} is missing; .ci/run installs Debian's chromium`);
  console.warn(`\n*** ${what} browser test SKIPPED: ${CHROMIUM_PATH} not found (apt-get install chromium)\n`);
  return false;
}

/** Runs `f` with headless Chromium launched with `args`, and closes it whatever happens. */
export async function withChromium<T>(
  args: readonly string[],
  f: (browser: Browser) => Promise<T>,
): Promise<T> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...args] });
  try {
    return await f(browser);
  } finally {
    await browser.close();
  }
}
