// What the core reads of every request (issue 13): the client's address, and
// JSON bodies checked once, before any handler: valid UTF-8 of Unicode scalar
// values, no NUL, no duplicate keys, integers within int64.
// expect: 17 tests
import assert from 'node:assert/strict';
import { test, before } from 'node:test';
import { BASE, api } from '../lib/stack.mjs';
import { ensureHello, crsdLog, sleep } from '../lib/plugins.mjs';

before(ensureHello);

/** POST a raw body (a Buffer or string) to the echo route. */
function echo(body) {
  return fetch(`${BASE}/api/v1/t/echo`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body,
  }).then(async (r) => ({ status: r.status, json: await r.json().catch(() => null) }));
}

const bytes = (...parts) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

test('the client address nginx passes reaches handlers and every access line', async () => {
  const r = await api('GET', '/api/v1/t/ip');
  assert.equal(r.status, 200);
  assert.equal(r.json.ip, '127.0.0.1');
  const id = r.headers.get('x-request-id');
  let line;
  for (let i = 0; i < 50 && !line; i++) {
    line = crsdLog().split('\n').find((l) => l.includes(`"${id}"`) && l.includes('"status":200'));
    if (!line) await sleep(100);
  }
  assert.ok(line, `access line of ${id}`);
  assert.equal(JSON.parse(line).ip, '127.0.0.1');
});

test('a JSON body is read exactly: Persian text, escapes and surrogate pairs decoded', async () => {
  const r = await echo(bytes('{"a":"زهرا ‌ ۱۲۳","b":"\\u0041\\ud83d\\ude00","n":-9223372036854775808,"x":[1.5,true,null]}'));
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.echo, { a: 'زهرا ‌ ۱۲۳', b: 'A😀', n: -9223372036854775808, x: [1.5, true, null] });
});

const refusals = [
  ['an overlong encoding (C0 AF)', bytes('{"a":"', [0xC0, 0xAF], '"}')],
  ['a code point above U+10FFFF (F4 90 80 80)', bytes('{"a":"', [0xF4, 0x90, 0x80, 0x80], '"}')],
  ['an encoded surrogate (ED A0 80)', bytes('{"a":"', [0xED, 0xA0, 0x80], '"}')],
  ['a lone continuation byte', bytes('{"a":"', [0x80], '"}')],
  ['invalid UTF-8 in a key', bytes('{"', [0xFF], '":1}')],
  ['\\u0000 inside a string', bytes('{"national_id":"0029097088\\u0000XYZ"}')],
  ['a raw NUL byte', bytes('{"a":"x', [0], 'y"}')],
  ['a lone surrogate escape', bytes('{"a":"\\ud800"}')],
  ['a reversed surrogate pair', bytes('{"a":"\\udc00\\ud800"}')],
  ['two equal keys', bytes('{"national_id":"0029097088","national_id":"1111111111"}')],
  ['two keys equal once decoded', bytes('{"gateway":"sadad","\\u0067ateway":"parsian"}')],
  ['an integer beyond int64', bytes('{"n":9223372036854775808}')],
  ['trailing text', bytes('{"a":1} {"b":2}')],
  ['nesting deeper than 16', bytes('{"a":' + '['.repeat(20) + ']'.repeat(20) + '}')],
];

for (const [what, body] of refusals) {
  test(`a JSON body with ${what} is refused with 400 BAD_REQUEST before any handler`, async () => {
    const r = await echo(body);
    assert.equal(r.status, 400);
    assert.equal(r.json?.error?.code, 'BAD_REQUEST');
    assert.match(r.json.error.message, /[\u0600-\u06FF]/);
  });
}

test('a national ID cut by \\u0000 no longer logs in: the first page refuses the body', async () => {
  const r = await fetch(`${BASE}/api/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: '{"national_id":"0029097088\\u0000XYZ","serial":"123456","captcha_id":"x","captcha_answer":"1"}',
  });
  assert.equal(r.status, 400);
  assert.equal((await r.json()).error.code, 'BAD_REQUEST');
});
