// The captcha is not guessable: over many challenges drawn through the API no answer comes
// up in 1 % of them or more (one fixed guess such as "10" used to pass 11 % of the time).
// The exact distribution is pinned by the unit test (tests/unit/test_captcha_img.c); this
// checks what crsd really stores in captcha_challenge. A few images are kept under the
// stack directory (captcha-samples/) for a person to look at.
// expect: 1 test
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { BASE, STACK_DIR, sql, q } from '../lib/stack.mjs';

const N = 2000;
const WORKERS = 8;

/** GET /api/v1/captcha from a given loopback source address. The stack limits the captcha
 *  route per client address; each worker has its own, and waits when limited anyway. */
function getCaptcha(localAddress) {
  const { hostname, port } = new URL(BASE);
  return new Promise((resolve, reject) => {
    const req = http.get({ host: hostname, port, path: '/api/v1/captcha', localAddress, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.setTimeout(30000, () => req.destroy(new Error('no answer in 30 s')));
  });
}

async function drawMany(n) {
  const got = [];
  let next = 0;
  const worker = async (w) => {
    const from = `127.0.0.${20 + w}`;
    while (next < n) {
      next++;
      for (;;) {
        const res = await getCaptcha(from);
        if (res.status === 429) { await new Promise((r) => setTimeout(r, 250)); continue; }
        assert.equal(res.status, 200, res.text.slice(0, 200));
        got.push(JSON.parse(res.text));
        break;
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
  return got;
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(buf) {
  assert.equal(buf.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'a PNG');
  assert.equal(buf.subarray(12, 16).toString('latin1'), 'IHDR');
  return [buf.readUInt32BE(16), buf.readUInt32BE(20)];
}

test(`${N} captchas through the API: no answer in 1 % of them`, { timeout: 600000 }, async (t) => {
  const all = await drawMany(N);
  assert.equal(all.length, N);
  assert.equal(new Set(all.map((c) => c.captcha_id)).size, N, 'distinct ids');

  const answers = new Map();
  for (let i = 0; i < N; i += 500) {
    const ids = all.slice(i, i + 500).map((c) => q(c.captcha_id)).join(',');
    for (const [id, answer] of sql(`SELECT id, answer FROM captcha_challenge WHERE id IN (${ids})`)) answers.set(id, Number(answer));
  }
  assert.equal(answers.size, N, 'every challenge is stored');

  const freq = new Map();
  for (const a of answers.values()) freq.set(a, (freq.get(a) || 0) + 1);
  const [top, topCount] = [...freq].sort((x, y) => y[1] - x[1])[0];
  // The design's most likely answers have p = 1/800, about 2.5 each in 2,000: the chance
  // that any of them reaches 20 (1 %) is about 1e-9. A draw with some answer at 1.5 % would
  // put it near 30 and is caught with more than 97 % certainty; "10" of 1..9 + 1..9 (11 %)
  // came up about 220 times.
  assert.ok(topCount < N / 100, `answer ${top} came up ${topCount} times in ${N} (${(100 * topCount / N).toFixed(2)} %)`);
  assert.ok(freq.size > 400, `only ${freq.size} different answers in ${N}`);

  const dir = path.join(STACK_DIR, 'captcha-samples');
  fs.mkdirSync(dir, { recursive: true });
  for (const c of all.slice(0, 12)) {
    const png = Buffer.from(c.image.replace(/^data:image\/png;base64,/, ''), 'base64');
    assert.deepEqual(pngSize(png), [160, 60]);
    fs.writeFileSync(path.join(dir, `${answers.get(c.captcha_id)}-${c.captcha_id.slice(0, 6)}.png`), png);
  }
  t.diagnostic(`most frequent answer ${top}: ${topCount} of ${N}; ${freq.size} different answers; samples in ${dir}`);
});
