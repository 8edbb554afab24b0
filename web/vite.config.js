import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { resolve } from 'node:path'

// Two pages from one build: the staff console at / and the citizens' page at /h5/.
export default defineConfig({
  plugins: [vue()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    // No inline <script> or data: module preload polyfill: the server's CSP allows 'self' only.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    rollupOptions: {
      input: {
        console: resolve(__dirname, 'index.html'),
        h5: resolve(__dirname, 'h5/index.html'),
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
})
