import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  DEBIAN_FASHION_MNIST_DIR,
  FASHION_MNIST_REMOTE,
  IDX_FILE_NAMES,
  loadFashionMnist,
} from '@mlblocks/datasets/node';
import { describe, expect, it } from 'vitest';

// The real Fashion-MNIST from Debian's dataset-fashion-mnist (.ci/run installs it).
const present = IDX_FILE_NAMES.every((f) => existsSync(join(DEBIAN_FASHION_MNIST_DIR, `${f}.gz`)));
if (!present) {
  console.warn(
    `\n*** SKIPPING the real Fashion-MNIST tests: no IDX files in ${DEBIAN_FASHION_MNIST_DIR}.\n` +
      '*** Install them with: apt-get install -y dataset-fashion-mnist\n',
  );
}

describe.skipIf(!present)('Fashion-MNIST (Debian dataset-fashion-mnist)', () => {
  it('loads 60,000 + 10,000 balanced 28×28 images with class names', () => {
    const { train, test } = loadFashionMnist();
    expect([train.length, test.length]).toEqual([60_000, 10_000]);
    expect([train.height, train.width]).toEqual([28, 28]);
    expect(train.images.length).toBe(47_040_000); // one uint8 buffer
    expect(train.classCounts()).toEqual(new Array(10).fill(6000));
    expect(test.classCounts()).toEqual(new Array(10).fill(1000));
    expect(train.classNames[train.label(0)]).toBe('Ankle boot'); // the famous first training image
    expect(loadFashionMnist().train).toBe(train); // cached
  });

  it('matches the SHA-256 of the decompressed files used to verify downloads', () => {
    for (const file of IDX_FILE_NAMES) {
      const raw = gunzipSync(readFileSync(join(DEBIAN_FASHION_MNIST_DIR, `${file}.gz`)));
      expect(createHash('sha256').update(raw).digest('hex'), file).toBe(FASHION_MNIST_REMOTE.sha256[file]);
    }
  });
});
