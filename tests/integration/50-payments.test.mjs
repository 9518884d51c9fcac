// Payments (SPEC §4, gateways.md): both banks' real protocols through the
// strict simulators, every failure path and pitfall, the reconciler after a
// crash, and a gateway disabled while payments are at the bank.
// expect: 18 tests
import assert from 'node:assert/strict';
import { test, before } from 'node:test';
import { admin, ctl, sql, sql1, q, sms, waitFor, Client } from '../lib/stack.mjs';
import {
  DAY, jalali, serverNow, nextWorkingDay, makeOffice, newCityCode, readyCitizen,
} from '../lib/citizens.mjs';
import { openBank, press, deliver, simMode, simOrders } from '../lib/bank.mjs';
import { crsdPid, alive, stackUp, sleep } from '../lib/plugins.mjs';
import { reserved, startPayment, payRow, app, waitState } from '../lib/pay.mjs';

const GATEWAYS = ['sadad', 'parsian'];

before(async () => {
  for (const m of ['pay_sadad', 'pay_parsian']) {
    const r = await admin('POST', `/admin/v1/modules/${m}/enable`);
    assert.equal(r.status, 200, r.text);
  }
});

for (const gw of GATEWAYS) {
  test(`${gw}: pay, verify, book: tracking code, SMS, receipt; the callback is idempotent`, async () => {
    const { client } = await reserved();
    const p = await startPayment(client, gw);
    assert.equal(p.amount_rial, 200000);
    assert.match(String(p.order_id), /^\d{15}$/);
    const before = await app(client);
    assert.equal(before.payment.state, 'pending');
    const cb = await press(await openBank(p.redirect), 'pay');
    const d = await deliver(cb);
    assert.equal(d.status, 303);
    assert.match(d.location, new RegExp(`/result\\.html\\?payment=${p.payment_id}$`));
    const st = await client.get(`/api/v1/payments/${p.payment_id}`);
    assert.equal(st.json.state, 'verified');
    assert.match(st.json.message, /موفقیت/);
    const a = await app(client);
    assert.equal(a.stage, 'paid');
    assert.equal(a.next, 'receipt');
    assert.match(a.tracking_code, /^\d{9}$/);
    assert.ok(a.allowed_operations.includes('print_receipt'));
    assert.equal(a.appointment.held_until, null, 'booked for good');
    // The outbox delivers after the commit, within a second or two.
    await waitFor(async () => (await sms(a.details.mobile)).some((m) => m.text.includes(a.tracking_code)),
      10000, { message: 'SMS with the tracking code' });
    // The same callback again (a refresh, a double POST): nothing changes.
    const ref = payRow(p.payment_id).reference;
    const again = await deliver(cb);
    assert.equal(again.status, 303);
    assert.equal(payRow(p.payment_id).reference, ref);
    assert.equal(sql1(`SELECT COUNT(*) FROM notification_outbox WHERE body LIKE ${q('%' + a.tracking_code + '%')}`), '1');
    assert.equal((await client.post('/api/v1/payments', { gateway: gw })).json.error.code, 'OPERATION_NOT_ALLOWED', 'no second payment');
  });
}

test('payments are owner-only and gateways list only enabled ones', async () => {
  const a = await reserved();
  const p = await startPayment(a.client, 'sadad');
  const b = await reserved();
  const other = await b.client.get(`/api/v1/payments/${p.payment_id}`);
  assert.equal(other.status, 404);
  const list = await new Client().get('/api/v1/gateways');
  assert.deepEqual(list.json.gateways.map((g) => g.name).sort(), ['parsian', 'sadad']);
  assert.equal((await a.client.post('/api/v1/payments', { gateway: 'nope' })).json.error.code, 'FIELD_INVALID');
  const anon = await new Client().post('/api/v1/payments', { gateway: 'sadad' });
  assert.equal(anon.status, 401);
});

test('a forged callback (unknown token) and another order\'s token change nothing', async () => {
  const a = await reserved();
  const b = await reserved();
  const pa = await startPayment(a.client, 'sadad');
  const pb = await startPayment(b.client, 'sadad');
  const cbA = await press(await openBank(pa.redirect), 'pay');
  const forged = await deliver(cbA, { token: 'f'.repeat(36), Token: 'f'.repeat(36) });
  assert.equal(forged.status, 303);
  // A's token posted with B's order id.
  const crossed = await deliver(cbA, { OrderId: String(pb.order_id) });
  assert.equal(crossed.status, 303);
  assert.equal(payRow(pa.payment_id).state, 'redirected');
  assert.equal(payRow(pb.payment_id).state, 'redirected');
  assert.equal((await app(b.client)).stage, 'reserved');
  // The genuine callback still works.
  await deliver(cbA);
  assert.equal(payRow(pa.payment_id).state, 'verified');
  assert.equal(payRow(pb.payment_id).state, 'redirected');
});

