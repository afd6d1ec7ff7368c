/**
 * The web app (index.html) and the admin console (admin.html), built into dist/web as one static
 * site that reads config.json at run time. `npm start` builds it when its inputs changed
 * (web/build.ts); `npm run web:build` builds it by hand; `npm run web:dev` serves it with hot
 * reload against a running `npm start` (config.json is proxied to the stack).
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { recordBuildInputs } from './build.ts';

const webDir = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root: webDir,
  // Relative asset URLs: the build works under any path (a CloudFront origin path, a sub-folder).
  base: './',
  plugins: [react(), recordBuildInputs(repoRoot)],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    // Amplify is most of the bundle; a few hundred KB is expected, not a warning.
    chunkSizeWarningLimit: 1024,
    rollupOptions: { input: { app: `${webDir}index.html`, admin: `${webDir}admin.html` } },
  },
  server: {
    host: '127.0.0.1',
    fs: { allow: [repoRoot] },
    proxy: { '/config.json': process.env.FACEGATE_WEB_API ?? 'http://127.0.0.1:4000' },
  },
});
