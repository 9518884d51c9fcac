// Smoke tests of the stack itself: nginx in front of crsd, the two listeners, the limits.
// expect: 9 tests
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, admin, ADMIN } from '../lib/stack.mjs';

test('the static site answers in Persian, right to left, with the security headers', async () => {
  const res = await api('GET', '/');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/html; charset=utf-8$/i);
  assert.match(res.text, /<html[^>]*lang="fa"[^>]*dir="rtl"|<html[^>]*dir="rtl"[^>]*lang="fa"/);
  assert.match(res.text, /<meta charset="utf-8">/i);
  assert.match(res.text, /[\u0600-\u06FF]/, 'Persian text');
  const csp = res.headers.get('content-security-policy') || '';
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /img-src 'self' data:/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('x-frame-options'), 'DENY');
  assert.equal(res.headers.get('referrer-policy'), 'strict-origin-when-cross-origin');
  assert.ok(res.headers.get('permissions-policy'), 'Permissions-Policy');
  assert.equal(res.headers.get('server'), 'nginx', 'server_tokens off: no version');
});

test('the payment result page is served', async () => {
  const res = await api('GET', '/result.html?payment=1');
  assert.equal(res.status, 200);
  assert.match(res.text, /dir="rtl"/);
});

test('the admin API is not reachable through the public listener', async () => {
  const res = await api('GET', '/admin/v1/health');
  assert.equal(res.status, 404);
  const res2 = await api('GET', '/admin/v1/modules', { headers: { authorization: 'Bearer x' } });
  assert.equal(res2.status, 404);
});

test('the admin listener wants the admin bearer token', async () => {
  for (const headers of [{}, { authorization: 'Bearer 0000000000000000' }]) {
    const res = await fetch(`${ADMIN}/admin/v1/health`, { headers });
    assert.equal(res.status, 401, JSON.stringify(headers));
    assert.match(res.headers.get('content-type') || '', /application\/json/);
    const body = await res.json();
    assert.equal(typeof body.error?.code, 'string');
    assert.equal(typeof body.error?.message, 'string');
  }
});

test('the admin listener answers /admin/v1/health with the token', async () => {
  const res = await admin('GET', '/admin/v1/health');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json?.status, 'ok');
});

test('the admin listener serves nothing outside /admin/', async () => {
  const res = await fetch(`${ADMIN}/`);
  assert.equal(res.status, 404);
});

test('a body over 64 KiB is refused with 413 BODY_TOO_LARGE', async () => {
  const big = JSON.stringify({ national_id: '0'.repeat(70 * 1024) });
  const res = await api('POST', '/api/v1/session', { body: big, headers: { 'content-type': 'application/json' } });
  assert.equal(res.status, 413);
  assert.equal(res.json?.error?.code, 'BODY_TOO_LARGE');
  assert.match(res.json.error.message, /[\u0600-\u06FF]/);
});

test('hammering /api/v1/captcha is rate limited with 429 RATE_LIMITED', async () => {
  const all = await Promise.all(Array.from({ length: 400 }, () => api('GET', '/api/v1/captcha')));
  const limited = all.filter((r) => r.status === 429);
  assert.ok(limited.length > 0, `statuses: ${[...new Set(all.map((r) => r.status))]}`);
  assert.equal(limited[0].json?.error?.code, 'RATE_LIMITED');
  assert.match(limited[0].json.error.message, /[\u0600-\u06FF]/);
  assert.ok(all.some((r) => r.status === 200), 'the first ones pass');
  // Let the bucket drain so later tests are not limited.
  await new Promise((r) => setTimeout(r, 2500));
});

test('an unknown static path is 404', async () => {
  const res = await api('GET', '/nonexistent-page');
  assert.equal(res.status, 404);
});
