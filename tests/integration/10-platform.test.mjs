// The platform: loader, run-time module control, drain, sessions, bearer tokens,
// captcha, request handling, outbox, metrics, test clock, out-of-tree plugins.
// expect: 20 tests
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, before } from 'node:test';
import { api, admin, ctl, sql, sql1, Client, captcha, waitFor, sms, mails, REPO } from '../lib/stack.mjs';
import {
  PREFIX, PLUGIN_DIR, installTestPlugin, installAtomically, ensureHello, crsdLog, sleep,
} from '../lib/plugins.mjs';

before(async () => {
  await ensureHello();
});

function errorOf(res) {
  return res.json && res.json.error ? res.json.error.code : `(status ${res.status}: ${res.text.slice(0, 120)})`;
}

test('the loader refuses each broken plugin with one clear log line and keeps serving', async () => {
  const cases = {
    t_badmagic: /refused t_badmagic: bad magic/,
    t_oldmajor: /refused t_oldmajor: ABI major 0, crsd speaks 1/,
    t_newminor: /refused t_newminor: built for ABI 1\.2, newer than crsd's 1\.1/,
    t_noentry: /refused t_noentry: no entry symbol crs_plugin_entry/,
    t_initfail: /refused t_initfail: init failed/,
  };
  for (const [name, line] of Object.entries(cases)) {
    installTestPlugin(name);
    const mark = crsdLog().length;
    const r = await admin('POST', '/admin/v1/modules/load', { path: name });
    fs.unlinkSync(path.join(PLUGIN_DIR, `${name}.so`));
    assert.equal(r.status, 422, `${name}: ${r.text}`);
    assert.equal(errorOf(r), 'MODULE_REFUSED');
    const lines = crsdLog().slice(mark).split('\n').filter((l) => line.test(l));
    assert.equal(lines.length, 1, `${name}: expected exactly one log line matching ${line}`);
    const h = await api('GET', '/api/v1/t/hello');
    assert.equal(h.status, 200, 'crsd still serves after a refusal');
  }
  const list = await admin('GET', '/admin/v1/modules');
  for (const name of Object.keys(cases)) assert.ok(!list.json.modules.some((m) => m.name === name));
});

/** Builds a copy of tests/oot/oot_hello.c named `name` (route /api/v1/<name>)
 *  against the installed SDK, into a fresh directory outside the plugin
 *  directory; returns the .so's path. A plugin crsd would load from its
 *  plugin directory, so only its location can be refused. */
function buildPlugin(name) {
  const env = { ...process.env, PKG_CONFIG_PATH: path.join(PREFIX, 'lib', 'pkgconfig') };
  const cflags = execFileSync('pkg-config', ['--cflags', 'crs-plugin'], { env, encoding: 'utf8' }).trim();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `crs-${name}-`));
  const src = fs.readFileSync(path.join(REPO, 'tests', 'oot', 'oot_hello.c'), 'utf8')
    .replaceAll('"oot_hello"', `"${name}"`).replaceAll('/api/v1/oot/hi', `/api/v1/${name}`);
  fs.writeFileSync(path.join(dir, `${name}.c`), src);
  const so = path.join(dir, `${name}.so`);
  execFileSync('sh', ['-c', `cc -std=c11 -Wall -Werror ${cflags} -shared -fPIC -fvisibility=hidden -o ${so} ${path.join(dir, `${name}.c`)}`], { env });
  fs.chmodSync(so, 0o755);
  return so;
}

