// Build bars: `make distcheck` passes, and valgrind finds no leak in a plain
// (non-sanitizer) crsd over 1,000 mixed requests served through nginx.
// expect: 2 tests
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { REPO, STACK_DIR, api, admin, Client, captcha } from '../lib/stack.mjs';
import { crsdPid, alive, stackUp, ensureHello, sleep } from '../lib/plugins.mjs';

const PLAIN = path.join(REPO, '.stack', 'build-plain');

function sh(cmd, cwd, timeout = 900000) {
  return execFileSync('sh', ['-c', cmd], { cwd, encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });
}

test('make distcheck passes', { timeout: 1200000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crs-distcheck-'));
  try {
    sh(`${REPO}/configure > configure.log 2>&1 && make -j2 distcheck > distcheck.log 2>&1 || { tail -40 distcheck.log; exit 1; }`, dir);
    assert.match(fs.readFileSync(path.join(dir, 'distcheck.log'), 'utf8'), /archives ready for distribution/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

async function waitSockets(run, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (fs.existsSync(path.join(run, 'crsd.sock')) && fs.existsSync(path.join(run, 'crsd-admin.sock'))) return;
    await sleep(200);
  }
  throw new Error('crsd under valgrind did not open its sockets');
}

async function mixedRequests(n) {
  const statuses = new Map();
  const note = (r) => statuses.set(r.status, (statuses.get(r.status) || 0) + 1);
  const c = new Client();
  let i = 0;
  while (i < n) {
    const step = i % 20;
    // The captcha is rate limited per address: a few are enough here.
    if (step === 0 && i % 100 === 0) note(await api('GET', '/api/v1/captcha'));
    else if (step === 1 && i % 100 === 1) { const k = await captcha(); note(await api('POST', '/api/v1/t/captcha', { json: k })); }
    else if (step === 2) note(await c.post('/api/v1/t/login', { subject: '0012345678' }));
    else if (step === 3) note(await c.get('/api/v1/t/whoami'));
    else if (step === 4) note(await c.post('/api/v1/t/whoami', {}, { headers: { 'x-csrf-token': 'bad' } }));
    else if (step === 5) note(await api('POST', '/api/v1/t/echo', { json: { a: 'سلام', b: [1, 2, 3] } }));
    else if (step === 6) note(await api('POST', '/api/v1/t/echo', { body: '{bad', headers: { 'content-type': 'application/json' } }));
    else if (step === 7) note(await api('GET', '/api/v1/t/db'));
    else if (step === 8) note(await api('GET', '/api/v1/t/stream?n=500'));
    else if (step === 9) note(await api('GET', '/api/v1/t/text'));
    else if (step === 10) note(await api('GET', '/api/v1/nothing'));
    else if (step === 11) note(await api('GET', '/api/v1/t/fail'));
    else if (step === 12) note(await api('POST', '/api/v1/t/notify', { json: { sms_to: '09120000001', text: 'x' } }));
    else if (step === 13) note(await admin('GET', '/admin/v1/metrics'));
    else if (step === 14) note(await admin('GET', '/admin/v1/modules'));
    else if (step === 15 && i % 100 === 15) note(await admin('POST', '/admin/v1/modules/t_hello/reload'));
    else if (step === 16 && i % 100 === 16) note(await admin('POST', '/admin/v1/modules/t_hello/disable'));
    else if (step === 17 && i % 100 === 17) note(await admin('POST', '/admin/v1/modules/t_hello/enable'));
    else note(await api('GET', '/api/v1/t/hello'));
    i++;
  }
  return Object.fromEntries(statuses);
}

test('valgrind: no leak and no memory error in crsd over 1,000 mixed requests', { timeout: 1200000 }, async () => {
  // A plain build: valgrind cannot run the sanitizer build.
  fs.mkdirSync(PLAIN, { recursive: true });
  if (!fs.existsSync(path.join(PLAIN, 'Makefile'))) {
    sh(`${REPO}/configure --prefix=${PLAIN}/prefix > configure.log 2>&1`, PLAIN);
  }
  sh('make -j2 crsd tests/plugins/t_hello.la > make.log 2>&1', PLAIN);
  const plugins = fs.mkdtempSync(path.join(os.tmpdir(), 'crs-vg-plugins-'));
  fs.copyFileSync(path.join(PLAIN, 'tests', 'plugins', '.libs', 't_hello.so'), path.join(plugins, 't_hello.so'));
  fs.chmodSync(path.join(plugins, 't_hello.so'), 0o755);
  const conf = fs.readFileSync(path.join(STACK_DIR, 'etc', 'crsd.conf'), 'utf8')
    .replace(/^plugin_dir = .*$/m, `plugin_dir = ${plugins}`)
    .replace(/^modules = .*$/m, 'modules = t_hello')
    .replace(/^workers = .*$/m, 'workers = 8');
  const confFile = path.join(plugins, 'crsd.conf');
  fs.writeFileSync(confFile, conf);
  const vgLog = path.join(STACK_DIR, 'log', 'valgrind.log');

  // Swap the stack's crsd for the valgrind one on the same sockets.
  const pid = crsdPid();
  process.kill(pid, 'SIGTERM');
  while (alive(pid)) await sleep(50);
  const run = path.join(STACK_DIR, 'run');
  const vg = spawn('valgrind', ['--leak-check=full', '--show-leak-kinds=definite,indirect',
    '--errors-for-leak-kinds=definite,indirect', '--error-exitcode=99', '--num-callers=30',
    `--suppressions=${path.join(REPO, 'tests', 'valgrind.supp')}`, `--log-file=${vgLog}`,
    path.join(PLAIN, 'crsd'), '-c', confFile, '--test-clock'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => vg.on('exit', (code) => resolve(code)));
  let code;
  try {
    await waitSockets(run, 60000);
    const statuses = await mixedRequests(1000);
    console.log('valgrind run answers:', statuses);
    assert.ok(statuses[200] > 500);
  } finally {
    vg.kill('SIGTERM');
    code = await exited;
    fs.rmSync(plugins, { recursive: true, force: true });
    stackUp();                      // the stack's own crsd again
    await ensureHello();
  }
  const log = fs.readFileSync(vgLog, 'utf8');
  const summary = log.split('\n').filter((l) => /ERROR SUMMARY|definitely lost|indirectly lost|possibly lost/.test(l));
  console.log(summary.join('\n'));
  assert.equal(code, 0, `valgrind exit ${code}; see ${vgLog}`);
  assert.match(log, /ERROR SUMMARY: 0 errors/);
  assert.ok(!/definitely lost: [1-9]/.test(log), 'definitely lost');
  assert.ok(!/indirectly lost: [1-9]/.test(log), 'indirectly lost');
});
