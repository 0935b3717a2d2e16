// Runs in a dedicated worker of the page: the same comparison, where Atomics.wait is allowed.
import { compareWithCpu } from './compare.js';

compareWithCpu().then(
  (result) => postMessage(result),
  (error: Error) => postMessage({ error: `${error.name}: ${error.message}` }),
);
