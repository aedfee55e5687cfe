/** The console's build: `web/` in, `web/dist/` out (served by the API at `/`). */
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: __dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: path.join(__dirname, 'dist'),
    emptyOutDir: true,
    // antd and React are shared by every screen; ECharts loads only with the dashboard.
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        manualChunks: (id) => {
          if (/node_modules[\\/](echarts|zrender)[\\/]/.test(id)) return 'echarts';
          return undefined;
        },
      },
    },
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:3000' } },
});
