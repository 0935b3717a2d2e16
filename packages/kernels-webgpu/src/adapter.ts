/**
 * True for software adapters (Mesa's lavapipe, SwiftShader) that run WGSL on the CPU cores:
 * correct, but usually slower than a CPU backend on the same cores, so auto-selection passes them over.
 */
export function isSoftwareAdapter(description: string): boolean {
  return /llvmpipe|lavapipe|swiftshader|software/i.test(description);
}
