// Limits counted in the database (issue 13): failed first pages per national
// ID, receipt e-mails per application. Each limit is pinned: one more than
// allowed is refused with a Persian 429, and the window's end lifts it.
// expect: 2 tests
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ctl, sql1, q, Client, captcha } from '../lib/stack.mjs';
import { makePerson, login } from '../lib/citizens.mjs';
import { openBank, press, deliver } from '../lib/bank.mjs';
import { sleep } from '../lib/plugins.mjs';
import { reserved, startPayment, app } from '../lib/pay.mjs';

/** POST /api/v1/session, waiting out nginx's per-address limit (whose 429
 *  names no field), so that only crsd's answers are returned. */
async function firstPage(client, body) {
  for (;;) {
    let c;
    try {
      c = await captcha(client);
    } catch (e) {
      if (!/429/.test(e.message)) throw e;
      await sleep(500);
      continue;
    }
    const r = await client.post('/api/v1/session', { ...c, ...body });
    if (r.status === 429 && !r.json?.error?.field) { await sleep(500); continue; }
    return r;
  }
}

test('ten failed first pages for one national ID bar it for the hour, even with the right serial; the next hour it works', async () => {
  const p = makePerson();
  const wrong = p.serial === '123456' ? '654321' : '123456';
  const c = new Client();
  for (let i = 0; i < 9; i++) {
    const r = await firstPage(c, { national_id: p.nid, serial: wrong });
    assert.equal(r.json.error.code, 'ID_SERIAL_MISMATCH', `attempt ${i + 1}`);
  }
  // A wrong captcha counts too (the tenth failure).
  const cap = await captcha(c);
  const bad = await c.post('/api/v1/session', { national_id: p.nid, serial: p.serial,
    captcha_id: cap.captcha_id, captcha_answer: String(Number(cap.captcha_answer) + 1) });
  assert.equal(bad.json.error.code, 'CAPTCHA_WRONG');
  const barred = await firstPage(c, { national_id: p.nid, serial: p.serial });
  assert.equal(barred.status, 429, barred.text);
  assert.equal(barred.json.error.code, 'RATE_LIMITED');
  assert.equal(barred.json.error.field, 'national_id');
  assert.match(barred.json.error.message, /یک ساعت/);
  assert.equal(sql1(`SELECT COUNT(*) FROM application WHERE national_id = ${q(p.nid)}`), '0', 'nothing written');
  // Another person is not affected.
  const other = makePerson();
  assert.equal((await firstPage(new Client(), { national_id: other.nid, serial: other.serial })).status, 200);
  ctl('clock', 'advance', '61m');
  try {
    const ok = await firstPage(c, { national_id: p.nid, serial: p.serial });
    assert.equal(ok.status, 200, ok.text);
  } finally {
    ctl('clock', 'reset');
  }
});

test('receipt e-mails: 30 at once send 3, the rest 429 in Persian; the next hour 3 more, at most 10 a day', { timeout: 120000 }, async () => {
  const { client } = await reserved();
  const p = await startPayment(client, 'sadad');
  await deliver(await press(await openBank(p.redirect), 'pay'));
  const a = await app(client);
  assert.equal(a.stage, 'paid');
  const outbox = () => Number(sql1("SELECT COUNT(*) FROM notification_outbox WHERE channel = 'email'" +
    ` AND attachment_name = ${q(`crs-receipt-${a.tracking_code}.pdf`)}`));
  const rs = await Promise.all(Array.from({ length: 30 }, (_, i) =>
    client.post('/api/v1/application/receipt/email', { email: `stranger${i % 3}@example.com` })));
  assert.equal(rs.filter((r) => r.status === 202).length, 3, rs.map((r) => r.status).join(','));
  for (const r of rs.filter((x) => x.status !== 202)) {
    assert.equal(r.status, 429);
    assert.equal(r.json.error.code, 'RATE_LIMITED');
    assert.match(r.json.error.message, /[\u0600-\u06FF]/);
  }
  assert.equal(outbox(), 3);
  let sent = 3;
  try {
    for (let hour = 1; hour <= 4; hour++) {
      ctl('clock', 'advance', '61m');
      // Log in again: the session's idle time passed with the clock.
      await login(client, { nid: a.national_id, serial: sql1(`SELECT serial FROM application WHERE national_id = ${q(a.national_id)}`) });
      for (let i = 0; i < 4; i++) {
        const r = await client.post('/api/v1/application/receipt/email', { email: 'citizen@example.com' });
        if (r.status === 202) sent++;
        else assert.equal(r.status, 429);
      }
    }
  } finally {
    ctl('clock', 'reset');
  }
  assert.equal(sent, 10, 'ten a day');
  assert.equal(outbox(), 10);
});
