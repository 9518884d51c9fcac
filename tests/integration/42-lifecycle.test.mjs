// The application lifecycle is one core service (ABI 1.1 life_move): every
// move of a citizen's application is decided there and leaves its audit row
// (from, to, event, actor, instant, request id) in the same transaction.
// expect: 3 tests
import assert from 'node:assert/strict';
import { test, before } from 'node:test';
import { admin, ctl, sql, sql1, q } from '../lib/stack.mjs';
import { openBank, press, deliver } from '../lib/bank.mjs';
import { sleep } from '../lib/plugins.mjs';
import { reserved, startPayment } from '../lib/pay.mjs';
import { readyCitizen } from '../lib/citizens.mjs';

before(async () => {
  assert.equal((await admin('POST', '/admin/v1/modules/pay_sadad/enable')).status, 200);
});

function events(nid) {
  return sql(`SELECT e.from_stage, e.to_stage, e.event, e.actor_kind, e.actor_id, e.request_id
                FROM application_event e JOIN application a ON a.id = e.application_id
               WHERE a.national_id = ${q(nid)} ORDER BY e.id`);
}

test('a citizen\'s journey leaves one audit row per move, each naming its actor and request', async () => {
  const { person, client } = await reserved();
  const p = await startPayment(client, 'sadad');
  await deliver(await press(await openBank(p.redirect), 'pay'));
  const rows = events(person.nid);
  assert.deepEqual(rows.map((r) => `${r[0]}>${r[1]}:${r[2]}`),
    ['>entered:created', 'entered>details_done:details_done', 'details_done>reserved:hold',
      'reserved>paid:paid']);
  const [created, details, hold, paid] = rows;
  assert.equal(created[3], 'citizen', 'the first page began it');
  assert.match(created[5], /^[0-9a-f]{32}$/);
  assert.equal(details[3], 'citizen');
  assert.match(details[4], /^session:[0-9a-f]{16}$/);
  assert.match(details[5], /^[0-9a-f]{32}$/, 'the request id of the move');
  assert.equal(hold[3], 'citizen');
  assert.equal(paid[3], 'system', 'the payment applied it, not the citizen');
  assert.equal(paid[4], 'payments');
  // The stage the table says is the last row's.
  assert.equal(sql1(`SELECT stage FROM application WHERE national_id = ${q(person.nid)}`), 'paid');
});

test('a hold the sweeper frees is a move of the system; a refused change writes none', async () => {
  const { person, client } = await reserved();
  const before = Number(sql1('SELECT COUNT(*) FROM application_event'));
  // A change the matrix refuses (no payment yet: no receipt) moves nothing.
  const r = await client.get('/api/v1/application/receipt');
  assert.equal(r.status, 409);
  assert.equal(Number(sql1('SELECT COUNT(*) FROM application_event')), before);
  ctl('clock', 'advance', '16m');
  try {
    const end = Date.now() + 15000;
    while (Date.now() < end && sql1(`SELECT stage FROM application WHERE national_id = ${q(person.nid)}`) !== 'details_done') await sleep(200);
  } finally {
    ctl('clock', 'reset');
  }
  const last = events(person.nid).at(-1);
  assert.deepEqual(last.slice(0, 5), ['reserved', 'details_done', 'hold_lapsed', 'system', 'hold sweeper']);
});

test('details completed twice move the stage once', async () => {
  const { person, client } = await readyCitizen();
  const again = await client.put('/api/v1/application/needs', {
    can_leave_home: true, can_climb_stairs: true, pupils_visible: true, fingers_intact: true,
  });
  assert.equal(again.status, 200);
  assert.equal(events(person.nid).filter((r) => r[2] === 'details_done').length, 1);
});