test('a plugin outside the plugin directory (by path, .., symlink or subdirectory) or group-writable is refused', async () => {
  const name = `t_out${process.pid}`;
  const so = buildPlugin(name);
  const loaded = async () => (await admin('GET', '/admin/v1/modules')).json.modules.some((m) => m.name === name);
  const refusedAt = async (what, p) => {
    const r = await admin('POST', '/admin/v1/modules/load', { path: p });
    assert.equal(r.status, 422, `${what}: ${r.text}`);
    assert.equal(errorOf(r), 'MODULE_REFUSED', what);
    assert.match(r.json.error.message, /not in the plugin directory/, what);
    assert.ok(!(await loaded()), `${what}: not loaded`);
    assert.equal((await api('GET', `/api/v1/${name}`)).status, 404, `${what}: its route is not served`);
  };
  const up = path.join(PLUGIN_DIR, '..', `${name}.so`);
  const sub = path.join(PLUGIN_DIR, `${name}.d`);
  const link = path.join(PLUGIN_DIR, `${name}.so`);
  try {
    await refusedAt('an absolute path', so);
    fs.copyFileSync(so, up);
    await refusedAt('a path through ..', path.join(PLUGIN_DIR, '..', `${name}.so`));
    fs.mkdirSync(sub);
    fs.copyFileSync(so, path.join(sub, `${name}.so`));
    await refusedAt('a subdirectory', path.join(sub, `${name}.so`));
    fs.symlinkSync(so, link);
    await refusedAt('a symlink in the directory to a file outside', name);
    // The same file in the directory itself loads: only its place was wrong.
    fs.unlinkSync(link);
    installAtomically(so, name);
    const ok = await admin('POST', '/admin/v1/modules/load', { path: name });
    assert.equal(ok.status, 201, ok.text);
    assert.equal((await api('GET', `/api/v1/${name}`)).status, 200);
    await admin('POST', `/admin/v1/modules/${name}/disable`);
  } finally {
    fs.rmSync(path.dirname(so), { recursive: true, force: true });
    fs.rmSync(up, { force: true });
    fs.rmSync(sub, { recursive: true, force: true });
    fs.rmSync(link, { force: true });
  }
  installTestPlugin('t_hello');
  const w = path.join(PLUGIN_DIR, 't_gw.so');
  fs.copyFileSync(path.join(PLUGIN_DIR, 't_hello.so'), w);
  fs.chmodSync(w, 0o777);
  const r = await admin('POST', '/admin/v1/modules/load', { path: 't_gw' });
  fs.unlinkSync(w);
  assert.equal(r.status, 422);
  assert.match(r.json.error.message, /writable/);
});

test('modules list shows name, version, ABI, state, in-flight count and routes', async () => {
  const r = await admin('GET', '/admin/v1/modules');
  assert.equal(r.status, 200);
  const m = r.json.modules.find((x) => x.name === 't_hello');
  assert.equal(m.version, '1.0.0');
  assert.equal(m.abi, '1.0');
  assert.equal(m.state, 'enabled');
  assert.equal(typeof m.in_flight, 'number');
  assert.ok(m.routes.includes('GET /api/v1/t/hello'));
  const viaCtl = ctl('modules', 'list');
  assert.equal(viaCtl.status, 0, viaCtl.stderr);
  assert.ok(JSON.parse(viaCtl.stdout).modules.some((x) => x.name === 't_hello'));
});

test('disable answers 503 MODULE_DISABLED at once; enable serves again; reload swaps the instance', async () => {
  const before1 = await api('GET', '/api/v1/t/db');
  assert.equal(before1.status, 200);
  let r = ctl('modules', 'disable', 't_hello');
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(JSON.parse(r.stdout).module.state, 'disabled');
  const off = await api('GET', '/api/v1/t/hello');
  assert.equal(off.status, 503);
  assert.equal(off.json.error.code, 'MODULE_DISABLED');
  assert.match(off.json.error.message, /غیرفعال/);
  r = ctl('modules', 'enable', 't_hello');
  assert.equal(r.status, 0);
  const on = await api('GET', '/api/v1/t/db');
  assert.equal(on.status, 200);
  assert.notEqual(on.json.instance, before1.json.instance, 'enable builds a new instance');
  r = ctl('modules', 'reload', 't_hello');
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const after = await api('GET', '/api/v1/t/db');
  assert.equal(after.status, 200);
  assert.notEqual(after.json.instance, on.json.instance, 'reload builds a new instance from new code');
  const unknown = await admin('POST', '/admin/v1/modules/nope/enable');
  assert.equal(unknown.status, 404);
});

