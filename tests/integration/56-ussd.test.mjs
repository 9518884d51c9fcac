// USSD *4*6090# (plugin ussd, API.md POST /api/v1/ussd): the aggregator
// sends every input of the session joined by '*'; crsd answers text/plain
// "CON <page>" or "END <text>", each page one USSD message (80 UCS-2
// characters, 160 octets), Persian digits, 0 back, 00 home.
// expect: 7 tests
import assert from 'node:assert/strict';
import { test, before } from 'node:test';
import crypto from 'node:crypto';
import { admin, api, ctl } from '../lib/stack.mjs';
import { readyCitizen } from '../lib/citizens.mjs';
import { paidCitizen } from '../lib/office.mjs';

const fa = (s) => String(s).replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[d]);
const newMobile = () => `0912${crypto.randomInt(1000000, 9999999)}`;

let family, mobile, paid, paidMobile;

/** A citizen whose application carries this mobile. */
async function withMobile(c, m) {
  const r = await c.client.put('/api/v1/application/mobile', { mobile: m });
  assert.equal(r.status, 200, r.text);
  return c;
}

before(async () => {
  assert.equal((await admin('POST', '/admin/v1/modules/pay_sadad/enable')).status, 200);
  mobile = newMobile();
  family = [await withMobile(await readyCitizen(), mobile), await withMobile(await readyCitizen(), mobile)];
  paid = await paidCitizen();
  paidMobile = newMobile();
  await withMobile(paid, paidMobile);
});

/** One step of a session: {status, type, kind ('CON'|'END'), page}. */
async function step(text, msisdn = mobile, session = 'S1') {
  const r = await api('POST', '/api/v1/ussd', { form: { session_id: session, msisdn, text } });
  const m = /^(CON|END) ([\s\S]*)$/.exec(r.text);
  assert.ok(m, `a USSD answer: ${r.text}`);
  const units = m[2].length;   // UTF-16 code units: what UCS-2 counts
  assert.ok(units <= 80 && Buffer.byteLength(m[2], 'utf16le') <= 160, `one message (${units}): ${m[2]}`);
  assert.ok(!/[0-9]/.test(m[2]), `Persian digits only: ${m[2]}`);
  return { status: r.status, type: r.headers.get('content-type'), kind: m[1], page: m[2] };
}

test('the main menu, then the steps of the process', async () => {
  const home = await step('');
  assert.equal(home.status, 200);
  assert.match(home.type, /^text\/plain/);
  assert.equal(home.kind, 'CON');
  for (const n of ['۱', '۲', '۳', '۴', '۵']) assert.ok(home.page.includes(n), home.page);
  const steps = await step('5');
  assert.equal(steps.kind, 'END');
  assert.match(steps.page, /صدور/);
});

test('a number shared by two applications lists both by the last digits of their IDs, then tells one', async () => {
  const list = await step('1');
  assert.equal(list.kind, 'CON');
  for (const c of family) assert.ok(list.page.includes(fa(c.person.nid.slice(6))), list.page);
  const wrong = await step('1*7');
  assert.equal(wrong.kind, 'CON');
  assert.match(wrong.page, /نادرست/);
  const second = await step('1*7*2');
  assert.equal(second.kind, 'END');
  assert.ok(second.page.startsWith(fa(`${family[1].person.nid.slice(0, 3)}******${family[1].person.nid.slice(9)}`)), second.page);
  assert.match(second.page, /مشخصات ثبت شد/, 'its stage, details_done');
  // A number with one application answers at once; an unknown number says so.
  const one = await step('1', paidMobile);
  assert.equal(one.kind, 'END');
  assert.match(one.page, /پرداخت شد/);
  const none = await step('1', newMobile());
  assert.equal(none.kind, 'END');
  assert.match(none.page, /ثبت نشده/);
});

test('by tracking code in three steps, with a wrong code on the way and Persian digits', async () => {
  assert.equal((await step('2')).kind, 'CON');
  const wrong = await step('2*123');
  assert.equal(wrong.kind, 'CON');
  assert.match(wrong.page, /۹ رقم/);
  const r = await step(`2*123*${fa(paid.code)}`);
  assert.equal(r.kind, 'END');
  assert.match(r.page, /پرداخت شد/);
  assert.equal((await step('2*000000001')).kind, 'END');
  assert.match((await step('2*000000001')).page, /پیدا نشد/);
});

test('by national ID and serial; a wrong serial answers as an unknown application', async () => {
  const { nid, serial } = paid.person;
  assert.match((await step(`3*${nid}`)).page, /سریال/);
  const r = await step(`3*${nid}*${serial}`);
  assert.equal(r.kind, 'END');
  assert.match(r.page, /پرداخت شد/);
  const bad = await step(`3*${nid}*${serial === '111111' ? '222222' : '111111'}`);
  assert.equal(bad.kind, 'END');
  assert.equal(bad.page, (await step('2*000000001')).page, 'the same words as an unknown code');
});

test('0 goes back a page and 00 home, wherever the caller is', async () => {
  const { nid } = paid.person;
  assert.match((await step(`3*${nid}*0`)).page, /کد ملی/);
  assert.equal((await step(`3*${nid}*00`)).page, (await step('')).page);
  assert.equal((await step('2*0')).page, (await step('')).page);
  const again = await step(`3*${nid}*00*2*${paid.code}`);
  assert.match(again.page, /پرداخت شد/);
});

test('where to collect the card: not yet known while no office of the city delivers', async () => {
  // The payment suites' office does not deliver cards and is alone in its city code.
  const r = await step('4', paidMobile);
  assert.equal(r.kind, 'END');
  assert.match(r.page, /معین نشده/);
  const list = await step('4', mobile);
  assert.equal(list.kind, 'CON', 'the shared number chooses first');
});

test('a caller is limited per minute; bad requests and a disabled module answer END in text', async () => {
  const caller = newMobile();
  let last;
  for (let i = 0; i < 31; i++) last = await step('', caller, `L${i}`);
  assert.equal(last.kind, 'END');
  assert.match(last.page, /زیاد/);
  const bad = await step('', 'not-a-number');
  assert.equal(bad.kind, 'END');
  const json = await api('POST', '/api/v1/ussd', { json: { msisdn: mobile, text: '' } });
  assert.equal(json.status, 415);
  assert.match(json.text, /^END /);
  assert.match(json.headers.get('content-type'), /^text\/plain/);
  assert.equal(ctl('modules', 'disable', 'ussd').status, 0);
  try {
    const off = await api('POST', '/api/v1/ussd', { form: { session_id: 'x', msisdn: mobile, text: '' } });
    assert.equal(off.status, 503);
    assert.match(off.text, /^END /);
  } finally {
    assert.equal(ctl('modules', 'enable', 'ussd').status, 0);
  }
});
