// Office operators (API.md §Office, plugin tracking): a token reaches only
// its office's citizens, the registry's reaches all.
// expect: 2 tests
import assert from 'node:assert/strict';
import { test, before } from 'node:test';
import { admin } from '../lib/stack.mjs';
import { makeOffice } from '../lib/citizens.mjs';
import { issueToken, office, paidCitizen } from '../lib/office.mjs';

let citizen;

before(async () => {
  assert.equal((await admin('POST', '/admin/v1/modules/pay_sadad/enable')).status, 200);
  citizen = await paidCitizen();
});

test('an office reads its own citizen by tracking code; another office, a citizen or nobody cannot', async () => {
  const own = issueToken('office', citizen.office);
  const r = await office(own, 'GET', `/api/v1/office/applications/${citizen.code}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.application.tracking_code, citizen.code);
  assert.equal(r.json.application.stage, 'paid');
  assert.equal(r.json.application.appointment.office_id, citizen.office);
  // Persian digits name the same application.
  const fa = citizen.code.replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[d]);
  assert.equal((await office(own, 'GET', `/api/v1/office/applications/${encodeURIComponent(fa)}`)).status, 200);

  const other = issueToken('office', makeOffice({ name: 'دفتر دیگر' }));
  const o = await office(other, 'GET', `/api/v1/office/applications/${citizen.code}`);
  assert.equal(o.status, 403, o.text);
  assert.equal(o.json.error.code, 'FORBIDDEN');
  assert.ok(!o.text.includes(citizen.person.nid), 'nothing of the citizen in the refusal');

  const reg = await office(issueToken('registry'), 'GET', `/api/v1/office/applications/${citizen.code}`);
  assert.equal(reg.status, 200, 'the issuing centre reaches every application');
  assert.equal((await office(issueToken('subsidy'), 'GET', `/api/v1/office/applications/${citizen.code}`)).status, 403);
  assert.equal((await office(null, 'GET', `/api/v1/office/applications/${citizen.code}`)).status, 401);
  assert.equal((await citizen.client.get(`/api/v1/office/applications/${citizen.code}`)).status, 401,
    'a citizen session is no office token');
});

test('unknown and malformed tracking codes are 404 TRACKING_NOT_FOUND alike', async () => {
  const own = issueToken('office', citizen.office);
  const unknown = await office(own, 'GET', '/api/v1/office/applications/000000001');
  const bad = await office(own, 'GET', '/api/v1/office/applications/12ab');
  for (const r of [unknown, bad]) {
    assert.equal(r.status, 404, r.text);
    assert.equal(r.json.error.code, 'TRACKING_NOT_FOUND');
  }
  assert.equal(unknown.json.error.message, bad.json.error.message);
});
