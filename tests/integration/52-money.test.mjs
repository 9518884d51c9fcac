// Money (SPEC §7 "Money", issue 13): at most one payment per application is
// ever kept, whatever the timing; money the bank kept that CRS will not keep
// is reversed, left to the bank's automatic refund, or queued for an
// operator; a failure callback is never trusted; attempts are bounded; a
// crash during token requests leaves nothing stuck.
// expect: 9 tests
import assert from 'node:assert/strict';
import { test, before } from 'node:test';
import { admin, ctl, sql, sql1, api } from '../lib/stack.mjs';
import { openBank, press, deliver, simMode, simOrders } from '../lib/bank.mjs';
import { crsdPid, alive, stackUp, sleep } from '../lib/plugins.mjs';
import { reserved, startPayment, payRow, app, waitState } from '../lib/pay.mjs';

const GATEWAYS = ['sadad', 'parsian'];
// A bank order in these states holds settled money (the merchant verified /
// confirmed it); any other state returns by itself or never was money.
const SETTLED = { sadad: 'verified', parsian: 'confirmed' };

before(async () => {
  for (const m of ['pay_sadad', 'pay_parsian']) {
    const r = await admin('POST', `/admin/v1/modules/${m}/enable`);
    assert.equal(r.status, 200, r.text);
  }
});

async function bankOrder(gw, orderId) {
  const [o] = (await simOrders(gw, `?order_id=${orderId}`)).orders;
  return o;
}

/** The money invariant for one application: exactly `kept` payments verified in
 *  CRS, and every order the bank settled is either that one or in the refund queue. */
async function assertMoneyKeptOnce(appId, kept = 1) {
  const rows = sql(`SELECT id, gateway, order_id, state FROM payment WHERE subject_id = ${appId}`);
  const verified = rows.filter((r) => r[3] === 'verified');
  assert.equal(verified.length, kept, `verified payments of application ${appId}: ${JSON.stringify(rows)}`);
  const queued = new Set(sql(`SELECT payment_id FROM payment_refund WHERE payment_id IN (${rows.map((r) => r[0]).join(',')})`).map((r) => r[0]));
  for (const [id, gw, order, state] of rows) {
    const o = await bankOrder(gw, order);
    if (!o || o.state !== SETTLED[gw] || state === 'verified') continue;
    assert.ok(queued.has(id), `payment ${id} (${state}): the bank kept its money (${o.state}) and no refund is queued`);
  }
}

function appIdOf(paymentId) {
  return sql1(`SELECT subject_id FROM payment WHERE id = ${paymentId}`);
}

// ------------------------------------------------------------------ 1. two tabs

for (const gw of GATEWAYS) {
  test(`${gw}: two tabs paid at the bank, both callbacks at once: one kept, the other given back — 20 times`, { timeout: 240000 }, async () => {
    const runs = 20;
    const outcomes = [];
    for (let i = 0; i < runs; i += 5) {
      outcomes.push(...await Promise.all(Array.from({ length: Math.min(5, runs - i) }, async () => {
        const { client } = await reserved();
        const a = await startPayment(client, gw);
        const b = await startPayment(client, gw);
        const [cbA, cbB] = await Promise.all([press(await openBank(a.redirect), 'pay'),
          press(await openBank(b.redirect), 'pay')]);
        await Promise.all([deliver(cbA), deliver(cbB)]);
        return { client, a, b };
      })));
    }
    for (const { client, a, b } of outcomes) {
      const states = [payRow(a.payment_id).state, payRow(b.payment_id).state].sort();
      const other = gw === 'parsian' ? 'reversed' : 'failed';
      assert.deepEqual(states, [other, 'verified'].sort(), `payments ${a.payment_id}, ${b.payment_id}`);
      const lost = payRow(a.payment_id).state === 'verified' ? b : a;
      const o = await bankOrder(gw, lost.order_id);
      assert.notEqual(o.state, SETTLED[gw], `the bank must not keep order ${lost.order_id}`);
      if (gw === 'parsian') assert.equal(o.state, 'reversed');
      const st = await client.get(`/api/v1/payments/${lost.payment_id}`);
      assert.equal(st.json.state, gw === 'parsian' ? 'reversed' : 'failed');
      assert.match(st.json.message, /۷۲/, 'the bank returns it: the 72-hour rule');
      assert.equal((await app(client)).stage, 'paid');
      await assertMoneyKeptOnce(appIdOf(a.payment_id));
    }
  });
}

// ------------------------------------------------------------------ 2. forged failures

function forgedFailure(gw, row) {
  return gw === 'sadad'
    ? { token: row.token, OrderId: row.order_id, ResCode: '-1' }
    : { Token: row.token, OrderId: row.order_id, status: '-138', RRN: '0', TerminalNo: '1' };
}

