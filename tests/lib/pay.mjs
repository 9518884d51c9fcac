// Citizens at the payment step and payment rows, for the payment suites.
import assert from 'node:assert/strict';
import { sql } from './stack.mjs';
import { DAY, jalali, serverNow, nextWorkingDay, makeOffice, newCityCode, readyCitizen } from './citizens.mjs';
import { sleep } from './plugins.mjs';

let shared;   // one roomy office serves every payment test of a file

/** A fresh citizen holding a place (stage reserved), logged in. */
export async function reserved() {
  shared ??= makeOffice({ cityCode: newCityCode(), morning: 1000, evening: 1000 });
  const office = shared;
  const now = await serverNow();
  const date = jalali(nextWorkingDay(new Date(now.getTime() + 4 * DAY)));
  const c = await readyCitizen();
  const b = await c.client.post('/api/v1/application/appointment', { office_id: office, date, shift: 'morning' });
  assert.equal(b.status, 200, b.text);
  return { ...c, office, date };
}

export async function startPayment(client, gateway) {
  const p = await client.post('/api/v1/payments', { gateway });
  assert.equal(p.status, 201, p.text);
  return p.json;
}

export function payRow(id) {
  const [row] = sql(`SELECT state, token, order_id, amount_rial, reference FROM payment WHERE id = ${id}`);
  return { state: row[0], token: row[1], order_id: row[2], amount: row[3], reference: row[4] };
}

export async function app(client) {
  return (await client.get('/api/v1/application')).json.application;
}

export async function waitState(id, want, ms = 15000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (payRow(id).state === want) return;
    await sleep(200);
  }
  assert.equal(payRow(id).state, want, `payment ${id}`);
}
