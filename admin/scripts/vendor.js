#!/usr/bin/env node
// Copy the console's front-end libraries from node_modules into admin/static/vendor.
// Run `npm ci && npm run vendor` in admin/ after changing package.json, then commit the copies:
// the console must run from a fresh clone without npm (no CDN on government intranets).
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const FILES = [
  // [package, file inside the package, name under static/vendor]
  ['htmx.org', 'dist/htmx.min.js', 'htmx.min.js'],
  // The API reference at /api/docs (handlers/openapi.py).
  ['swagger-ui-dist', 'swagger-ui-bundle.js', 'swagger-ui-bundle.js'],
  ['swagger-ui-dist', 'swagger-ui.css', 'swagger-ui.css'],
];

const out = path.join(root, 'static', 'vendor');
fs.mkdirSync(out, { recursive: true });
for (const [pkg, file, name] of FILES) {
  const pkgDir = path.join(root, 'node_modules', pkg);
  const { version } = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  const body = fs.readFileSync(path.join(pkgDir, file), 'utf8');
  fs.writeFileSync(path.join(out, name), `/* ${pkg}@${version} (vendored by admin/scripts/vendor.js) */\n${body}`);
  console.log(`vendored ${pkg}@${version} -> static/vendor/${name}`);
}
