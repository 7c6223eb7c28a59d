import { defineConfig, defaultClientConditions } from 'vite';
import react from '@vitejs/plugin-react';

// The dashboard is a static bundle; the API serves apps/ui/dist beside its JSON and SSE routes on one
// origin, so no CORS is needed. Workspace packages (the route contract in @berth/api/contract) resolve
// to their TypeScript sources. `BERTH_API=http://127.0.0.1:PORT npx vite apps/ui` proxies a running API.
const api = process.env.BERTH_API;

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  resolve: { conditions: ['@berth/source', ...defaultClientConditions] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: true,
  },
  // 7421 is the dev server's port in the ecosystem's registry (BERTH_UI_DEV_PORT; see apps/api/berth.yaml).
  server: { port: Number(process.env.BERTH_UI_DEV_PORT ?? 7421), strictPort: true, ...(api ? { proxy: { '/api': api, '/health': api } } : {}) },
});
