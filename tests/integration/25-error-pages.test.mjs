// The errors nginx answers itself (crsd down or restarting, a malformed request, a path no
// location serves, a body or header too large): the API's JSON error body under /api/ and
// /admin/ and on the admin listener, Persian right-to-left pages on the site, a Persian page
// for a bank's callback. crsd's own JSON errors pass through untouched.
// expect: 6 tests
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { api, admin, ADMIN, BASE, REPO, STACK_DIR } from '../lib/stack.mjs';
import { ensureHello, crsdPid, alive, stackUp, sleep } from '../lib/plugins.mjs';

const PERSIAN = /[\u0600-\u06FF]/;

/** Sends `head` (and `body`) as they are over a socket to the listener at `base` and reads
 *  the answer up to the close: {status, headers (lower-case names), text}. fetch() could
 *  not send a malformed request line or an oversized header. */
function raw(base, head, body = '') {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const chunks = [];
    const sock = net.connect(Number(port), hostname, () => sock.end(head + body));
    sock.setTimeout(10000, () => sock.destroy(new Error('no answer within 10 s')));
    sock.on('data', (d) => chunks.push(d));
    sock.on('error', reject);
    sock.on('close', () => {
      const all = Buffer.concat(chunks).toString('utf8');
      const end = all.indexOf('\r\n\r\n');
      if (end < 0) return reject(new Error(`no HTTP answer: ${JSON.stringify(all.slice(0, 200))}`));
      const [statusLine, ...lines] = all.slice(0, end).split('\r\n');
      const headers = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, text: all.slice(end + 4) });
    });
  });
}

const get = (p, extra = '') => `GET ${p} HTTP/1.1\r\nHost: localhost\r\n${extra}Connection: close\r\n\r\n`;

// A response of api()/admin() or raw(): the same questions of both.
const header = (res, name) => (res.headers.get ? res.headers.get(name) : res.headers[name]) ?? null;

function assertApiError(res, status, code, what) {
  assert.equal(res.status, status, `${what}: ${res.text.slice(0, 300)}`);
  assert.match(header(res, 'content-type') || '', /^application\/json/, `${what}: JSON`);
  let body;
  assert.doesNotThrow(() => { body = JSON.parse(res.text); }, `${what}: the body parses as JSON`);
  assert.equal(body.error?.code, code, what);
  assert.match(body.error.message, PERSIAN, `${what}: a Persian message`);
}

function assertPersianPage(res, status, what) {
  assert.equal(res.status, status, `${what}: ${res.text.slice(0, 300)}`);
  assert.match(header(res, 'content-type') || '', /^text\/html; charset=utf-8$/i, `${what}: HTML`);
  assert.match(res.text, /<html lang="fa" dir="rtl">/, `${what}: Persian, right to left`);
  assert.match(res.text, /<link rel="stylesheet" href="\/style.css">/, `${what}: in the site's style`);
  assert.match(res.text, /href="\/index.html"/, `${what}: a way back to the first page`);
  assert.match(res.text, PERSIAN, what);
  assert.doesNotMatch(res.text, /nginx/i, `${what}: not nginx's own page`);
}

test('malformed requests: JSON 400/414 under /api/ and on the admin listener, a Persian page on the site', async () => {
  assertApiError(await raw(BASE, get('/api/%')), 400, 'BAD_REQUEST', 'GET /api/% (bad escape)');
  assertApiError(await raw(BASE, get('/api/v1/captcha', `X-Big: ${'a'.repeat(10000)}\r\n`)), 400,
    'BAD_REQUEST', 'a header line over 8 KiB');
  assertApiError(await raw(BASE, get(`/api/v1/${'a'.repeat(9000)}`)), 414, 'BAD_REQUEST', 'a 9 KiB path');
  assertApiError(await raw(BASE, 'GET /api/v1/captcha HTTP/1.1\r\nConnection: close\r\n\r\n'), 400,
    'BAD_REQUEST', 'HTTP/1.1 without Host');
  assertApiError(await raw(BASE, get('/admin/%')), 400, 'BAD_REQUEST', 'GET /admin/% on the public listener');
  assertApiError(await raw(ADMIN, get('/admin/%')), 400, 'BAD_REQUEST', 'GET /admin/% on the admin listener');
  assertApiError(await raw(ADMIN, get('/admin/v1/health', `X-Big: ${'a'.repeat(10000)}\r\n`)), 400,
    'BAD_REQUEST', 'admin: a header line over 8 KiB');
  assertApiError(await raw(ADMIN, 'NOT A REQUEST\r\n\r\n'), 400, 'BAD_REQUEST', 'admin: garbage');
  assertPersianPage(await raw(BASE, get('/index%.html')), 400, 'GET /index%.html (bad escape on the site)');
  assertPersianPage(await raw(BASE, 'NOT A REQUEST\r\n\r\n'), 400, 'garbage on the public listener');
});