test('parsian: an amount-mismatch callback decides nothing; the stored amount confirms', async () => {
  const { client } = await reserved();
  const p = await startPayment(client, 'parsian');
  const cb = await press(await openBank(p.redirect), 'pay');
  assert.equal(cb.fields.Amount, '200,000', 'Parsian posts thousands commas');
  await deliver(cb, { Amount: '1,000' });
  assert.equal(payRow(p.payment_id).state, 'redirected');
  await deliver(cb);
  assert.equal(payRow(p.payment_id).state, 'verified');
  assert.equal(payRow(p.payment_id).amount, '200000');
});

test('parsian: a second confirm answering success again marks nothing paid twice', async () => {
  const { client } = await reserved();
  const p = await startPayment(client, 'parsian');
  const cb = await press(await openBank(p.redirect), 'pay');
  // Two callbacks at once (a double click): one claim, one verification.
  await Promise.all([deliver(cb), deliver(cb), deliver(cb)]);
  assert.equal(payRow(p.payment_id).state, 'verified');
  const [order] = (await simOrders('parsian', `?order_id=${p.order_id}`)).orders;
  assert.equal(order.verify_count, 1, 'one confirm for three callbacks');
  // Ask the reconciler to look again: the bank would say 0 again (P2).
  ctl('clock', 'advance', '2m');
  try {
    await sleep(6000);
    assert.equal(payRow(p.payment_id).state, 'verified');
    const [after] = (await simOrders('parsian', `?order_id=${p.order_id}`)).orders;
    assert.equal(after.verify_count, 1, 'a verified payment is never confirmed again');
    assert.equal(sql1(`SELECT COUNT(*) FROM payment WHERE subject_id = (SELECT subject_id FROM payment WHERE id = ${p.payment_id}) AND state = 'verified'`), '1');
  } finally {
    ctl('clock', 'reset');
  }
});

test('a cancelled payment takes no money: back to confirm while the hold lasts, then the place is freed', async () => {
  const city = newCityCode();
  const office = makeOffice({ cityCode: city, morning: 5, evening: 5 });
  const now = await serverNow();
  const date = jalali(nextWorkingDay(new Date(now.getTime() + 4 * DAY)));
  const { person, client } = await readyCitizen();
  assert.equal((await client.post('/api/v1/application/appointment', { office_id: office, date, shift: 'morning' })).status, 200);
  const p = await startPayment(client, 'sadad');
  const cb = await press(await openBank(p.redirect), 'cancel');
  await deliver(cb);
  // Failed for the citizen; open for the core until the bank's window
  // closes (a failure callback alone is never trusted).
  assert.equal(payRow(p.payment_id).state, 'redirected');
  assert.notEqual(sql1(`SELECT callback_failed_at FROM payment WHERE id = ${p.payment_id}`), null);
  const st = await client.get(`/api/v1/payments/${p.payment_id}`);
  assert.equal(st.json.state, 'failed');
  assert.match(st.json.message, /۷۲/);
  let a = await app(client);
  assert.equal(a.next, 'confirm', 'review, then pay again');
  assert.equal(a.payment.state, 'failed');
  assert.equal(sql1(`SELECT taken FROM slot WHERE office_id = ${office} AND shift = 'morning'`), '1');
  ctl('clock', 'advance', '16m');
  try {
    const end = Date.now() + 10000;
    while (Date.now() < end && sql1(`SELECT stage FROM application WHERE national_id = ${q(person.nid)}`) !== 'details_done') await sleep(200);
    assert.equal(sql1(`SELECT taken FROM slot WHERE office_id = ${office} AND shift = 'morning'`), '0', 'the place is free');
    a = await app(client);
    assert.equal(a.next, 'appointment');
    // Past the bank's window the bank is asked once more, and the attempt closes.
    ctl('clock', 'advance', '5m');
    await waitState(p.payment_id, 'failed', 20000);
    assert.match((await client.get(`/api/v1/payments/${p.payment_id}`)).json.message, /لغو/);
  } finally {
    ctl('clock', 'reset');
  }
});

