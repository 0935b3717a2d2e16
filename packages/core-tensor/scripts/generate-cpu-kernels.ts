import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderCpuKernels } from './render-cpu-kernels.js';

const target = fileURLToPath(new URL('../src/cpu/elementwise.gen.ts', import.meta.url));
writeFileSync(target, renderCpuKernels());
console.log(`wrote ${target}`);