test('a path nothing serves: JSON 404 NOT_FOUND for /admin/ on the public listener and outside /admin/ on the admin one', async () => {
  assertApiError(await api('GET', '/admin/v1/health'), 404, 'NOT_FOUND', 'public /admin/v1/health');
  assertApiError(await api('POST', '/admin/v1/modules/t_hello/disable', { json: {} }), 404, 'NOT_FOUND', 'public POST /admin/');
  assertApiError(await raw(ADMIN, get('/')), 404, 'NOT_FOUND', 'admin /');
  assertApiError(await raw(ADMIN, get('/index.html')), 404, 'NOT_FOUND', 'admin /index.html');
  const big = 'x'.repeat(70 * 1024);
  assertApiError(await admin('POST', '/admin/v1/modules/load', { path: big }), 413, 'BODY_TOO_LARGE', 'admin body over 64 KiB');
});

test('the site: a Persian right-to-left 404 page in the site\'s style, with the security headers', async () => {
  const res = await api('GET', '/no/such/page.html');
  assertPersianPage(res, 404, 'GET /no/such/page.html');
  assert.equal(res.headers.get('x-frame-options'), 'DENY');
  assert.match(res.headers.get('content-security-policy') || '', /default-src 'self'/);
  assertPersianPage(await api('POST', '/index.html', { form: { a: '1' } }), 405, 'POST to a static page');
  // the error pages are answers, not pages of their own
  assertPersianPage(await api('GET', '/errors/404.html'), 404, 'GET /errors/404.html');
});

test('crsd\'s own JSON errors pass through untouched', async () => {
  await ensureHello();
  try {
    await admin('POST', '/admin/v1/modules/t_hello/disable');
    const off = await api('GET', '/api/v1/t/hello');
    assertApiError(off, 503, 'MODULE_DISABLED', 'a disabled module (crsd)');
    assert.equal(off.headers.get('retry-after'), null, 'nginx adds nothing to crsd\'s 503');
  } finally {
    await admin('POST', '/admin/v1/modules/t_hello/enable');
  }
  const fail = await api('GET', '/api/v1/t/fail');
  assertApiError(fail, 500, 'INTERNAL', 'a handler failing (crsd)');
  assert.ok(fail.headers.get('x-request-id'));
  const badJson = await api('POST', '/api/v1/t/echo', { body: '{"a":', headers: { 'content-type': 'application/json' } });
  assertApiError(badJson, 400, 'BAD_REQUEST', 'malformed JSON (crsd)');
  const media = await api('POST', '/api/v1/t/echo', { body: 'x', headers: { 'content-type': 'text/plain' } });
  assertApiError(media, 415, 'UNSUPPORTED_MEDIA_TYPE', 'another content type (crsd)');
  assertApiError(await api('GET', '/api/v1/nothing-here'), 404, 'NOT_FOUND', 'an unknown API path (crsd)');
});

