// Two pages, built to dist/ and served by the BFF (server/web.py): the Billing &
// Subscriptions page (index.html) and GraphiQL (graphiql.html), both without a CDN.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = 'http://127.0.0.1:8000';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // GraphiQL's editor (Monaco) is large; only /graphql loads it, never the page.
    chunkSizeWarningLimit: 3000,
    rolldownOptions: {
      input: { main: 'index.html', graphiql: 'graphiql.html' },
      onwarn(warning, warn) {
        // GraphiQL's modules open with "use no memo", meant for the React Compiler only.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  // `npm run dev` serves the page with hot reload and sends the API to `make run`'s server.
  server: {
    proxy: {
      '/graphql': { target: api, ws: true },
      '/dev': api,
    },
  },
});