test('a declined card fails the payment and the citizen may pay again through the other bank', async () => {
  const { client } = await reserved();
  const p = await startPayment(client, 'parsian');
  await deliver(await press(await openBank(p.redirect), 'decline'));
  assert.equal((await client.get(`/api/v1/payments/${p.payment_id}`)).json.state, 'failed');
  assert.equal((await app(client)).payment.state, 'failed');
  const p2 = await startPayment(client, 'sadad');
  await deliver(await press(await openBank(p2.redirect), 'pay'));
  assert.equal(payRow(p2.payment_id).state, 'verified');
  assert.equal((await app(client)).stage, 'paid');
});

test('the bank refusing a token answers 502 GATEWAY_UNAVAILABLE with its reason and no payment at the bank', async () => {
  const { client } = await reserved();
  await simMode('sadad', { next: 'token_error' });
  const r = await client.post('/api/v1/payments', { gateway: 'sadad' });
  assert.equal(r.status, 502);
  assert.equal(r.json.error.code, 'GATEWAY_UNAVAILABLE');
  assert.match(r.json.error.message, /[\u0600-\u06FF]/);
  const a = await app(client);
  assert.equal(a.stage, 'reserved', 'the hold stays; pay again');
});

test('a verify that never answers is "unknown", not "failed"; the reconciler completes it', { timeout: 120000 }, async () => {
  const { client } = await reserved();
  const p = await startPayment(client, 'sadad');
  const cb = await press(await openBank(p.redirect), 'pay');
  await simMode('sadad', { order_id: Number(p.order_id), mode: 'verify_hangs' });
  const d = await deliver(cb);
  assert.equal(d.status, 303);
  assert.equal(payRow(p.payment_id).state, 'redirected', 'no answer is not a failure');
  assert.equal(sql1(`SELECT outcome_unknown FROM payment WHERE id = ${p.payment_id}`), '1');
  assert.equal((await client.get(`/api/v1/payments/${p.payment_id}`)).json.state, 'pending');
  await simMode('sadad', { order_id: Number(p.order_id), mode: [] });
  ctl('clock', 'advance', '2m');
  try {
    await waitState(p.payment_id, 'verified', 30000);
    assert.equal((await app(client)).stage, 'paid');
  } finally {
    ctl('clock', 'reset');
  }
});

test('crsd killed between the bank\'s success and the verify: the reconciler completes it after restart', { timeout: 120000 }, async () => {
  const { person, client } = await reserved();
  const p = await startPayment(client, 'parsian');
  await press(await openBank(p.redirect), 'pay');   // paid at the bank; the browser never comes back
  const pid = crsdPid();
  process.kill(pid, 'SIGKILL');
  while (alive(pid)) await sleep(50);
  stackUp();
  ctl('clock', 'advance', '2m');
  try {
    await waitState(p.payment_id, 'verified', 30000);
    const again = await new Client().login(person.nid, person.serial);
    assert.equal(again.json.next, 'receipt');
    assert.match(again.json.application.tracking_code, /^\d{9}$/);
  } finally {
    ctl('clock', 'reset');
  }
});

