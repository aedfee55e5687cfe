/** The console's build: `web/` in, `web/dist/` out (served by the API at `/`). */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * Ships Ant Design's component styles as a stylesheet computed at build time (web/build/antd-styles.tsx)
 * instead of letting antd compute them in the browser on first render. Build only: under `vite`
 * (dev) antd makes them at run time as usual.
 */
function antdStylesheet(): Plugin {
  let fileName = '';
  let css = '';
  return {
    name: 'antd-stylesheet',
    apply: 'build',
    buildStart() {
      const root = path.join(__dirname, '..');
      const result = spawnSync(
        process.execPath,
        [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(__dirname, 'build', 'antd-styles.tsx')],
        // Production class hashes, as the browser bundle uses.
        { cwd: root, env: { ...process.env, NODE_ENV: 'production' }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      );
      if (result.status !== 0) throw new Error(`computing antd's styles failed:\n${result.stderr}`);
      css = result.stdout;
      fileName = `assets/antd-${createHash('sha256').update(css).digest('hex').slice(0, 10)}.css`;
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName, source: css });
    },
    transformIndexHtml: () => [
      { tag: 'link', attrs: { rel: 'stylesheet', href: `/${fileName}` }, injectTo: 'head-prepend' },
    ],
  };
}

export default defineConfig({
  root: __dirname,
  base: '/',
  plugins: [react(), antdStylesheet()],
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
