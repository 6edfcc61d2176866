#!/usr/bin/env node
// How big the uploaded main package and each subpackage are. project.config.json sets
// `ignoreUploadUnusedFiles`, so an upload holds only what is reachable: app.*, the pages of
// app.json, and from each of them the components in `usingComponents` (ours and TDesign's in
// miniprogram_npm/), their require()/import, <wxs>/<import>/<include>, @import and asset paths.
// A reached file belongs to the subpackage whose root holds it, else to the main package (so a
// TDesign component used only by a subpackage still weighs on the main package). Sizes are of the
// source files, before DevTools minifies them: an upper bound of what is uploaded.
//   node scripts/package-size.js        prints the table; exits 1 over the limits
const fs = require('fs');
const path = require('path');

const DEFAULT_ROOT = path.resolve(__dirname, '..');
let ROOT = DEFAULT_ROOT;
const MAIN_LIMIT = 2 * 1024 * 1024; // WeChat: main package ≤ 2 MB
const SUB_LIMIT = 2 * 1024 * 1024; // each subpackage ≤ 2 MB
const TOTAL_LIMIT = 20 * 1024 * 1024; // all packages together ≤ 20 MB
const PAGE_EXTS = ['.js', '.json', '.wxml', '.wxss'];
const ASSET = /\.(png|jpe?g|gif|svg|webp)$/i;
// Modules required inside try/catch that may be absent (config.js's local, uncommitted overrides).
const OPTIONAL = new Set(['./config.local.js']);

function exists(file) {
  try {
    return fs.statSync(file).isFile();
  } catch (e) {
    return false;
  }
}

function rel(file) {
  return path.relative(ROOT, file).split(path.sep).join('/');
}

// A JS module path: relative, absolute from the root, or a package in the nearest miniprogram_npm/.
function resolveModule(spec, fromFile) {
  const tries = (base) => [base, `${base}.js`, path.join(base, 'index.js')];
  let bases;
  if (spec.startsWith('.')) bases = [path.resolve(path.dirname(fromFile), spec)];
  else if (spec.startsWith('/')) bases = [path.join(ROOT, spec)];
  else {
    bases = [];
    for (let dir = path.dirname(fromFile); dir.startsWith(ROOT); dir = path.dirname(dir)) {
      bases.push(path.join(dir, 'miniprogram_npm', spec));
      if (dir === ROOT) break;
    }
  }
  for (const base of bases) {
    const hit = tries(base).find(exists);
    if (hit) return hit;
  }
  return null;
}

// A component path from usingComponents (without extension): relative, absolute, or npm.
function resolveComponent(spec, fromJson) {
  if (spec.startsWith('plugin://') || spec.startsWith('weui-miniprogram')) return null;
  let base;
  if (spec.startsWith('.')) base = path.resolve(path.dirname(fromJson), spec);
  else if (spec.startsWith('/')) base = path.join(ROOT, spec);
  else {
    for (let dir = path.dirname(fromJson); dir.startsWith(ROOT); dir = path.dirname(dir)) {
      const candidate = path.join(dir, 'miniprogram_npm', spec);
      if (exists(`${candidate}.json`) || exists(path.join(candidate, 'index.json'))) {
        base = candidate;
        break;
      }
      if (dir === ROOT) break;
    }
  }
  if (!base) return null;
  if (!exists(`${base}.json`) && exists(path.join(base, 'index.json'))) base = path.join(base, 'index');
  return exists(`${base}.json`) || exists(`${base}.js`) ? base : null;
}

function resolveAsset(spec, fromFile) {
  if (/^(https?:|data:|\{\{)/.test(spec)) return null;
  const file = spec.startsWith('/') ? path.join(ROOT, spec) : path.resolve(path.dirname(fromFile), spec);
  return exists(file) ? file : null;
}

function collect(entries) {
  const seen = new Set();
  const missing = [];
  const stack = [...entries];
  const addUnit = (base) => PAGE_EXTS.map((ext) => `${base}${ext}`).filter(exists).forEach((f) => stack.push(f));
  while (stack.length) {
    const file = stack.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const text = fs.readFileSync(file, 'utf8');
    const ext = path.extname(file);
    if (ext === '.js' || ext === '.wxs') {
      const re = /(?:require\(\s*|import\s*(?:[\w*{}\s,$]+from\s*)?|export\s*[\w*{}\s,$]*from\s*)['"]([^'"]+)['"]/g;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        const hit = resolveModule(m[1], file);
        if (hit) stack.push(hit);
        else if ((m[1].startsWith('.') || m[1].startsWith('/')) && !OPTIONAL.has(m[1])) missing.push(`${rel(file)} → ${m[1]}`);
      }
    } else if (ext === '.json') {
      let json = {};
      try {
        json = JSON.parse(text);
      } catch (e) {
        json = {};
      }
      const comps = { ...(json.usingComponents || {}), ...(json.componentGenerics || {}) };
      for (const spec of Object.values(comps)) {
        const target = typeof spec === 'string' ? spec : spec && spec.default;
        if (!target) continue;
        const base = resolveComponent(target, file);
        if (base) addUnit(base);
        else missing.push(`${rel(file)} → ${target}`);
      }
    } else if (ext === '.wxml') {
      const re = /<(?:wxs|import|include)\s[^>]*src\s*=\s*["']([^"']+)["']/g;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        const hit = resolveAsset(m[1], file) || resolveAsset(`${m[1]}.wxml`, file);
        if (hit) stack.push(hit);
        else missing.push(`${rel(file)} → ${m[1]}`);
      }
      const assets = /\ssrc\s*=\s*["']([^"'{}]+)["']/g;
      for (let m = assets.exec(text); m; m = assets.exec(text)) {
        if (!ASSET.test(m[1])) continue;
        const hit = resolveAsset(m[1], file);
        if (hit) seen.add(hit);
      }
    } else if (ext === '.wxss') {
      const re = /@import\s+["']([^"']+)["']/g;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        const hit = resolveAsset(m[1], file);
        if (hit) stack.push(hit);
        else missing.push(`${rel(file)} → ${m[1]}`);
      }
    }
  }
  return { files: seen, missing };
}

