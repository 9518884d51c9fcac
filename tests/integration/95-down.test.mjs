// Last: `./stack down` stops everything the stack started. Afterwards no
// process mentions the stack's directory and none of its ports answers.
// expect: 1 test
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { REPO, STACK_DIR } from '../lib/stack.mjs';

function listening(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

function processesOf(dir) {
  const found = [];
  for (const pid of fs.readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    if (Number(pid) === process.pid) continue;
    let cmd = '';
    try { cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '); } catch { continue; }
    if (cmd.includes(dir) && !cmd.includes('node --test') && !cmd.includes('tests/run')) found.push(`${pid} ${cmd.slice(0, 120)}`);
  }
  return found;
}

test('./stack down leaves no process behind and frees every port', async () => {
  const env = process.env;
  const ports = ['CRS_PORT', 'CRS_ADMIN_PORT', 'CRS_SADAD_PORT', 'CRS_PARSIAN_PORT', 'CRS_DEMO_BANK_PORT', 'CRS_SMS_PORT', 'CRS_SMTP_PORT']
    .map((k) => Number(env[k])).filter(Boolean);
  assert.ok(ports.length >= 5, 'the stack exports its ports');
  assert.ok(await listening(ports[0]), 'the stack is up before');
  execFileSync(path.join(REPO, 'stack'), ['down'], { env, stdio: 'pipe' });
  assert.deepEqual(processesOf(STACK_DIR), []);
  for (const p of ports) assert.equal(await listening(p), false, `port ${p} still answers`);
  assert.ok(!fs.existsSync(path.join(STACK_DIR, 'run', 'crsd.pid')));
});