test('a request in flight finishes on the code it started on while the module is disabled', async () => {
  const mark = crsdLog().length;
  const started = api('GET', '/api/v1/t/slow?ms=1500');
  await sleep(300);
  const during = await admin('GET', '/admin/v1/modules');
  assert.equal(during.json.modules.find((m) => m.name === 't_hello').in_flight, 1);
  const d = await admin('POST', '/admin/v1/modules/t_hello/disable');
  assert.equal(d.status, 200);
  const refused = await api('GET', '/api/v1/t/hello');
  assert.equal(refused.status, 503);
  const slow = await started;
  assert.equal(slow.status, 200, 'the in-flight request completes');
  assert.equal(slow.json.slept_ms, 1500);
  await waitFor(() => /t_hello instance drained, destroyed/.test(crsdLog().slice(mark)), 3000);
  await admin('POST', '/admin/v1/modules/t_hello/enable');
});

test('reload while a request is in flight: old request on old code, new requests on new code', async () => {
  const first = await api('GET', '/api/v1/t/db');
  const started = api('GET', '/api/v1/t/slow?ms=1200');
  await sleep(200);
  const r = await admin('POST', '/admin/v1/modules/t_hello/reload');
  assert.equal(r.status, 200);
  const fresh = await api('GET', '/api/v1/t/db');
  assert.notEqual(fresh.json.instance, first.json.instance);
  const slow = await started;
  assert.equal(slow.status, 200);
  assert.equal(slow.json.instance, first.json.instance, 'the slow request ran on the old instance');
});

test('a plugin built out of tree against the installed SDK loads at run time and serves', async () => {
  const pc = path.join(PREFIX, 'lib', 'pkgconfig');
  const env = { ...process.env, PKG_CONFIG_PATH: pc };
  const cflags = execFileSync('pkg-config', ['--cflags', 'crs-plugin'], { env, encoding: 'utf8' }).trim();
  assert.match(cflags, /-I/);
  const abi = execFileSync('pkg-config', ['--variable=abi_major', 'crs-plugin'], { env, encoding: 'utf8' }).trim();
  assert.equal(abi, '1');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oot-'));
  const so = path.join(dir, 'oot_hello.so');
  execFileSync('sh', ['-c', `cc -std=c11 -Wall -Wextra -Werror ${cflags} -shared -fPIC -fvisibility=hidden -o ${so} ${path.join(REPO, 'tests', 'oot', 'oot_hello.c')}`], { env });
  installAtomically(so, 'oot_hello');
  const loaded = (await admin('GET', '/admin/v1/modules')).json.modules.some((m) => m.name === 'oot_hello');
  const r = ctl('modules', loaded ? 'reload' : 'load', 'oot_hello');
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const hi = await api('GET', '/api/v1/oot/hi');
  assert.equal(hi.status, 200);
  assert.equal(hi.json.from, 'out of tree');
  const again = await admin('POST', '/admin/v1/modules/load', { path: 'oot_hello' });
  assert.equal(again.status, 409, 'loading the same name twice is refused');
  fs.rmSync(dir, { recursive: true });
});

test('every loaded .so binds all its symbols immediately (crsd --check-plugins)', () => {
  const conf = path.join(process.env.CRS_STACK_DIR, 'etc', 'crsd.conf');
  const out = execFileSync(path.join(PREFIX, 'sbin', 'crsd'), ['-c', conf, '--check-plugins'], {
    encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' },
  });
  assert.match(out, /plugins checked, 0 bad/);
});