async function postCallback(gw, fields) {
  return api('POST', `/pay/${gw}/callback`, { form: fields });
}

for (const gw of GATEWAYS) {
  test(`${gw}: a failure callback posted by someone holding the token does not close the attempt: the citizen's payment is kept`, async () => {
    const { client } = await reserved();
    const p = await startPayment(client, gw);
    const forged = await postCallback(gw, forgedFailure(gw, payRow(p.payment_id)));
    assert.equal(forged.status, 303);
    assert.equal(payRow(p.payment_id).state, 'redirected', 'still open: the bank has not said');
    // The citizen, unaware, pays and comes back.
    const d = await deliver(await press(await openBank(p.redirect), 'pay'));
    assert.equal(d.status, 303);
    assert.equal(payRow(p.payment_id).state, 'verified');
    const a = await app(client);
    assert.equal(a.stage, 'paid');
    assert.match(a.tracking_code, /^\d{9}$/);
    await assertMoneyKeptOnce(appIdOf(p.payment_id));
  });

  test(`${gw}: after a forged failure the citizen pays and the browser never returns: the reconciler asks the bank and keeps the payment`, { timeout: 60000 }, async () => {
    const { client } = await reserved();
    const p = await startPayment(client, gw);
    await postCallback(gw, forgedFailure(gw, payRow(p.payment_id)));
    assert.equal((await client.get(`/api/v1/payments/${p.payment_id}`)).json.state, 'failed');
    await press(await openBank(p.redirect), 'pay');
    ctl('clock', 'advance', '6m');
    try {
      await waitState(p.payment_id, 'verified', 30000);
      assert.equal((await app(client)).stage, 'paid');
    } finally {
      ctl('clock', 'reset');
    }
  });
}

// ------------------------------------------------------------------ 3. refund queue

test('sadad: a verify that settles another amount goes to the operator refund queue and the citizen is told the truth', async () => {
  const { client } = await reserved();
  const p = await startPayment(client, 'sadad');
  const cb = await press(await openBank(p.redirect), 'pay');
  await simMode('sadad', { order_id: Number(p.order_id), mode: 'amount_mismatch' });
  await deliver(cb);
  assert.equal(payRow(p.payment_id).state, 'failed');
  assert.equal((await bankOrder('sadad', p.order_id)).state, 'verified', 'the bank settled it');
  const st = await client.get(`/api/v1/payments/${p.payment_id}`);
  assert.equal(st.json.state, 'failed');
  assert.doesNotMatch(st.json.message, /۷۲/, 'it does not come back by itself');
  assert.match(st.json.message, /بازپرداخت/);
  assert.equal((await app(client)).stage, 'reserved', 'not paid: the citizen may pay again');
  const list = await admin('GET', '/admin/v1/payments/refunds');
  assert.equal(list.status, 200);
  const item = list.json.refunds.find((r) => r.payment_id === p.payment_id);
  assert.ok(item, JSON.stringify(list.json));
  assert.equal(item.order_id, p.order_id);
  assert.equal(item.gateway, 'sadad');
  assert.equal(item.amount_rial, 200000);
  assert.match(item.reason, /amount/);
  assert.match(item.since, /\+03:30$/);
  const byCtl = ctl('payments', 'refunds');
  assert.equal(byCtl.status, 0, byCtl.stderr);
  assert.ok(JSON.parse(byCtl.stdout).refunds.some((r) => r.payment_id === p.payment_id));
  const done = ctl('payments', 'refund-done', String(item.refund_id), 'واریز شد؛ سند ۱۲۳');
  assert.equal(done.status, 0, done.stdout + done.stderr);
  assert.equal(ctl('payments', 'refund-done', String(item.refund_id), 'again').status, 1, 'resolved once');
  const open = (await admin('GET', '/admin/v1/payments/refunds')).json.refunds;
  assert.ok(!open.some((r) => r.payment_id === p.payment_id));
  const all = (await admin('GET', '/admin/v1/payments/refunds?all=1')).json.refunds;
  assert.equal(all.find((r) => r.payment_id === p.payment_id).resolved_note, 'واریز شد؛ سند ۱۲۳');
  await assertMoneyKeptOnce(appIdOf(p.payment_id), 0);
});

// ------------------------------------------------------------------ 4. bounds

