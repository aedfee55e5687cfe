/**
 * Ant Design writes each component's CSS in the browser the first time the component renders
 * (CSS-in-JS); measured on the work list, that was a large share of the console's first render.
 * This computes the same CSS at build time: every antd component the console imports is rendered
 * on the server with the console's theme, and the styles antd registered are printed as one
 * stylesheet. Its last rule maps each style to its hash; antd reads that map in the browser and
 * skips the styles the stylesheet already holds (anything missing is still made at run time).
 *
 * Run by the console's build (vite.config.ts) with NODE_ENV=production, so the class hashes are
 * the production ones: `tsx web/build/antd-styles.tsx` prints the CSS on stdout.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createCache, extractStyle, StyleProvider } from '@ant-design/cssinjs';
import * as antd from 'antd';
import { createElement as h, Fragment, type ComponentType, type ReactNode } from 'react';
import { renderToString } from 'react-dom/server';
import { THEME } from '../src/theme';

const SOURCES = path.join(__dirname, '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : /\.tsx?$/.test(name) ? [full] : [];
  });
}

/** The names the console imports from 'antd' (`import { Button, App as AntApp } from 'antd'`). */
function importedComponents(): string[] {
  const names = new Set<string>();
  for (const file of sourceFiles(SOURCES)) {
    for (const match of readFileSync(file, 'utf8').matchAll(/import\s*{([^}]*)}\s*from\s*'antd'/g)) {
      for (const part of match[1].split(',')) {
        const name = part.trim().split(/\s+as\s+/)[0];
        if (/^[A-Z]/.test(name)) names.add(name);
      }
    }
  }
  return [...names].sort();
}

type AnyComponent = ComponentType<Record<string, unknown>>;
const component = (name: string) => (antd as unknown as Record<string, AnyComponent>)[name];

/** Components whose parts have styles of their own, or that need props to render at all. */
const RENDER: Record<string, () => ReactNode> = {
  Menu: () => h(antd.Menu, { items: [{ key: 'a', label: 'a' }], mode: 'inline' }),
  Layout: () =>
    h(
      antd.Layout,
      null,
      h(antd.Layout.Sider, null),
      h(antd.Layout.Header),
      h(antd.Layout.Content),
      h(antd.Layout.Footer),
    ),
  Typography: () => h(Fragment, null, h(antd.Typography.Title), h(antd.Typography.Text), h(antd.Typography.Paragraph)),
  Input: () => h(Fragment, null, h(antd.Input), h(antd.Input.TextArea), h(antd.Input.Password), h(antd.Input.Search)),
  Form: () => h(antd.Form, null, h(antd.Form.Item, { label: 'a' }, h(antd.Input))),
  List: () => h(antd.List, { dataSource: [1], renderItem: () => h(antd.List.Item, null, h(antd.List.Item.Meta)) }),
  Table: () => h(antd.Table, { columns: [{ title: 'a', dataIndex: 'a' }], dataSource: [{ a: 1, key: 1 }] }),
  Descriptions: () => h(antd.Descriptions, { items: [{ key: 'a', label: 'a', children: 'a' }] }),
  Steps: () => h(antd.Steps, { items: [{ title: 'a' }] }),
  Timeline: () => h(antd.Timeline, { items: [{ children: 'a' }] }),
  Radio: () => h(antd.Radio.Group, null, h(antd.Radio), h(antd.Radio.Button)),
  Popover: () => h(antd.Popover, { open: true, content: 'a' }, h('span')),
  Popconfirm: () => h(antd.Popconfirm, { open: true, title: 'a' }, h('span')),
};

/** The stylesheet of what the console imports from antd, with antd's map of it at the end. */
function antdStyles(): string {
  const cache = createCache();
  const nodes = importedComponents().map((name) =>
    h(Fragment, { key: name }, RENDER[name] ? RENDER[name]() : component(name) ? h(component(name)) : null),
  );
  renderToString(
    h(
      StyleProvider,
      { cache },
      h(antd.ConfigProvider, { theme: THEME }, h(antd.App, null, ...nodes, h(antd.Spin), h(antd.Empty))),
    ),
  );
  return extractStyle(cache, { plain: true });
}

if (require.main === module) process.stdout.write(antdStyles());