test('crsd killed during the verify: no payment lost, none paid twice', { timeout: 180000 }, async () => {
  const { client } = await reserved();
  const p = await startPayment(client, 'sadad');
  const cb = await press(await openBank(p.redirect), 'pay');
  const order = async () => (await simOrders('sadad', `?order_id=${p.order_id}`)).orders[0];
  await simMode('sadad', { order_id: Number(p.order_id), mode: 'slow_verify' });
  const pending = deliver(cb).catch(() => null);
  await sleep(1000);
  const pid = crsdPid();
  process.kill(pid, 'SIGKILL');
  while (alive(pid)) await sleep(50);
  await pending;
  stackUp();
  // The dead crsd's verify still reaches the bank (slow_verify answers after
  // 3 s): the bank has the money confirmed, CRS has not recorded it.
  await waitFor(async () => (await order()).verify_count === 1, 10000, { message: 'the dead crsd\'s verify at the bank' });
  assert.equal((await order()).state, 'verified');
  assert.equal(payRow(p.payment_id).state, 'redirected');
  // The browser retries the callback, twice at once. The dead process's
  // claim is still fresh, so neither verifies: one verify at a time per payment.
  for (const r of await Promise.all([deliver(cb), deliver(cb)])) assert.equal(r.status, 303);
  assert.equal((await order()).verify_count, 1, 'no verify while the dead crsd\'s claim is fresh');
  await simMode('sadad', { order_id: Number(p.order_id), mode: [] });
  // The verify claim of the dead process goes stale after two minutes.
  ctl('clock', 'advance', '3m');
  try {
    await waitState(p.payment_id, 'verified', 40000);
    await sleep(6000);   // one more reconciler round (every 5 s): it must leave the payment alone
    const appId = sql1(`SELECT subject_id FROM payment WHERE id = ${p.payment_id}`);
    assert.equal((await order()).verify_count, 2, 'the dead crsd\'s verify and one by the reconciler, no third');
    assert.equal(sql1(`SELECT COUNT(*) FROM payment WHERE subject_id = ${appId}`), '1', 'one payment row');
    assert.equal(sql1(`SELECT COUNT(*) FROM payment WHERE subject_id = ${appId} AND state = 'verified'`), '1');
    assert.equal(payRow(p.payment_id).reference, (await order()).rrn, 'the bank\'s reference recorded');
    const a = await app(client);
    assert.equal(a.stage, 'paid');
    assert.match(a.tracking_code, /^\d{9}$/);
    assert.equal(sql1(`SELECT COUNT(*) FROM notification_outbox WHERE body LIKE ${q('%' + a.tracking_code + '%')}`), '1', 'one "paid" SMS');
  } finally {
    ctl('clock', 'reset');
  }
});

test('a success after the hold ran out keeps the money: paid_no_slot, choose again without paying', { timeout: 120000 }, async () => {
  const city = newCityCode();
  const office = makeOffice({ cityCode: city, morning: 5, evening: 5 });
  const day0 = await serverNow();
  const date0 = jalali(nextWorkingDay(new Date(day0.getTime() + 4 * DAY)));
  const { person, client: first } = await readyCitizen();
  assert.equal((await first.post('/api/v1/application/appointment', { office_id: office, date: date0, shift: 'morning' })).status, 200);
  const p = await startPayment(first, 'parsian');
  const cb = await press(await openBank(p.redirect), 'pay');
  // The citizen left the bank page open past the payment window (and the
  // session's idle time: they log in again afterwards).
  ctl('clock', 'advance', '21m');
  const client = new Client();
  try {
    await client.login(person.nid, person.serial);
    const end = Date.now() + 20000;
    while (Date.now() < end) {
      const st = sql1(`SELECT stage FROM application WHERE national_id = ${q(person.nid)}`);
      if (st === 'paid_no_slot') break;
      if (st === 'details_done') { await deliver(cb); }
      await sleep(300);
    }
    const a = await app(client);
    assert.equal(a.stage, 'paid_no_slot');
    assert.equal(a.next, 'appointment');
    assert.equal(a.payment.state, 'verified');
    assert.equal(sql1(`SELECT taken FROM slot WHERE office_id = ${office} AND shift = 'morning'`), '0');
    assert.ok(a.allowed_operations.includes('print_receipt'));
    const now = await serverNow();
    const date = jalali(nextWorkingDay(new Date(now.getTime() + 5 * DAY)));
    const b = await client.post('/api/v1/application/appointment', { office_id: office, date, shift: 'evening' });
    assert.equal(b.status, 200, b.text);
    assert.equal(b.json.application.stage, 'paid');
    assert.equal(b.json.application.next, 'receipt');
    assert.equal(sql1(`SELECT COUNT(*) FROM payment WHERE subject_id = (SELECT id FROM application WHERE national_id = ${q(person.nid)})`), '1', 'no second payment');
  } finally {
    ctl('clock', 'reset');
  }
});

