import { packageBuild } from '../../tsup.base';

export default packageBuild(['src/index.ts', 'src/node.ts'], {
  // NOTE: the declarations use the WebGPU types (GPU, GPUDevice, …); this directive makes them load
  // @webgpu/types (a dependency), so users need no tsconfig change — without it they were `any`
  // under skipLibCheck and TS2304 errors without (issue #14). rollup-plugin-dts drops directives
  // written in the sources, hence the banner.
  dts: { banner: '/// <reference types="@webgpu/types" />' },
});
