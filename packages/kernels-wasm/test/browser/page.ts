// Runs in the page: the comparison on the main thread (which may not block: one thread), then in
// a dedicated worker (which may: a pool of two threads where the page is cross-origin isolated).
import { type BrowserResult, compareWithCpu } from './compare.js';

declare global {
  interface Window {
    mlblocksResult?: { main: BrowserResult; worker: BrowserResult } | { error: string };
  }
}

async function inWorker(): Promise<BrowserResult> {
  const worker = new Worker('/worker.js', { type: 'module' });
  return new Promise((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<BrowserResult | { error: string }>) =>
      'error' in e.data ? reject(new Error(e.data.error)) : resolve(e.data);
    worker.onerror = (e) => reject(new Error(e.message));
  });
}

async function run() {
  return { main: await compareWithCpu(), worker: await inWorker() };
}

run().then(
  (result) => {
    window.mlblocksResult = result;
  },
  (error: Error) => {
    window.mlblocksResult = { error: `${error.name}: ${error.message}` };
  },
);