test('crsd down: 503 SERVICE_UNAVAILABLE with Retry-After on /api/ and the admin listener, a Persian page for a bank\'s callback', { timeout: 120000 }, async () => {
  const pid = crsdPid();
  process.kill(pid, 'SIGKILL');
  while (alive(pid)) await sleep(50);
  try {
    for (const res of [await api('GET', '/api/v1/captcha'),
      await api('POST', '/api/v1/session', { json: { national_id: '2580200606' } }),
      await api('GET', '/api/v1/application', { cookies: { crs_session: 'x' } })]) {
      assertApiError(res, 503, 'SERVICE_UNAVAILABLE', 'public API, crsd down');
      assert.match(res.headers.get('retry-after') || '', /^\d+$/, 'says when to come back');
      assert.ok(res.headers.get('x-request-id'), 'carries a request id as crsd\'s answers do');
      assert.equal(res.headers.get('cache-control'), 'no-store');
    }
    const adm = await admin('GET', '/admin/v1/health');
    assertApiError(adm, 503, 'SERVICE_UNAVAILABLE', 'admin listener, crsd down');
    assert.match(adm.headers.get('retry-after') || '', /^\d+$/);
    // The bank's auto-submitting form lands here: the citizen reads what happens next.
    const cb = await api('POST', '/pay/sadad/callback', { form: { OrderId: '1', ResCode: '0', token: 'x' } });
    assertPersianPage(cb, 503, 'a bank callback, crsd down');
    assert.match(cb.text, /دوباره پرداخت نکنید/, 'tells the citizen not to pay again');
    const site = await api('GET', '/index.html');
    assert.equal(site.status, 200, 'the static site is still served');
  } finally {
    stackUp();
  }
  let health;
  for (let i = 0; i < 100; i++) {
    health = await admin('GET', '/admin/v1/health');
    if (health.status === 200) break;
    await sleep(100);
  }
  assert.equal(health.status, 200, 'crsd is back');
  assert.equal((await api('GET', '/api/v1/captcha')).status, 200);
});

// ------------------------------------------------------------------ the TLS variant

const CONFS = ['crs.conf.in', 'crs-tls.conf.in'].map((f) => path.join(REPO, 'nginx', f));

/** What decides nginx's own error answers in a config: its maps, and the set of its
 *  error_page, /errors/ location and error-header lines (a server may repeat them). */
function errorHandling(file) {
  const text = fs.readFileSync(file, 'utf8');
  const maps = [...text.matchAll(/^\s*map [^{]+\{[^}]*\}/gm)].map((m) => m[0].replace(/\s+/g, ' ').trim());
  const lines = text.split('\n').map((l) => l.trim())
    .filter((l) => /^(error_page |location \^~ \/errors\/|add_header (Retry-After|X-Request-Id|Cache-Control) )/.test(l));
  return { maps, lines: [...new Set(lines)].sort() };
}

test('the TLS variant handles errors the same way and passes nginx -t', () => {
  const [plain, tls] = CONFS.map(errorHandling);
  assert.ok(plain.lines.length > 0 && plain.maps.length > 0, 'crs.conf.in has its error handling');
  assert.deepEqual(tls.maps, plain.maps, 'the same maps');
  assert.deepEqual(tls.lines, plain.lines, 'the same error_page, location and header lines');

  // Rendered as ./stack renders crs.conf.in, with a throwaway certificate; nginx -t opens
  // no listening socket, so ports 80 and 443 need not be free.
  const dir = path.join(STACK_DIR, 'tls-check');
  fs.rmSync(dir, { recursive: true, force: true });
  for (const d of ['run', 'log']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'pipe' });
  const subst = {
    USER: process.getuid?.() === 0 ? 'user root;' : '', PORT: '1', ADMIN_PORT: '2', RUN: path.join(dir, 'run'),
    LOG: path.join(dir, 'log'), STACK: dir, SITE: path.join(REPO, 'nginx', 'site'), RATE: '10r/s', BURST: '20',
    TLS_CERT: path.join(dir, 'cert.pem'), TLS_KEY: path.join(dir, 'key.pem'),
  };
  const conf = fs.readFileSync(CONFS[1], 'utf8').replace(/@([A-Z_]+)@/g, (m, k) => {
    assert.ok(k in subst, `unknown placeholder ${m}`);
    return subst[k];
  });
  fs.mkdirSync(path.join(dir, 'nginx', 'tmp'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'nginx.conf'), conf);
  const r = execFileSync('nginx', ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'log', 'error.log')],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.equal(typeof r, 'string');
});
