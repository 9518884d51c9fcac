// ABI 1.1 (issue 7): a 1.0 plugin and a 1.1 plugin side by side; the 1.1
// services through nginx: a million rows streamed with a row cursor in
// constant memory, a text route with its core-made errors in text/plain, a
// route for a list of roles, tokens that expire and are revoked, timers on
// the core clock with a cancel handle, and a daily timer that runs exactly
// once across two crsd sharing one database.
// expect: 7 tests
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test, before } from 'node:test';
import { BASE, STACK_DIR, admin, api, ctl, sql, sql1, sms, waitFor } from '../lib/stack.mjs';
import { PREFIX, ensureHello, installTestPlugin, crsdPid, crsdLog, sleep, alive } from '../lib/plugins.mjs';

before(async () => {
  await ensureHello();
  const list = await admin('GET', '/admin/v1/modules');
  if (!list.json.modules.some((m) => m.name === 't_abi11')) {
    installTestPlugin('t_abi11');
    const r = await admin('POST', '/admin/v1/modules/load', { path: 't_abi11' });
    assert.equal(r.status, 201, r.text);
  }
});

function rssKb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]);
}

function token(role, extra = []) {
  const args = ['token', 'issue', '--role', role, ...extra];
  if (role === 'office') args.push('--office', sql1('SELECT MIN(id) FROM office'));
  const r = ctl(...args);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('a plugin built against the frozen 1.0 header and one built against 1.1 serve side by side', async () => {
  const mods = (await admin('GET', '/admin/v1/modules')).json.modules;
  assert.equal(mods.find((m) => m.name === 't_hello').abi, '1.0');
  assert.equal(mods.find((m) => m.name === 't_abi11').abi, '1.1');
  assert.equal((await api('GET', '/api/v1/t/hello')).status, 200);
  assert.equal((await api('GET', '/api/v1/t11/ticks')).status, 200);
});

test('1,000,000 rows streamed through a CRS_ROUTE_STREAM route with a row cursor: crsd grows less than 10 MB', { timeout: 240000 }, async () => {
  const pid = crsdPid();
  // Warm up: the first stream allocates what every later one reuses.
  const warm = await fetch(`${BASE}/api/v1/t11/stream?n=1000`);
  assert.equal(warm.status, 200);
  assert.match(warm.headers.get('content-type'), /text\/csv/);
  assert.equal(warm.headers.get('x-accel-buffering'), null, 'nginx keeps its own header to itself');
  assert.match(await warm.text(), /^1,row-1\n[\s\S]*\n1000,row-1000\n#end\n$/);
  const before = rssKb(pid);
  let peak = before;
  const sampler = setInterval(() => { try { peak = Math.max(peak, rssKb(pid)); } catch { /* gone */ } }, 100);
  let lines = 0;
  let last = '';
  let first = null;
  const t0 = Date.now();
  try {
    const r = await fetch(`${BASE}/api/v1/t11/stream?n=1000000`);
    assert.equal(r.status, 200);
    const dec = new TextDecoder();
    let rest = '';
    for await (const chunk of r.body) {
      if (first === null) first = Date.now() - t0;
      const text = rest + dec.decode(chunk, { stream: true });
      const parts = text.split('\n');
      rest = parts.pop();
      lines += parts.length;
      if (parts.length) last = parts[parts.length - 1];
    }
  } finally {
    clearInterval(sampler);
  }
  const growthMb = (peak - before) / 1024;
  console.log(`stream: ${lines} lines in ${Date.now() - t0} ms, first bytes after ${first} ms; crsd RSS ${before} kB → peak ${peak} kB (+${growthMb.toFixed(1)} MB)`);
  assert.equal(lines, 1000001);
  assert.equal(last, '#end');
  assert.ok(growthMb < 10, `crsd grew ${growthMb.toFixed(1)} MB`);
});

test('a text route for several roles: its answers and the core-made refusals are text/plain', async () => {
  const check = async (headers, status, re) => {
    const r = await api('GET', '/api/v1/t11/text', { headers });
    assert.equal(r.status, status, r.text);
    assert.match(r.headers.get('content-type'), /^text\/plain/);
    assert.match(r.text, re);
    return r;
  };
  await check({}, 401, /^END [\u0600-\u06FF]/);
  const subsidy = token('subsidy');
  await check({ authorization: `Bearer ${subsidy.token}` }, 403, /^END [\u0600-\u06FF]/);
  await check({ authorization: `Bearer ${token('office').token}` }, 200, /^CON office$/);
  await check({ authorization: `Bearer ${token('registry').token}` }, 200, /^CON registry$/);
  assert.equal((await admin('POST', '/admin/v1/modules/t_abi11/disable')).status, 200);
  try {
    await check({ authorization: `Bearer ${subsidy.token}` }, 503, /^END [\u0600-\u06FF]/);
  } finally {
    assert.equal((await admin('POST', '/admin/v1/modules/t_abi11/enable')).status, 200);
  }
});

test('tokens expire and are revoked: 401 TOKEN_INVALID at once; crsctl token list shows them', async () => {
  const short = token('registry', ['--expires', '10m']);
  assert.match(short.expires_at, /\+03:30$/);
  const forever = token('registry');
  assert.equal(forever.expires_at, null);
  const call = (t) => api('GET', '/api/v1/t11/text', { headers: { authorization: `Bearer ${t.token}` } });
  assert.equal((await call(short)).status, 200);
  ctl('clock', 'advance', '11m');
  try {
    const r = await call(short);
    assert.equal(r.status, 401);
    assert.match(r.text, /^END /);
    assert.equal((await call(forever)).status, 200);
  } finally {
    ctl('clock', 'reset');
  }
  const rv = ctl('token', 'revoke', String(forever.id));
  assert.equal(rv.status, 0, rv.stdout + rv.stderr);
  assert.equal((await call(forever)).status, 401);
  assert.equal(ctl('token', 'revoke', String(forever.id)).status, 0, 'revoking twice is the same');
  assert.equal(ctl('token', 'revoke', '999999999').status, 1, 'never issued: 404');
  const list = JSON.parse(ctl('token', 'list').stdout).tokens;
  const mine = list.find((t) => t.id === forever.id);
  assert.match(mine.revoked_at, /\+03:30$/);
  assert.ok(!JSON.stringify(list).includes(forever.token), 'the list never shows a token');
  assert.equal(sql1(`SELECT COUNT(*) FROM api_token WHERE token_hash = '${forever.token}'`), '0', 'stored hashed');
});

test('a timer on the core clock follows the test clock, and its handle cancels it', async () => {
  const ticks = async () => (await api('GET', '/api/v1/t11/ticks')).json;
  const start = (await ticks()).ticks;
  try {
    for (let i = 1; i <= 2; i++) {
      ctl('clock', 'advance', '1h');
      const end = Date.now() + 5000;
      while (Date.now() < end && (await ticks()).ticks < start + i) await sleep(100);
      assert.equal((await ticks()).ticks, start + i, `an hour of the core clock: run ${i}`);
    }
    const stopped = await api('POST', '/api/v1/t11/ticks/stop');
    assert.equal(stopped.json.running, false);
    ctl('clock', 'advance', '2h');
    await sleep(1500);
    assert.equal((await ticks()).ticks, start + 2, 'cancelled: no further run');
  } finally {
    ctl('clock', 'reset');
  }
});

/** A second crsd on the same database: its own sockets, pid file and log;
 *  the same config otherwise (so the same test clock offset file). */
function startSecondCrsd() {
  const etc = path.join(STACK_DIR, 'etc');
  const run = path.join(STACK_DIR, 'run');
  const conf = fs.readFileSync(path.join(etc, 'crsd.conf'), 'utf8')
    .replace(/^socket = .*$/m, `socket = ${run}/crsd2.sock`)
    .replace(/^admin_socket = .*$/m, `admin_socket = ${run}/crsd2-admin.sock`)
    .replace(/^pid_file = .*$/m, `pid_file = ${run}/crsd2.pid`)
    .replace(/^modules = .*$/m, 'modules = t_abi11');
  const file = path.join(etc, 'crsd2.conf');
  fs.writeFileSync(file, conf);
  const log = fs.openSync(path.join(STACK_DIR, 'log', 'crsd2.log'), 'w');
  const child = spawn(path.join(PREFIX, 'sbin', 'crsd'), ['-c', file, '--test-clock'], {
    stdio: ['ignore', log, log], env: process.env,
  });
  return { child, log: () => fs.readFileSync(path.join(STACK_DIR, 'log', 'crsd2.log'), 'utf8') };
}

test('a daily timer at 11:00 Tehran runs exactly once across two crsd sharing one database', { timeout: 120000 }, async () => {
  const now = new Date((await admin('GET', '/admin/v1/clock')).json.now);
  // Tomorrow 10:59:50 Tehran (UTC+3:30): 07:29:50 UTC.
  const day = new Date(now.getTime() + 86400000).toISOString().slice(0, 10);
  assert.equal(ctl('clock', 'set', `${day}T07:29:50Z`).status, 0);
  const second = startSecondCrsd();
  try {
    const end = Date.now() + 20000;
    while (Date.now() < end && !/modules: t_abi11 .*loaded/.test(second.log())) await sleep(200);
    assert.match(second.log(), /modules: t_abi11 .*loaded/, 'the second crsd loaded t_abi11');
    const ran = () => (crsdLog() + second.log()).split('\n')
      .filter((l) => l.includes(`t_abi11 daily job ran at ${day}T11:`)).length;
    const until = Date.now() + 40000;
    while (Date.now() < until && ran() < 1) await sleep(250);
    await sleep(3000);   // a second run would show up by now
    assert.equal(ran(), 1, 'exactly one run of the day');
    const rows = sql("SELECT name, ran_by FROM job_run WHERE name = 't_abi11:daily'");
    assert.ok(rows.length >= 1, 'the occurrence is claimed in job_run');
    assert.equal(new Set(rows.map((r) => r[0])).size, 1);
  } finally {
    second.child.kill('SIGTERM');
    const end = Date.now() + 10000;
    while (Date.now() < end && alive(second.child.pid)) await sleep(100);
    ctl('clock', 'reset');
  }
});

test('notifications get an id; one de-duplication key is one message; an expired one is never sent', async () => {
  const to = `0912${String(Date.now()).slice(-7)}`;
  const key = `t11-${Date.now()}`;
  const a = await api('POST', '/api/v1/t11/notify', { json: { to, text: 'یک', key } });
  const b = await api('POST', '/api/v1/t11/notify', { json: { to, text: 'یک بار دیگر', key } });
  assert.equal(a.status, 200, a.text);
  assert.ok(a.json.id > 0);
  assert.equal(b.json.id, a.json.id, 'the same key is the same message');
  assert.equal(sql1(`SELECT COUNT(*) FROM notification_outbox WHERE dedup_key = '${key}'`), '1');
  const late = await api('POST', '/api/v1/t11/notify', { json: { to, text: 'دیر', expires_in_ms: -1000 } });
  await waitFor(async () => (await sms(to)).some((m) => m.text === 'یک'), 10000, { message: 'the keyed SMS' });
  await waitFor(() => sql1(`SELECT state FROM notification_outbox WHERE id = ${late.json.id}`) === 'expired', 10000,
    { message: 'the expired SMS given up' });
  const got = await sms(to);
  assert.equal(got.length, 1, JSON.stringify(got));
  assert.equal((await api('POST', '/api/v1/t11/notify', { json: { to: '', text: 'x' } })).status, 400);
});