function measure(root = DEFAULT_ROOT) {
  ROOT = root;
  const app = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'));
  const subs = (app.subPackages || app.subpackages || []).map((s) => ({
    root: s.root.replace(/\/$/, ''),
    name: s.name || s.root,
    pages: s.pages.map((p) => path.join(ROOT, s.root, p)),
  }));
  const entries = ['app.js', 'app.json', 'app.wxss', 'sitemap.json', 'project.config.json']
    .map((f) => path.join(ROOT, f))
    .filter(exists);
  const pageBases = [...app.pages.map((p) => path.join(ROOT, p)), ...subs.flatMap((s) => s.pages)];
  if (app.tabBar && app.tabBar.custom) pageBases.push(path.join(ROOT, 'custom-tab-bar/index'));
  for (const base of pageBases) PAGE_EXTS.map((e) => `${base}${e}`).filter(exists).forEach((f) => entries.push(f));
  const globals = Object.values(app.usingComponents || {});
  for (const spec of globals) {
    const base = resolveComponent(spec, path.join(ROOT, 'app.json'));
    if (base) PAGE_EXTS.map((e) => `${base}${e}`).filter(exists).forEach((f) => entries.push(f));
  }
  const { files, missing } = collect(entries);
  const packages = { main: { name: 'main', root: '', bytes: 0, files: [] } };
  for (const s of subs) packages[s.root] = { name: s.name, root: s.root, bytes: 0, files: [] };
  for (const file of files) {
    const r = rel(file);
    const sub = subs.find((s) => r.startsWith(`${s.root}/`));
    const pkg = packages[sub ? sub.root : 'main'];
    const size = fs.statSync(file).size;
    pkg.bytes += size;
    pkg.files.push({ file: r, bytes: size });
  }
  // A subpackage may use the main package's files, never another subpackage's.
  const crossings = [];
  for (const s of subs) {
    const own = collect(s.pages.flatMap((b) => PAGE_EXTS.map((e) => `${b}${e}`).filter(exists))).files;
    for (const file of own) {
      const r = rel(file);
      const other = subs.find((o) => o !== s && r.startsWith(`${o.root}/`));
      if (other) crossings.push(`${s.root} → ${r}`);
    }
  }
  const list = Object.values(packages);
  const total = list.reduce((n, p) => n + p.bytes, 0);
  const over = list
    .filter((p) => p.bytes > (p.root ? SUB_LIMIT : MAIN_LIMIT))
    .map((p) => `${p.name} ${(p.bytes / 1024).toFixed(0)} KB`);
  if (total > TOTAL_LIMIT) over.push(`total ${(total / 1024).toFixed(0)} KB`);
  return { packages: list, total, over, missing, crossings };
}

if (require.main === module) {
  const r = measure();
  for (const p of r.packages) console.log(`${(p.name || 'main').padEnd(12)} ${(p.bytes / 1024).toFixed(1).padStart(8)} KB  ${p.files.length} files`);
  console.log(`${'total'.padEnd(12)} ${(r.total / 1024).toFixed(1).padStart(8)} KB`);
  if (process.argv.includes('--files')) {
    const main = r.packages[0].files.sort((a, b) => b.bytes - a.bytes).slice(0, 40);
    main.forEach((f) => console.log(`  ${(f.bytes / 1024).toFixed(1).padStart(7)} KB ${f.file}`));
  }
  r.missing.forEach((m) => console.log(`missing: ${m}`));
  r.crossings.forEach((m) => console.log(`crosses subpackages: ${m}`));
  if (r.over.length || r.missing.length || r.crossings.length) {
    console.log(`over the limit: ${r.over.join(', ')}`);
    process.exitCode = 1;
  }
}

module.exports = { measure, collect, MAIN_LIMIT, SUB_LIMIT, TOTAL_LIMIT };
