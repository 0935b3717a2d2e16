/** Builds the wasm variants into src/engine/wasm-binary.gen.ts; false when already up to date. */
export function buildWasm(options?: { force?: boolean }): Promise<boolean>;
export const HEAP_BASE_PAGES: number;
