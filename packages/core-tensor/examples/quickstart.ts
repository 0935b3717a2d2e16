// The lesson's first worked example, computed by @mlblocks/core-tensor:
// scores = W·x + b for a 4-pixel image and 3 classes, then softmax turns scores into probabilities.
import { fromArray, tidy } from '@mlblocks/core-tensor';

const W = fromArray([
  [0.2, -0.5, 0.1, 2.0],
  [1.5, 1.3, 2.1, 0.0],
  [0, 0.25, 0.2, -0.3],
]);
const x = fromArray([56, 231, 24, 2]);
const b = fromArray([1.1, 3.2, -1.2]);

const scores = tidy(() => W.matmul(x).add(b));
console.log('scores = W·x + b');
console.log(scores.toString());

const logits = fromArray([3.2, 5.1, -1.7]);
console.log('\nexp(logits)');
console.log(logits.exp().toString());
console.log('softmax(logits) = exp / Σexp');
console.log(logits.softmax().toString());

const label = 1;
const loss = logits.logSoftmax().neg().slice(label).item();
console.log(`\ncross-entropy loss for class ${label}: ${loss.toFixed(4)}`);