test('disabling a gateway under load: new payments through it refused at once, those at the bank still verify, the other bank unaffected; then it is disabled', { timeout: 240000 }, async () => {
  const citizens = [];
  for (let i = 0; i < 40; i += 10) citizens.push(...await Promise.all(Array.from({ length: 10 }, () => reserved())));
  // Twenty citizens are at Sadad's page and have paid; their browsers
  // have not come back yet.
  const open = await Promise.all(citizens.slice(0, 20).map(async (c) => {
    const p = await startPayment(c.client, 'sadad');
    return { c, p, cb: await press(await openBank(p.redirect), 'pay') };
  }));
  const d = await admin('POST', '/admin/v1/modules/pay_sadad/disable');
  assert.equal(d.status, 200);
  assert.equal(d.json.module.state, 'draining');
  const list = await citizens[20].client.get('/api/v1/gateways');
  assert.deepEqual(list.json.gateways.map((g) => g.name), ['parsian']);
  // All at once: the twenty callbacks, ten new Sadad attempts, ten
  // citizens paying through Parsian.
  const [callbacks, refusals, others] = await Promise.all([
    Promise.all(open.map((o) => deliver(o.cb))),
    Promise.all(citizens.slice(20, 30).map((c) => c.client.post('/api/v1/payments', { gateway: 'sadad' }))),
    Promise.all(citizens.slice(30, 40).map(async (c) => {
      const p = await startPayment(c.client, 'parsian');
      await deliver(await press(await openBank(p.redirect), 'pay'));
      return p;
    })),
  ]);
  for (const r of callbacks) assert.equal(r.status, 303);
  for (const r of refusals) assert.equal(r.json?.error?.code, 'FIELD_INVALID');
  for (const o of open) assert.equal(payRow(o.p.payment_id).state, 'verified', 'no citizen loses money to the click');
  for (const p of others) assert.equal(payRow(p.payment_id).state, 'verified');
  // Payments other tests left at the bank keep it draining until their
  // window is over; then the reconciler expires them and the drain ends.
  ctl('clock', 'advance', '21m');
  let state;
  try {
    const end = Date.now() + 30000;
    while (Date.now() < end) {
      state = (await admin('GET', '/admin/v1/modules')).json.modules.find((m) => m.name === 'pay_sadad').state;
      if (state === 'disabled') break;
      await sleep(500);
    }
  } finally {
    ctl('clock', 'reset');
  }
  assert.equal(state, 'disabled');
  assert.equal(sql1("SELECT COUNT(*) FROM payment WHERE gateway = 'sadad' AND state IN ('created', 'redirected')"), '0');
  const e = await admin('POST', '/admin/v1/modules/pay_sadad/enable');
  assert.equal(e.json.module.state, 'enabled');
});

test('parsian: two attempts both paid at the bank: the second is reversed, never kept', async () => {
  const { client } = await reserved();
  const a = await startPayment(client, 'parsian');
  const b = await startPayment(client, 'parsian');
  const cbA = await press(await openBank(a.redirect), 'pay');
  const cbB = await press(await openBank(b.redirect), 'pay');
  await deliver(cbA);
  await deliver(cbB);
  assert.equal(payRow(a.payment_id).state, 'verified');
  assert.equal(payRow(b.payment_id).state, 'reversed');
  const [order] = (await simOrders('parsian', `?order_id=${b.order_id}`)).orders;
  assert.equal(order.state, 'reversed', 'the bank gave the money back');
  const st = await client.get(`/api/v1/payments/${b.payment_id}`);
  assert.equal(st.json.state, 'reversed');
  assert.match(st.json.message, /۷۲/);
});

test('parsian: the bank says paid, then refuses the confirm: the payment is reversed', async () => {
  const { client } = await reserved();
  const p = await startPayment(client, 'parsian');
  const cb = await press(await openBank(p.redirect), 'pay');
  await simMode('parsian', { order_id: Number(p.order_id), mode: 'verify_fails' });
  await deliver(cb);
  assert.equal(payRow(p.payment_id).state, 'reversed');
  assert.equal((await app(client)).stage, 'reserved', 'still held: pay again');
});

test('sadad: no reversal exists: a refused verify leaves the money to the bank\'s automatic refund', async () => {
  const { client } = await reserved();
  const p = await startPayment(client, 'sadad');
  const cb = await press(await openBank(p.redirect), 'pay');
  await simMode('sadad', { order_id: Number(p.order_id), mode: 'verify_fails' });
  await deliver(cb);
  assert.equal(payRow(p.payment_id).state, 'failed');
  assert.match((await client.get(`/api/v1/payments/${p.payment_id}`)).json.message, /۷۲/);
});

test('metrics count payments by state', async () => {
  const r = await admin('GET', '/admin/v1/metrics');
  const m = /crs_payments\{state="verified"\} (\d+)/.exec(r.text);
  assert.ok(m && Number(m[1]) >= 2, r.text.slice(-600));
  assert.equal(Number(m[1]), Number(sql1("SELECT COUNT(*) FROM payment WHERE state = 'verified'")));
});