test('captcha: a PNG data URI, answer only in the database, single use, 5-minute expiry', async () => {
  const res = await api('GET', '/api/v1/captcha');
  assert.equal(res.status, 200);
  assert.ok(!('answer' in res.json));
  const png = Buffer.from(res.json.image.replace(/^data:image\/png;base64,/, ''), 'base64');
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const answer = sql1(`SELECT answer FROM captcha_challenge WHERE id='${res.json.captcha_id}'`);
  const wrong = await api('POST', '/api/v1/t/captcha', { json: { captcha_id: res.json.captcha_id, captcha_answer: String(Number(answer) + 1) } });
  assert.equal(errorOf(wrong), 'CAPTCHA_WRONG');
  const reuse = await api('POST', '/api/v1/t/captcha', { json: { captcha_id: res.json.captcha_id, captcha_answer: answer } });
  assert.equal(errorOf(reuse), 'CAPTCHA_EXPIRED', 'a challenge gets one guess');
  const c2 = await captcha();
  const persian = String(c2.captcha_answer).replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[d]);
  const ok = await api('POST', '/api/v1/t/captcha', { json: { captcha_id: c2.captcha_id, captcha_answer: persian } });
  assert.equal(ok.status, 200, 'Persian digits are accepted');
  // Two challenges of the same moment: one answered at 4:55, one at 5:05.
  const c3 = await captcha();
  const c4 = await captcha();
  try {
    assert.equal(ctl('clock', 'advance', '295s').status, 0);
    const inTime = await api('POST', '/api/v1/t/captcha', { json: c3 });
    assert.equal(inTime.status, 200, `answered 4 minutes 55 seconds later: ${inTime.text}`);
    assert.equal(ctl('clock', 'advance', '10s').status, 0);
    const late = await api('POST', '/api/v1/t/captcha', { json: c4 });
    assert.equal(errorOf(late), 'CAPTCHA_EXPIRED', 'answered 5 minutes 5 seconds later');
  } finally {
    ctl('clock', 'reset');
  }
});

