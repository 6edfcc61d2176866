// Stand-in for the `miniprogram-compiler` package inside jest: it runs the same official
// wcc binary, but resolves usingComponents the way DevTools does (npm names live in
// miniprogram_npm/, "/x" is from the project root), which the stock wrapper does not.
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const wccPath = path.join(path.dirname(require.resolve('miniprogram-compiler/package.json')), 'bin', process.platform === 'darwin' ? 'mac' : 'linux', 'wcc');

function resolveComponent(rootPath, fromFile, ref) {
  if (ref.startsWith('/')) return ref.slice(1);
  if (ref.startsWith('.')) return path.posix.join(path.posix.dirname(fromFile), ref);
  return path.posix.join('miniprogram_npm', ref);
}

function readJson(file) {
  try { return JSON.parse(fs.readFileSync(file, 'utf8')); } catch (e) { return {}; }
}

function listEntries(rootPath) {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(path.join(rootPath, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!['node_modules', 'miniprogram_npm', 'tests', 'coverage'].includes(e.name) && !e.name.startsWith('.')) walk(rel);
      } else if (e.name.endsWith('.wxml')) out.push(rel.slice(0, -5));
    }
  };
  walk('');
  return out;
}

// Collect the wxml files reachable from our pages: components and <import>/<include> targets.
function collect(rootPath) {
  const seen = new Map();
  const wxs = new Set();
  const queue = listEntries(rootPath);
  while (queue.length) {
    const file = queue.shift();
    if (seen.has(file)) continue;
    const wxmlFile = path.join(rootPath, `${file}.wxml`);
    if (!fs.existsSync(wxmlFile)) continue;
    const json = readJson(path.join(rootPath, `${file}.json`));
    seen.set(file, json);
    for (const ref of Object.values(json.usingComponents || {})) queue.push(resolveComponent(rootPath, file, ref));
    const wxml = fs.readFileSync(wxmlFile, 'utf8');
    for (const m of wxml.matchAll(/<(?:import|include)\s+src="([^"]+)"/g)) {
      queue.push(path.posix.join(path.posix.dirname(file), m[1]).replace(/\.wxml$/, ''));
    }
    for (const m of wxml.matchAll(/<wxs\s+src="([^"]+)"/g)) {
      wxs.add(path.posix.join(path.posix.dirname(file), m[1]));
    }
  }
  return { files: [...seen.entries()], wxs: [...wxs] };
}

function wxmlToJs(rootPath) {
  const { files, wxs } = collect(rootPath);
  const withComponents = files.filter(([, json]) => json.usingComponents);
  const componentArgs = [withComponents.length];
  for (const [file, json] of withComponents) {
    const keys = Object.keys(json.usingComponents);
    componentArgs.push(`${file}.wxml`, keys.length, ...keys);
  }
  const args = ['-d', '-cc', componentArgs.join(' ')]
    .concat(files.map(([file]) => `${file}.wxml`))
    .concat(wxs)
    .concat(['-gn', '$gwx']);
  try { fs.chmodSync(wccPath, 0o755); } catch (e) { /* read-only install */ }
  const res = spawnSync(wccPath, args, { cwd: rootPath, maxBuffer: 64 * 1024 * 1024 });
  if (res.status !== 0) throw new Error(`wcc failed: ${res.error || res.stderr.toString()}`);
  return `${res.stdout.toString()}; return $gwx;`;
}

module.exports = { wxmlToJs, collect };
