#!/usr/bin/env node
// Builds the console (web/ → web/dist/) when its build is missing or stale: the build records a
// hash of its inputs (web/src, web/build, the domain code it imports, index.html, the
// Vite config, package-lock.json) and is redone when they change. Used by `npm start`, the test suite and `npm run web:build -- --force`.
'use strict';

const { createHash } = require('node:crypto');
const { spawnSync } = require('node:child_process');
const { existsSync, readFileSync, readdirSync, statSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const web = path.join(root, 'web');
const stampFile = path.join(web, 'dist', '.inputs-sha256');

function files(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? files(full) : [full];
    });
}

/** The hash of everything the build is made from. */
function inputsHash() {
  const hash = createHash('sha256');
  const inputs = [
    ...files(path.join(web, 'src')),
    ...files(path.join(web, 'build')),
    path.join(root, 'domain', 'model.ts'),
    path.join(root, 'domain', 'messages-zh.ts'),
    path.join(root, 'records', 'labels.ts'),
    path.join(root, 'records', 'parts.ts'),
    path.join(root, 'records', 'style.ts'),
    path.join(web, 'index.html'),
    path.join(web, 'vite.config.ts'),
    path.join(root, 'package-lock.json'),
  ];
  for (const file of inputs) hash.update(path.relative(root, file)).update('\0').update(readFileSync(file));
  return hash.digest('hex');
}

function isStale() {
  return (
    !existsSync(path.join(web, 'dist', 'index.html')) ||
    !existsSync(stampFile) ||
    readFileSync(stampFile, 'utf8') !== inputsHash()
  );
}

/** Builds when stale (or always with `force`); throws when the build fails. */
function ensureConsole({ force = false, quiet = false } = {}) {
  if (!force && !isStale()) return false;
  if (!quiet) console.error('building the console (web/ → web/dist/)');
  const hash = inputsHash();
  const result = spawnSync(
    process.execPath,
    [
      path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      path.join(web, 'vite.config.ts'),
      '--logLevel',
      'warn',
    ],
    {
      cwd: root,
      // A production build whatever the caller runs under (Jest sets NODE_ENV=test).
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: quiet ? 'pipe' : 'inherit',
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) {
    throw new Error(`the console build failed${quiet ? `:\n${result.stdout}\n${result.stderr}` : ''}`);
  }
  writeFileSync(stampFile, hash);
  return true;
}

module.exports = { ensureConsole, isStale };

if (require.main === module) {
  try {
    ensureConsole({ force: process.argv.includes('--force') });
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