test('sessions: cookie flags, CSRF on state changes, new id at every login, 20-minute idle expiry', async () => {
  const c = new Client();
  const login = await c.post('/api/v1/t/login', { subject: '0012345678' });
  assert.equal(login.status, 200);
  const cookie = login.headers.getSetCookie().find((s) => s.startsWith('crs_session='));
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.match(cookie, /Path=\//);
  const first = c.session;
  assert.equal((await c.get('/api/v1/t/whoami')).json.subject, '0012345678');
  const forged = await c.request('POST', '/api/v1/t/whoami', { headers: { 'x-csrf-token': 'forged' } });
  assert.equal(errorOf(forged), 'CSRF_FAILED');
  assert.equal(forged.status, 403);
  const noCsrf = await c.request('POST', '/api/v1/t/whoami', { csrf: false });
  assert.equal(errorOf(noCsrf), 'CSRF_FAILED', 'the session cookie without the header');
  assert.equal(noCsrf.status, 403);
  const empty = await c.request('POST', '/api/v1/t/whoami', { headers: { 'x-csrf-token': '' } });
  assert.equal(errorOf(empty), 'CSRF_FAILED', 'an empty header');
  assert.equal((await c.post('/api/v1/t/whoami')).status, 200);
  const again = await c.post('/api/v1/t/login', { subject: '0012345678' });
  assert.equal(again.status, 200);
  assert.notEqual(c.session, first, 'a new session id at every login');
  const old = await api('GET', '/api/v1/t/whoami', { cookies: { crs_session: first } });
  assert.equal(errorOf(old), 'SESSION_REQUIRED', 'the previous session ended');
  const none = await api('GET', '/api/v1/t/whoami');
  assert.equal(none.status, 401);
  assert.equal(errorOf(none), 'SESSION_REQUIRED');
  ctl('clock', 'advance', '19m');
  assert.equal((await c.get('/api/v1/t/whoami')).status, 200, 'activity within 20 minutes keeps it');
  ctl('clock', 'advance', '21m');
  const expired = await c.get('/api/v1/t/whoami');
  assert.equal(expired.status, 401);
  assert.equal(errorOf(expired), 'SESSION_EXPIRED');
  ctl('clock', 'reset');
  const out = await c.delete('/api/v1/t/login');
  assert.equal(out.status, 204);
});

test('national IDs are masked in every log line', async () => {
  const c = new Client();
  await c.post('/api/v1/t/login', { subject: '4589632107' });
  await waitFor(() => /login of 458\*+7/.test(crsdLog()), 2000);
  assert.ok(!crsdLog().includes('4589632107'));
});

test('bearer tokens: issued by crsctl, stored hashed, role enforced', async () => {
  const r = ctl('token', 'issue', '--role', 'office', '--office', '17', '--name', 'office 17');
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const token = JSON.parse(r.stdout).token;
  assert.ok(token.length >= 40);
  assert.equal(sql1(`SELECT COUNT(*) FROM api_token WHERE token_hash='${token}'`), '0', 'never stored in clear');
  const ok = await api('GET', '/api/v1/t/office/1', { headers: { authorization: `Bearer ${token}` } });
  assert.equal(ok.status, 200);
  assert.equal(ok.json.office_id, 17);
  const none = await api('GET', '/api/v1/t/office/1');
  assert.equal(none.status, 401);
  assert.equal(errorOf(none), 'TOKEN_INVALID');
  const bad = await api('GET', '/api/v1/t/office/1', { headers: { authorization: 'Bearer nope' } });
  assert.equal(errorOf(bad), 'TOKEN_INVALID');
  const reg = JSON.parse(ctl('token', 'issue', '--role', 'registry').stdout).token;
  const wrongRole = await api('GET', '/api/v1/t/office/1', { headers: { authorization: `Bearer ${reg}` } });
  assert.equal(wrongRole.status, 403);
  assert.equal(errorOf(wrongRole), 'FORBIDDEN');
  const adminNoToken = await api('GET', '/admin/v1/health');
  assert.equal(adminNoToken.status, 404, 'the admin API is not on the public listener');
  const adminWrong = await admin('GET', '/admin/v1/health', undefined, { token: reg });
  assert.equal(adminWrong.status, 401);
});

test('request handling: 404, 405, 415, 400 on bad JSON, 500 without leaking, JSON echo of Persian text', async () => {
  const nf = await api('GET', '/api/v1/nothing-here');
  assert.equal(nf.status, 404);
  assert.equal(errorOf(nf), 'NOT_FOUND');
  const bm = await api('PUT', '/api/v1/t/hello');
  assert.equal(bm.status, 405);
  const media = await api('POST', '/api/v1/t/echo', { body: 'x=1', headers: { 'content-type': 'text/plain' } });
  assert.equal(media.status, 415);
  assert.equal(errorOf(media), 'UNSUPPORTED_MEDIA_TYPE');
  const badJson = await api('POST', '/api/v1/t/echo', { body: '{"a":', headers: { 'content-type': 'application/json' } });
  assert.equal(badJson.status, 400);
  assert.equal(errorOf(badJson), 'BAD_REQUEST');
  const deep = await api('POST', '/api/v1/t/echo', { body: '['.repeat(40) + ']'.repeat(40), headers: { 'content-type': 'application/json' } });
  assert.equal(deep.status, 400, 'nesting is bounded');
  const badUtf8 = await api('POST', '/api/v1/t/echo', { body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), headers: { 'content-type': 'application/json' } });
  assert.equal(badUtf8.status, 400, 'invalid UTF-8 is refused');
  const echo = await api('POST', '/api/v1/t/echo', { json: { name: 'زهرا', n: 3 } });
  assert.equal(echo.status, 200);
  assert.deepEqual(echo.json.echo, { name: 'زهرا', n: 3 });
  const fail = await api('GET', '/api/v1/t/fail');
  assert.equal(fail.status, 500);
  assert.equal(errorOf(fail), 'INTERNAL');
  assert.match(fail.json.error.message, /[\u0600-\u06FF]/);
  assert.ok(fail.headers.get('x-request-id'));
});

test('text/plain and streamed answers', async () => {
  const t = await api('GET', '/api/v1/t/text');
  assert.equal(t.status, 200);
  assert.match(t.headers.get('content-type'), /^text\/plain/);
  assert.ok(t.text.startsWith('CON '));
  const s = await api('GET', '/api/v1/t/stream?n=100000');
  assert.equal(s.status, 200);
  const lines = s.text.split('\n').filter(Boolean);
  assert.equal(lines.length, 100000);
  assert.equal(lines[99999], '99999,row-99999');
});

