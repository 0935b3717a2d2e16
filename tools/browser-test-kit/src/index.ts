/**
 * @mlblocks/browser-test-kit — shared by the packages' and apps' headless-Chromium tests.
 */
export { CHROMIUM_PATH, chromiumAvailable, withChromium } from './chromium.js';
export { type Served, type Server, serve } from './serve.js';
