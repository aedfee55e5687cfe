#!/usr/bin/env node
// prestart / pretest: installs dependencies on a fresh clone so that `npm start` and `npm test`
// work right away. Costs one stat call when they are already there.
'use strict';

const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
// .package-lock.json is written by npm at the end of an install: a half-finished one lacks it.
if (existsSync(path.join(root, 'node_modules', '.package-lock.json'))) process.exit(0);

console.error('node_modules is missing: running npm ci');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const result = spawnSync(npm, ['ci'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
if (result.error) {
  console.error(`could not run npm ci: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
