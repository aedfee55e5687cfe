/** The console's build: `web/` in, `web/dist/` out (served by the API at `/`). */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
    // Where index.html marks it: before the console's own stylesheet, which may override it.
    transformIndexHtml: (html) =>
      html.replace('<!-- antd stylesheet -->', `<link rel="stylesheet" href="/${fileName}" />`),
  };
}

/**
 * Puts web/build/work-list-prefetch.js into index.html as an inline script: it asks for the work
 * list's first page while the bundle is still on its way (the API's content security policy allows
 * the page's inline scripts by their hashes).
 */
function inlineWorkListPrefetch(): Plugin {
  return {
    name: 'inline-work-list-prefetch',
    transformIndexHtml: (html) => {
      // Without its opening comment: the page carries the code, the file the explanation.
      const code = readFileSync(path.join(__dirname, 'build', 'work-list-prefetch.js'), 'utf8').replace(
        /^\/\*[\s\S]*?\*\/\s*/,
        '',
      );
      return html.replace('<!-- work-list prefetch -->', `<script>${code.trim()}</script>`);
    },
  };
}

export default defineConfig({
  root: __dirname,
  base: '/',
  plugins: [react(), inlineWorkListPrefetch(), antdStylesheet()],
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
