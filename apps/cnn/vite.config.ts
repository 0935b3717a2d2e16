import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';

// The model the page classifies with: the checkpoint `cnn train` wrote (out/cnn/model.safetensors),
// served at /model.safetensors by `vite` and `vite preview` (a built page fetches it from its server).
const checkpoint = fileURLToPath(new URL('./out/cnn/model.safetensors', import.meta.url));
function serveCheckpoint(): Plugin {
  const middleware = async (
    req: { url?: string },
    res: import('node:http').ServerResponse,
    next: () => void,
  ) => {
    if (req.url?.split('?')[0] !== '/model.safetensors') return next();
    try {
      const bytes = await readFile(checkpoint);
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes);
    } catch {
      res.writeHead(404).end(`no ${checkpoint}: run pnpm --filter cnn cnn train first`);
    }
  };
  return {
    name: 'cnn-checkpoint',
    configureServer: (server) => void server.middlewares.use(middleware),
    configurePreviewServer: (server) => void server.middlewares.use(middleware),
  };
}

// The page lives in web/; the packages are used from their sources through "@mlblocks/source".
export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  resolve: { conditions: ['@mlblocks/source', ...defaultClientConditions] },
  plugins: [serveCheckpoint()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
  },
});
