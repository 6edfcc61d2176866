// The uploaded main package must stay under 2 MB (each subpackage under 2 MB, all under 20 MB),
// computed from what the pages reference (scripts/package-size.js), not from the folder sizes.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { measure, MAIN_LIMIT, SUB_LIMIT } = require('../scripts/package-size');

describe('package size', () => {
  test('main package and every subpackage are within the limits', () => {
    const r = measure();
    const main = r.packages.find((p) => p.name === 'main');
    expect(r.missing).toEqual([]);
    expect(r.crossings).toEqual([]);
    expect(r.over).toEqual([]);
    expect(main.bytes).toBeLessThan(MAIN_LIMIT);
    // the pages' TDesign components are counted (icon is used by the home page)...
    const files = main.files.map((f) => f.file);
    expect(files).toContain('miniprogram_npm/tdesign-miniprogram/icon/icon.wxss');
    expect(files).toContain('pages/home/index.js');
    // ...but not the components nobody uses, nor the tests
    expect(files).not.toContain('miniprogram_npm/tdesign-miniprogram/chat-markdown/chat-markdown.js');
    expect(files.some((f) => f.startsWith('tests/'))).toBe(false);
    for (const p of r.packages.filter((x) => x.root)) {
      expect(p.bytes).toBeLessThan(SUB_LIMIT);
      expect(p.files.every((f) => f.file.startsWith(`${p.root}/`))).toBe(true);
    }
  });

  test('a page pulling in a big component, or another subpackage, fails', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-size-'));
    const write = (file, text) => {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    };
    write('app.json', JSON.stringify({ pages: ['pages/a/index'], subPackages: [{ root: 'pa', pages: ['p/index'] }, { root: 'pb', pages: ['q/index'] }] }));
    write('app.js', "require('./utils/u');");
    write('utils/u.js', 'module.exports = 1;');
    write('unused.js', 'x'.repeat(3 * 1024 * 1024));
    write('pages/a/index.json', JSON.stringify({ usingComponents: { big: 'lib/big/big' } }));
    write('pages/a/index.js', 'Page({});');
    write('miniprogram_npm/lib/big/big.json', '{"component":true}');
    write('miniprogram_npm/lib/big/big.js', "import x from '../common/dep';");
    write('miniprogram_npm/lib/common/dep.js', 'y'.repeat(MAIN_LIMIT));
    write('pa/p/index.js', "require('../../pb/q/index.js');");
    write('pb/q/index.js', '1;');
    const r = measure(root);
    const main = r.packages.find((p) => p.name === 'main');
    expect(main.files.map((f) => f.file)).not.toContain('unused.js');
    expect(main.files.map((f) => f.file)).toContain('miniprogram_npm/lib/common/dep.js');
    expect(r.over[0]).toMatch(/^main /);
    expect(r.crossings).toEqual(['pa → pb/q/index.js']);
    fs.rmSync(root, { recursive: true, force: true });
  });
});