test('notifications written in a transaction reach the SMS and SMTP sinks', async () => {
  const to = '09120000' + String(Date.now() % 1000).padStart(3, '0');
  const mail = `t${Date.now()}@example.ir`;
  const r = await api('POST', '/api/v1/t/notify', { json: { sms_to: to, email_to: mail, text: 'کد رهگیری ۱۲۳' } });
  assert.equal(r.status, 202);
  const got = await waitFor(async () => (await sms(to)).find((m) => m.text === 'کد رهگیری ۱۲۳'), 10000);
  assert.ok(got);
  const m = await waitFor(() => mails().find((x) => x.to.includes(mail)), 10000);
  assert.equal(m.subject, 'رسید ثبت نام');
  assert.match(m.text, /کد رهگیری/);
  assert.equal(m.attachments[0].filename, 'receipt.txt');
  assert.deepEqual([...m.attachments[0].content], [1, ...Buffer.from('binary'), 0, ...Buffer.from('ok')]);
  await waitFor(() => sql1(`SELECT state FROM notification_outbox WHERE recipient='${to}'`) === 'sent', 5000);
});

test('metrics: requests by route and status, latency histogram, pool gauges', async () => {
  for (let i = 0; i < 5; i++) await api('GET', '/api/v1/t/hello');
  const r = await admin('GET', '/admin/v1/metrics');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain/);
  const m = /crs_requests_total\{method="GET",route="\/api\/v1\/t\/hello",status="200"\} (\d+)/.exec(r.text);
  assert.ok(m && Number(m[1]) >= 5, r.text.slice(0, 400));
  assert.match(r.text, /crs_request_duration_ms_bucket\{le="\+Inf"\} \d+/);
  assert.match(r.text, /crs_db_pool_size \d+/);
  assert.match(r.text, /crs_plugin_total\{plugin="t_hello",name="ticks",label=""\} \d+/);
  const metricsCtl = ctl('metrics');
  assert.equal(metricsCtl.status, 0);
});

test('health reports the database and the modules', async () => {
  const r = await admin('GET', '/admin/v1/health');
  assert.equal(r.status, 200);
  assert.equal(r.json.status, 'ok');
  assert.equal(r.json.db, 'ok');
  assert.equal(r.json.modules.t_hello, 'enabled');
});

test('the test clock can be set, advanced and reset through crsctl', () => {
  let r = ctl('clock', 'set', '2025-03-20T08:00:00+03:30');
  assert.equal(r.status, 0, r.stderr);
  assert.match(JSON.parse(r.stdout).now, /^2025-03-20T04:30:0\d/);
  r = ctl('clock', 'advance', '3d');
  assert.ok(JSON.parse(r.stdout).now.startsWith('2025-03-23T04:30'));
  r = ctl('clock', 'reset');
  assert.equal(JSON.parse(r.stdout).offset_ms, 0);
  assert.notEqual(ctl('clock', 'advance', 'soon').status, 0, 'a bad duration is refused');
});

test('migrations are recorded once with a checksum and re-running applies nothing', () => {
  const rows = sql('SELECT version, name, LENGTH(checksum) FROM schema_migration ORDER BY module, version');
  assert.ok(rows.length >= 1);
  assert.deepEqual(rows[0], ['1', '001_core.sql', '64']);
  const conf = path.join(process.env.CRS_STACK_DIR, 'etc', 'crsd.conf');
  const out = spawnSync(path.join(PREFIX, 'sbin', 'crsd'), ['-c', conf, '--migrate'], {
    encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' },
  });
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stderr, /migrate: 0 applied/);
  assert.equal(sql('SELECT COUNT(*) FROM schema_migration')[0][0], String(rows.length));
});

test('a plugin ships its own migrations: applied after the core\'s, recorded under its name', () => {
  const mine = sql("SELECT version, name FROM schema_migration WHERE module = 'registration' ORDER BY version");
  assert.ok(mine.length >= 1, 'registration has migrations of its own');
  assert.equal(mine[0][0], '1');
  assert.ok(fs.existsSync(path.join(PREFIX, 'share', 'crs', 'sql', 'registration', mine[0][1])), 'installed with the plugin');
  const core = sql("SELECT MAX(applied_at) FROM schema_migration WHERE module = ''")[0][0];
  const plugin = sql("SELECT MIN(applied_at) FROM schema_migration WHERE module = 'registration'")[0][0];
  assert.ok(plugin >= core, 'after the core');
});
