#!/usr/bin/env node
// Does what WeChat DevTools' "构建 npm" does for our dependencies: copy each
// dependency's `miniprogram` dir (default miniprogram_dist) into miniprogram_npm/<name>.
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const pkg = require(path.join(root, 'package.json'));
const outDir = path.join(root, 'miniprogram_npm');

function copyDir(src, dest) {
  fs.mkdirSync(dest, { recursive: true });
  for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
    const from = path.join(src, entry.name);
    const to = path.join(dest, entry.name);
    if (entry.isDirectory()) copyDir(from, to);
    else fs.copyFileSync(from, to);
  }
}

function build() {
  const names = Object.keys(pkg.dependencies || {});
  fs.rmSync(outDir, { recursive: true, force: true });
  const built = [];
  for (const name of names) {
    const depRoot = path.join(root, 'node_modules', name);
    if (!fs.existsSync(depRoot)) {
      console.error(`[build-npm] ${name} is not installed; run npm install first`);
      process.exitCode = 1;
      continue;
    }
    const depPkg = JSON.parse(fs.readFileSync(path.join(depRoot, 'package.json'), 'utf8'));
    const distDir = path.join(depRoot, depPkg.miniprogram || 'miniprogram_dist');
    if (!fs.existsSync(distDir)) {
      // DevTools would bundle `main` into index.js; we only vendor miniprogram packages.
      console.error(`[build-npm] ${name} has no ${depPkg.miniprogram || 'miniprogram_dist'}; skipped`);
      continue;
    }
    copyDir(distDir, path.join(outDir, name));
    built.push(`${name}@${depPkg.version}`);
  }
  console.log(`[build-npm] miniprogram_npm/: ${built.join(', ') || '(nothing)'}`);
}

if (require.main === module) build();
module.exports = { build };
