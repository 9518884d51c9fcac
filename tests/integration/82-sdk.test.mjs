// The SDK boundary (issue 7): a plugin includes only <crs/plugin.h> and its own
// headers, calls no symbol of crsd (everything comes through the services
// table), and carries no copy of the core's code (one set of calendars in a
// process).
// expect: 2 tests
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO } from '../lib/stack.mjs';
import { BUILD_DIR } from '../lib/plugins.mjs';

const PLUGINS = fs.readdirSync(path.join(REPO, 'plugins'), { withFileTypes: true })
  .filter((d) => d.isDirectory()).map((d) => d.name);

/** Names nm lists for file with the given options, of the given types. */
function symbols(file, opts, types) {
  return new Set(execFileSync('nm', [...opts, file], { encoding: 'utf8' }).split('\n')
    .map((l) => /^\S*\s+([A-Za-z])\s+(\S+)$/.exec(l.trim())).filter((m) => m && types.includes(m[1]))
    .map((m) => m[2].replace(/@.*$/, '')));
}

test('every quoted #include of a plugin names one of its own headers', () => {
  const bad = [];
  for (const p of PLUGINS) {
    const dir = path.join(REPO, 'plugins', p);
    for (const f of fs.readdirSync(dir).filter((n) => /\.[ch]$/.test(n))) {
      for (const m of fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/^\s*#\s*include\s+"([^"]+)"/gm)) {
        if (!fs.existsSync(path.join(dir, m[1])) || m[1].includes('/')) bad.push(`${p}/${f}: "${m[1]}"`);
      }
    }
  }
  assert.deepEqual(bad, []);
});

test('nm: no plugin .so needs a symbol of crsd or carries a copy of the core\'s code', () => {
  // crsd hides its functions (nm shows 't'), so the core's names come from
  // the objects and libraries it is linked from, external ones only.
  const objs = fs.readdirSync(path.join(BUILD_DIR, 'core')).filter((n) => /^crsd-.*\.o$/.test(n))
    .map((n) => path.join(BUILD_DIR, 'core', n))
    .concat(['libcrspure.a', 'libcrscivil.a'].map((n) => path.join(BUILD_DIR, '.libs', n)));
  const core = new Set(objs.flatMap((o) => [...symbols(o, ['-g', '--defined-only'], ['T'])]));
  assert.ok(core.has('db_exec') && core.has('jalali_to_jdn'), 'crsd\'s own functions are seen');
  const found = [];
  for (const p of PLUGINS) {
    const so = path.join(BUILD_DIR, 'plugins', p, '.libs', `${p}.so`);
    assert.ok(fs.existsSync(so), `${so} is built`);
    for (const s of symbols(so, ['-D', '--undefined-only'], ['U'])) if (core.has(s)) found.push(`${p} needs ${s}`);
    for (const s of symbols(so, ['--defined-only'], ['T', 't'])) if (core.has(s)) found.push(`${p} carries ${s}`);
  }
  assert.deepEqual(found, []);
});