test('attempts are bounded: 30 at once for one place open 3 bank tokens, the rest 429 in Persian; 10 a day', async () => {
  const { client } = await reserved();
  const rs = await Promise.all(Array.from({ length: 30 }, () => client.post('/api/v1/payments', { gateway: 'sadad' })));
  const created = rs.filter((r) => r.status === 201);
  assert.equal(created.length, 3, rs.map((r) => r.status).join(','));
  for (const r of rs.filter((x) => x.status !== 201)) {
    assert.equal(r.status, 429);
    assert.equal(r.json.error.code, 'RATE_LIMITED');
    assert.match(r.json.error.message, /[\u0600-\u06FF]/);
  }
  const appId = appIdOf(created[0].json.payment_id);
  assert.equal(sql1(`SELECT COUNT(*) FROM payment WHERE subject_id = ${appId}`), '3');
  // Cancelled at the bank, they no longer count as open; the day's count still grows.
  let made = 3;
  for (const r of created) await deliver(await press(await openBank(r.json.redirect), 'cancel'));
  for (;;) {
    const r = await client.post('/api/v1/payments', { gateway: 'sadad' });
    if (r.status !== 201) {
      assert.equal(r.status, 429);
      assert.equal(r.json.error.code, 'RATE_LIMITED');
      break;
    }
    made++;
    await deliver(await press(await openBank(r.json.redirect), 'cancel'));
    assert.ok(made <= 10, 'at most 10 attempts a day');
  }
  assert.equal(made, 10);
});

// ------------------------------------------------------------------ 5. crash during token requests

test('crsd killed during 30 concurrent token requests, twice: nothing stays stuck, a payment paid at the bank is verified, a drain ends', { timeout: 300000 }, async () => {
  let stuck = 0;
  const seen = [], perRound = [], t0 = Date.now();
  const tally = (xs) => xs.reduce((m, x) => ({ ...m, [x]: (m[x] || 0) + 1 }), {});
  try {
    // Both rounds' citizens first: the rounds then follow each other within
    // seconds, before the reconciler's 60-second rule closes the first
    // round's dead requests (on a loaded machine the logins take longer).
    const all = [];
    for (let i = 0; i < 60; i += 10) all.push(...await Promise.all(Array.from({ length: 10 }, () => reserved())));
    for (let round = 0; round < 2; round++) {
      const citizens = all.slice(round * 30, round * 30 + 30);
      // Exactly these thirty token requests hang at the bank: a fresh queue
      // of slow answers (what a round left over would speed some up).
      await simMode('sadad', { reset: true, config: { slow_ms: 15000 } });
      for (let i = 0; i < 30; i++) await simMode('sadad', { next: 'slow_token' });
      const firstId = Number(sql1('SELECT COALESCE(MAX(id), 0) FROM payment'));
      const pending = citizens.map((c) => c.client.post('/api/v1/payments', { gateway: 'sadad' })
        .then((r) => r.status).catch((e) => e.code || 'error'));
      const created = async () => Number(sql1("SELECT COUNT(*) FROM payment WHERE state = 'created'"));
      const ours = () => Number(sql1(`SELECT COUNT(*) FROM payment WHERE state = 'created' AND id > ${firstId}`));
      const end = Date.now() + 20000;
      while (Date.now() < end && ours() < 30) await sleep(100);
      const pid = crsdPid();
      process.kill(pid, 'SIGKILL');
      while (alive(pid)) await sleep(50);
      const statuses = await Promise.all(pending);
      stuck = await created();
      perRound.push(ours());
      seen.push(`round ${round + 1}: ${stuck} created, answers ${JSON.stringify(tally(statuses))}, ${Math.round((Date.now() - t0) / 1000)} s`);
      stackUp();
    }
  } finally {
    await simMode('sadad', { config: { slow_ms: 3000 } });
  }
  // Each kill caught its thirty token requests at the bank (a round's rows
  // may already be closed by the reconciler when the next one counts).
  assert.ok(perRound.every((n) => n >= 25), `token requests stuck by each kill: ${seen.join('; ')}`);
  // A citizen pays at the bank after the crashes; the browser never returns.
  const x = await reserved();
  const p = await startPayment(x.client, 'sadad');
  await press(await openBank(p.redirect), 'pay');
  ctl('clock', 'advance', '2m');
  try {
    await waitState(p.payment_id, 'verified', 20000);
    const end = Date.now() + 20000;
    while (Date.now() < end && sql1("SELECT COUNT(*) FROM payment WHERE state = 'created'") !== '0') await sleep(200);
    assert.equal(sql1("SELECT COUNT(*) FROM payment WHERE state = 'created'"), '0', 'every dead token request closed');
    // Every other attempt of the suite closes at its window; then the drain ends.
    const d = await admin('POST', '/admin/v1/modules/pay_sadad/disable');
    assert.equal(d.status, 200, d.text);
    ctl('clock', 'advance', '21m');
    let state;
    const until = Date.now() + 60000;
    while (Date.now() < until) {
      state = (await admin('GET', '/admin/v1/modules')).json.modules.find((m) => m.name === 'pay_sadad').state;
      if (state === 'disabled') break;
      await sleep(500);
    }
    assert.equal(state, 'disabled', 'the drain ended');
  } finally {
    ctl('clock', 'reset');
    await admin('POST', '/admin/v1/modules/pay_sadad/enable');
  }
});
