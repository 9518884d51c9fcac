// Test plugins and crsd process helpers for the platform tests.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO, STACK_DIR, admin } from './stack.mjs';

export const PREFIX = process.env.CRS_PREFIX || path.join(STACK_DIR, 'prefix');
export const BUILD_DIR = process.env.CRS_BUILD_DIR || path.join(REPO, '.stack', 'build');
export const PLUGIN_DIR = path.join(PREFIX, 'lib', 'crs', 'plugins');
export const CRSD_LOG = path.join(STACK_DIR, 'log', 'crsd.log');

/** Installs a file into the plugin directory the way integrators must: write a
 *  temporary name, then rename (never overwrite a mapped .so in place). */
export function installAtomically(src, name) {
  const tmp = path.join(PLUGIN_DIR, `.${name}.so.tmp-${process.pid}`);
  fs.copyFileSync(src, tmp);
  fs.chmodSync(tmp, 0o755);
  fs.renameSync(tmp, path.join(PLUGIN_DIR, `${name}.so`));
}

/** Copies the in-tree test plugin `name` from the build into the plugin dir. */
export function installTestPlugin(name) {
  installAtomically(path.join(BUILD_DIR, 'tests', 'plugins', '.libs', `${name}.so`), name);
}

/** Ensures t_hello is loaded and enabled. */
export async function ensureHello() {
  const list = await admin('GET', '/admin/v1/modules');
  const m = list.json.modules.find((x) => x.name === 't_hello');
  if (!m) {
    installTestPlugin('t_hello');
    const r = await admin('POST', '/admin/v1/modules/load', { path: 't_hello' });
    if (r.status !== 201) throw new Error(`load t_hello: ${r.status} ${r.text}`);
  } else if (m.state !== 'enabled') {
    await admin('POST', '/admin/v1/modules/t_hello/enable');
  }
}

export function crsdPid() {
  return Number(fs.readFileSync(path.join(STACK_DIR, 'run', 'crsd.pid'), 'utf8').trim());
}

export function crsdLog() {
  return fs.readFileSync(CRSD_LOG, 'utf8');
}

export function alive(pid) {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/** `./stack up` (restarts whatever died), with the same environment. */
export function stackUp() {
  execFileSync(path.join(REPO, 'stack'), ['up', '--test-clock'], { env: process.env, stdio: 'pipe' });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
