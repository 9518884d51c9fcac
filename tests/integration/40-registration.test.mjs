// Citizen pre-registration (SPEC §3, API.md "Citizen: registration") through
// nginx against the real database. Every refusal also checks that nothing
// changed in the database.
// expect: 23 tests
// date-sensitive: tests/run runs this file again with crsd's clock at 00:30 and 23:30 Tehran
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api, admin, ctl, sql, sql1, q, Client, captcha } from '../lib/stack.mjs';
import {
  DAY, jalali, addDays, asciiDigits, addWorkingHours, serverNow, today, holidays, nextWorkingDay,
  bookingDay, sqlInstant, setClock, resetClock, makePerson, makeOffice, newCityCode,
  login, fillDetails, answerNeeds, readyCitizen, dbSnapshot, newNationalId, checkDigit,
} from '../lib/citizens.mjs';

function code(r) {
  return r.json?.error?.code ?? `(status ${r.status}: ${r.text.slice(0, 160)})`;
}

/** Runs fn, asserts the refusal, and that the database did not change.
 *  `what` names the request in a failure. */
async function refused(fn, status, errCode, what = '') {
  const before = dbSnapshot();
  const r = await fn();
  assert.equal(code(r), errCode, what);
  assert.equal(r.status, status, r.text);
  assert.match(r.json.error.message, /[\u0600-\u06FF]/, 'a Persian message');
  assert.deepEqual(dbSnapshot(), before, `${errCode} changed the database`);
  return r;
}

// ------------------------------------------------------------------ first page

test('first page: the routing table sends a new citizen to details and sets the session', async () => {
  const p = makePerson();
  const c = new Client();
  const r = await login(c, p);
  assert.equal(r.json.next, 'details');
  assert.ok(r.json.csrf && c.session);
  assert.equal(r.json.application.stage, 'entered');
  assert.equal(r.json.application.national_id, p.nid);
  assert.deepEqual(r.json.application.allowed_operations.sort(),
    ['change_delivery_office', 'change_mobile', 'edit_details'].sort());
  assert.equal(r.json.application.payment.state, 'none');
  assert.equal(r.json.application.payment.amount_rial, 200000);
});

test('first page: national ID input is trimmed, Persian digits mapped, 8-9 digits left-padded', async () => {
  const p = makePerson();
  const persian = ` ${p.nid.replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[d])} `;
  const c = new Client();
  const k = await captcha(c);
  const r = await c.post('/api/v1/session', { national_id: persian, serial: p.serial, ...k });
  assert.equal(r.status, 200, r.text);
  // Codes with one and with two leading zeros, typed without them (9 and 8
  // digits; the digit after the zeros is not 0, or fewer would be typed).
  for (const zeros of ['0', '00']) {
    let body;
    do body = zeros + String(1 + Math.floor(Math.random() * 9)) + String(Math.floor(Math.random() * 1e8)).padStart(8, '0').slice(zeros.length);
    while (body.slice(3, 9) === '000000' || sql1(`SELECT COUNT(*) FROM registry_person WHERE national_id = ${q(body + checkDigit(body))}`) !== '0');
    const nid = body + checkDigit(body);
    const padded = makePerson({ nid });
    const c2 = new Client();
    const k2 = await captcha(c2);
    const typed = nid.slice(zeros.length);
    const r2 = await c2.post('/api/v1/session', { national_id: typed, serial: padded.serial, ...k2 });
    assert.equal(r2.status, 200, `${typed}: ${r2.text}`);
    assert.equal(r2.json.application.national_id, nid);
  }
});

test('first page refusals, each with its own code and no change in the database', async () => {
  const p = makePerson();
  const c = new Client();
  const post = async (body) => c.post('/api/v1/session', { ...(await captcha(c)), ...body });
  await refused(() => post({ national_id: '1234567890', serial: p.serial }), 400, 'NATIONAL_ID_INVALID');
  await refused(() => post({ national_id: '1111111111', serial: p.serial }), 400, 'NATIONAL_ID_INVALID');
  await refused(() => post({ national_id: 'abc', serial: p.serial }), 400, 'NATIONAL_ID_INVALID');
  await refused(() => post({ national_id: p.nid, serial: '12345' }), 400, 'SERIAL_INVALID');
  await refused(() => post({ national_id: p.nid, serial: 'x12345' }), 400, 'SERIAL_INVALID');
  await refused(() => post({ national_id: p.nid, serial: p.serial === '111111' ? '222222' : '111111' }), 422, 'ID_SERIAL_MISMATCH');
  await refused(() => post({ national_id: newNationalId(), serial: p.serial }), 422, 'ID_SERIAL_MISMATCH');
  await refused(async () => {
    const k = await captcha(c);
    return c.post('/api/v1/session', { national_id: p.nid, serial: p.serial, captcha_id: k.captcha_id, captcha_answer: String(Number(k.captcha_answer) + 1) });
  }, 400, 'CAPTCHA_WRONG');
  await refused(() => c.post('/api/v1/session', { national_id: p.nid, serial: p.serial, captcha_id: 'nope', captcha_answer: '3' }), 400, 'CAPTCHA_EXPIRED');
  const dead = makePerson({ alive: 0 });
  await refused(() => post({ national_id: dead.nid, serial: dead.serial }), 422, 'PERSON_DECEASED');
  const child = makePerson({ birth: jalali(addDays(await today(), -10 * 365)) });
  await refused(() => post({ national_id: child.nid, serial: child.serial }), 422, 'UNDER_AGE');
  await refused(() => c.post('/api/v1/session', 'not json', { headers: { 'content-type': 'text/plain' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');
});

test('age in full solar years: fifteen today is allowed, fifteen tomorrow is not', async () => {
  const t = await today();
  const fifteenYearsBefore = (j) => j.replace(/^\d{4}/, (y) => String(Number(y) - 15));
  const fifteen = makePerson({ birth: fifteenYearsBefore(jalali(t)) });
  const c = new Client();
  assert.equal((await c.login(fifteen.nid, fifteen.serial)).status, 200);
  const almost = makePerson({ birth: fifteenYearsBefore(jalali(addDays(t, 1))) });
  const r = await new Client().login(almost.nid, almost.serial);
  assert.equal(code(r), 'UNDER_AGE');
});

test('serial changed: the new serial is unknown for exactly 48 working hours, the old one works until then', async () => {
  const now = await serverNow();
  const changedAt = new Date(now.getTime() - 3600 * 1000);
  const p = makePerson({ serial: '654321', prevSerial: '123456', serialChangedAt: changedAt });
  const c = new Client();
  await refused(async () => c.post('/api/v1/session', { ...(await captcha(c)), national_id: p.nid, serial: '654321' }), 422, 'SERIAL_NOT_YET_KNOWN');
  const r = await c.login(p.nid, '123456');
  assert.equal(r.status, 200, 'the previous serial still works');
  // The rule counts working hours only (nights, Fridays and holidays do not
  // count): stand two minutes before and two minutes after the 48th.
  const known = addWorkingHours(changedAt, 48, holidays());
  const at = (ms) => new Date(known.getTime() + ms);
  try {
    await setClock(at(-120000));
    const early = await new Client().login(p.nid, '654321');
    assert.equal(code(early), 'SERIAL_NOT_YET_KNOWN', `2 minutes before the 48th working hour (${known.toISOString()})`);
    assert.equal((await new Client().login(p.nid, '123456')).status, 200, 'the previous serial works until then');
    await setClock(at(120000));
    const r2 = await new Client().login(p.nid, '654321');
    assert.equal(r2.status, 200, `2 minutes after the 48th working hour: ${r2.text}`);
    assert.equal(r2.json.application.serial, '654321', 'the new serial replaces the old one');
    const old = await new Client().login(p.nid, '123456');
    assert.equal(code(old), 'ID_SERIAL_MISMATCH');
  } finally {
    await resetClock();
  }
});

test('serial changed after card production started: the old application stands, with a reissue notice', async () => {
  const now = await serverNow();
  const p = makePerson({ serial: '111222' });
  const c = new Client();
  await login(c, p);
  sql(`UPDATE application SET stage = 'production_started' WHERE national_id = ${q(p.nid)}`);
  sql(`UPDATE registry_person SET prev_serial = '111222', serial = '333444', serial_changed_at = ${q(sqlInstant(new Date(now.getTime() - 30 * DAY)))} WHERE national_id = ${q(p.nid)}`);
  const r = await new Client().login(p.nid, '333444');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.next, 'status');
  assert.match(r.json.notice, /صدور مجدد/);
  assert.equal(r.json.application.serial, '111222');
});

// ------------------------------------------------------------------ details and needs

test('lunar options: five dates, the computed one in the middle', async () => {
  const r = await api('GET', '/api/v1/lunar-options?solar=۱۳۶۹/۰۳/۱۹');
  assert.equal(r.status, 200);
  assert.equal(r.json.options.length, 5);
  assert.equal(r.json.options[2], '1410/11/15');
  assert.equal(r.json.options[0], '1410/11/13');
  assert.equal(r.json.options[4], '1410/11/17');
  assert.equal(code(await api('GET', '/api/v1/lunar-options?solar=1369/13/01')), 'FIELD_INVALID');
});

test('details: checked against the civil registry and the offered lunar dates', async () => {
  const p = makePerson({ birth: '1370/05/10', gender: 'female' });
  const c = new Client();
  await login(c, p);
  await refused(() => fillDetails(c, p, { birth_date_solar: '1370/05/11' }), 422, 'BIRTH_DATE_MISMATCH');
  await refused(() => fillDetails(c, p, { gender: 'male' }), 422, 'GENDER_MISMATCH');
  await refused(() => fillDetails(c, p, { birth_date_lunar: '1300/01/01' }), 422, 'LUNAR_DATE_NOT_OFFERED');
  await refused(() => fillDetails(c, p, { mobile: '0912' }), 400, 'MOBILE_INVALID');
  await refused(() => fillDetails(c, p, { mother_name: 'زهرا رضایی<script>' }), 400, 'FIELD_INVALID');
  await refused(() => fillDetails(c, p, { religion: 'none' }), 400, 'FIELD_INVALID');
  const ok = await fillDetails(c, p, { mobile: '+98 914 123 4567' });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.application.details.mobile, '09141234567');
  assert.equal(ok.json.application.details.birth_date_solar, '1370/05/10');
  assert.equal(ok.json.application.next, 'details', 'needs still missing');
  const n = await answerNeeds(c);
  assert.equal(n.json.application.stage, 'details_done');
  assert.equal(n.json.application.next, 'appointment');
});

test('mobile change is allowed to anyone past the first page, even after completion started', async () => {
  const { person, client } = await readyCitizen();
  sql(`UPDATE application SET stage = 'completion_started' WHERE national_id = ${q(person.nid)}`);
  const r = await client.put('/api/v1/application/mobile', { mobile: '۰۹۱۲۳۴۵۶۷۸۹' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.application.details.mobile, '09123456789');
  await refused(() => client.put('/api/v1/application/mobile', { mobile: '12345' }), 400, 'MOBILE_INVALID');
  await refused(() => fillDetails(client, person), 409, 'OPERATION_NOT_ALLOWED');
  await refused(() => answerNeeds(client), 409, 'OPERATION_NOT_ALLOWED');
});

// ------------------------------------------------------------------ offices and booking

test('offices: filtered by needs, the nearest ten kept, ordered by free share, then nearness, then id', async () => {
  const city = newCityCode();
  const day = await bookingDay(3);
  const date = jalali(day);
  // Twelve plain offices at growing distances, one far step-free office.
  const ids = [];
  for (let i = 0; i < 12; i++) ids.push(makeOffice({ cityCode: city, phone: String(3344 + i) + '0000', morning: 20, evening: 20 }));
  const stepFree = makeOffice({ cityCode: city, phone: '99990000', caps: { step_free: 1 }, morning: 10, evening: 0 });
  // Office 2 has half its morning taken: 50 % free sorts after 100 %.
  sql(`INSERT INTO slot (office_id, day, shift, capacity, taken) VALUES (${ids[2]}, ${q(day)}, 'morning', 20, 10)`);
  const { client } = await readyCitizen();
  const r = await client.get(`/api/v1/offices?date=${date}&city_code=${city}&phone=33440000`);
  assert.equal(r.status, 200, r.text);
  const offices = [...new Set(r.json.rows.map((x) => x.office_id))];
  assert.equal(offices.length, 10, 'the nearest ten offices');
  assert.deepEqual(offices.sort((a, b) => a - b), ids.slice(0, 10).sort((a, b) => a - b));
  assert.equal(r.json.rows.length, 20, 'two rows per office');
  const half = r.json.rows.find((x) => x.office_id === ids[2] && x.shift === 'morning');
  assert.equal(half.free, 10);
  assert.equal(half.free_pct, 50);
  assert.equal(r.json.rows[r.json.rows.length - 1].office_id, ids[2], 'the least free row last');
  // 100 % rows first, by nearness then id.
  assert.equal(r.json.rows[0].office_id, ids[0]);
  assert.equal(r.json.rows[0].distance, 0);
  for (let i = 1; i < 19; i++) {
    const a = r.json.rows[i - 1], b = r.json.rows[i];
    assert.ok(a.free * b.capacity >= b.free * a.capacity, 'free share descending');
  }
  // A citizen who cannot climb stairs sees only the step-free office.
  const { client: c2 } = await readyCitizen({ needs: { can_climb_stairs: false } });
  const r2 = await c2.get(`/api/v1/offices?date=${date}&city_code=${city}&phone=33440000`);
  assert.deepEqual([...new Set(r2.json.rows.map((x) => x.office_id))], [stepFree]);
  assert.equal(r2.json.rows.length, 1, 'no evening shift at that office');
  await refused(() => client.get(`/api/v1/offices?date=1400/13/40&city_code=${city}&phone=33440000`), 400, 'FIELD_INVALID');
  await refused(() => client.get(`/api/v1/offices?date=${date}&city_code=41&phone=33440000`), 400, 'FIELD_INVALID');
  await refused(() => client.get(`/api/v1/offices?date=${date}&city_code=${city}&phone=12`), 400, 'FIELD_INVALID');
});

test('citizens who cannot leave home: mobile-service offices only, from exactly 14 days ahead', async () => {
  const city = newCityCode();
  const everyDay = 127;   // open all seven days: only a holiday can close the 14th day
  const mobile = makeOffice({ cityCode: city, caps: { mobile_service: 1 }, workingDays: everyDay });
  makeOffice({ cityCode: city, workingDays: everyDay });
  const { client } = await readyCitizen({ needs: { can_leave_home: false } });
  const t = await today();
  const offices = (day) => client.get(`/api/v1/offices?date=${jalali(day)}&city_code=${city}&phone=33440000`);
  // Day 13 is too early, and the refusal names day 14.
  const early = await offices(addDays(t, 13));
  assert.equal(code(early), 'FIELD_INVALID');
  const first = jalali(addDays(t, 14));
  assert.ok(asciiDigits(early.json.error.message).includes(first), `names ${first}: ${early.json.error.message}`);
  await refused(() => client.post('/api/v1/application/appointment', { office_id: mobile, date: jalali(addDays(t, 13)), shift: 'morning' }), 422, 'OFFICE_NOT_SUITABLE');
  // Day 14 is the first day offered.
  const r14 = await offices(addDays(t, 14));
  assert.equal(r14.status, 200, r14.text);
  if (!holidays().has(addDays(t, 14))) {
    assert.deepEqual([...new Set(r14.json.rows.map((x) => x.office_id))], [mobile], 'only the mobile-service office');
  }
  const later = await offices(await bookingDay(15));
  assert.deepEqual([...new Set(later.json.rows.map((x) => x.office_id))], [mobile]);
});

const HOLD_MS = 15 * 60000;    // SPEC §3.4: the payment window holds a place for 15 minutes

/** held_until of a booking answer, checked to be HOLD_MS after the booking,
 *  which happened between the instants `before` and `after`. */
function heldFor(r, before, after) {
  assert.equal(r.status, 200, r.text);
  const until = r.json.application.appointment.held_until;
  assert.match(until, /\+03:30$/);
  const t = new Date(until).getTime();
  // held_until may drop the milliseconds.
  assert.ok(t >= before.getTime() + HOLD_MS - 1000 && t <= after.getTime() + HOLD_MS,
    `held until ${until}: 15 minutes after a booking between ${before.toISOString()} and ${after.toISOString()}`);
  return t;
}

/** Waits a few sweeper rounds (every 2 s) for the sweeper to act if it would. */
const sweeperRounds = () => new Promise((res) => setTimeout(res, 5000));

test('booking holds a place for exactly 15 minutes; the sweeper frees it once they are over', async () => {
  const city = newCityCode();
  const office = makeOffice({ cityCode: city, morning: 3, evening: 3 });
  const day = await bookingDay(4);
  const { person, client } = await readyCitizen();
  const before = await serverNow();
  const r = await client.post('/api/v1/application/appointment', { office_id: office, date: jalali(day), shift: 'morning' });
  heldFor(r, before, await serverNow());
  assert.equal(r.json.application.stage, 'reserved');
  assert.equal(r.json.application.next, 'confirm');
  assert.equal(r.json.application.appointment.office_id, office);
  const taken = () => sql1(`SELECT taken FROM slot WHERE office_id = ${office} AND shift = 'morning'`);
  const stage = `SELECT stage FROM application WHERE national_id = ${q(person.nid)}`;
  assert.equal(taken(), '1');
  try {
    // 14.5 minutes on: still held, whatever the sweeper does.
    assert.equal(ctl('clock', 'advance', '870s').status, 0);
    await sweeperRounds();
    assert.equal(sql1(stage), 'reserved', 'held 14.5 minutes after the booking');
    assert.equal(taken(), '1');
    // A minute later the hold is over and the sweeper frees the place.
    assert.equal(ctl('clock', 'advance', '60s').status, 0);
    assert.ok(await waitForSql(stage, 'details_done'));
    assert.equal(taken(), '0');
    const after = await client.get('/api/v1/application');
    assert.equal(after.json.application.next, 'appointment', 'choose again');
    assert.equal(after.json.application.appointment, null);
  } finally {
    await resetClock();
  }
});

async function waitForSql(query, want, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (sql1(query) === want) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(sql1(query), want);
  return false;
}

test('booking refusals: unsuitable office, full shift, cooldown after a no-show, before details', async () => {
  const city = newCityCode();
  const day = await bookingDay(5);
  const date = jalali(day);
  const full = makeOffice({ cityCode: city, morning: 1, evening: 0 });
  const stepFree = makeOffice({ cityCode: city, caps: { step_free: 1 } });
  const plain = makeOffice({ cityCode: city });
  const a = await readyCitizen();
  assert.equal((await a.client.post('/api/v1/application/appointment', { office_id: full, date, shift: 'morning' })).status, 200);
  const b = await readyCitizen({ needs: { can_climb_stairs: false } });
  await refused(() => b.client.post('/api/v1/application/appointment', { office_id: plain, date, shift: 'morning' }), 422, 'OFFICE_NOT_SUITABLE');
  await refused(() => b.client.post('/api/v1/application/appointment', { office_id: full, date, shift: 'evening' }), 422, 'OFFICE_NOT_SUITABLE');
  const c = await readyCitizen();
  await refused(() => c.client.post('/api/v1/application/appointment', { office_id: full, date, shift: 'morning' }), 409, 'SLOT_FULL');
  await refused(() => c.client.post('/api/v1/application/appointment', { office_id: plain, date: '1390/01/01', shift: 'morning' }), 422, 'OFFICE_NOT_SUITABLE');
  const friday = nextWorkingDay(day, [6]);   // the office works Saturday to Thursday
  await refused(() => c.client.post('/api/v1/application/appointment', { office_id: plain, date: jalali(friday), shift: 'morning' }), 422, 'OFFICE_NOT_SUITABLE');
  await refused(() => c.client.post('/api/v1/application/appointment', { office_id: plain, date, shift: 'night' }), 400, 'FIELD_INVALID');
  sql(`UPDATE application SET no_show_until = ${q(addDays(await today(), 3))} WHERE national_id = ${q(c.person.nid)}`);
  const cool = await refused(() => c.client.post('/api/v1/application/appointment', { office_id: plain, date, shift: 'morning' }), 409, 'NO_SHOW_COOLDOWN');
  assert.match(cool.json.error.message, /[۰-۹]{4}\/[۰-۹]{2}\/[۰-۹]{2}/, 'the date, in Persian digits');
  const fresh = makePerson();
  const fc = new Client();
  await login(fc, fresh);
  await refused(() => fc.post('/api/v1/application/appointment', { office_id: plain, date, shift: 'morning' }), 409, 'OPERATION_NOT_ALLOWED');
  await refused(() => fc.get(`/api/v1/offices?date=${date}&city_code=${city}&phone=33440000`), 409, 'OPERATION_NOT_ALLOWED');
  void stepFree;
});

test('200 citizens racing for the last 5 places of one shift get exactly 5', { timeout: 300000 }, async () => {
  const city = newCityCode();
  const office = makeOffice({ cityCode: city, morning: 5, evening: 0 });
  const date = jalali(await bookingDay(6));
  const citizens = [];
  // Prepared in small batches (the first page is rate limited per address).
  for (let i = 0; i < 200; i += 20) {
    citizens.push(...await Promise.all(Array.from({ length: 20 }, () => readyCitizen())));
  }
  const results = await Promise.all(citizens.map(({ client }) =>
    client.post('/api/v1/application/appointment', { office_id: office, date, shift: 'morning' })));
  const ok = results.filter((r) => r.status === 200).length;
  const full = results.filter((r) => code(r) === 'SLOT_FULL').length;
  assert.equal(ok, 5, `statuses: ${JSON.stringify(results.map((r) => r.status).reduce((m, s) => ({ ...m, [s]: (m[s] || 0) + 1 }), {}))}`);
  assert.equal(full, 195);
  assert.equal(sql1(`SELECT taken FROM slot WHERE office_id = ${office}`), '5');
  assert.equal(sql1(`SELECT COUNT(*) FROM application WHERE office_id = ${office}`), '5');
});

test('choosing the same place again renews the 15-minute hold; moving frees the old place', async () => {
  const city = newCityCode();
  const o1 = makeOffice({ cityCode: city, morning: 2 });
  const o2 = makeOffice({ cityCode: city, morning: 2 });
  const date = jalali(await bookingDay(4));
  const { person, client } = await readyCitizen();
  const book = (office) => client.post('/api/v1/application/appointment', { office_id: office, date, shift: 'morning' });
  const taken = (office) => sql1(`SELECT taken FROM slot WHERE office_id = ${office} AND shift = 'morning'`);
  let t = await serverNow();
  const first = heldFor(await book(o1), t, await serverNow());
  try {
    // Ten minutes later the citizen chooses the same place: a new 15 minutes
    // from now, and still one place taken.
    assert.equal(ctl('clock', 'advance', '600s').status, 0);
    t = await serverNow();
    const renewed = heldFor(await book(o1), t, await serverNow());
    assert.ok(renewed - first >= 600000 - 1000, 'the hold moved on by the ten minutes');
    assert.equal(taken(o1), '1');
    // Past the first hold's end, within the renewed one: still held.
    assert.equal(ctl('clock', 'advance', '600s').status, 0);
    await sweeperRounds();
    assert.equal(sql1(`SELECT stage FROM application WHERE national_id = ${q(person.nid)}`), 'reserved');
    assert.equal(taken(o1), '1');
    const moved = await book(o2);
    assert.equal(moved.status, 200, moved.text);
    assert.equal(taken(o1), '0');
    assert.equal(taken(o2), '1');
  } finally {
    await resetClock();
  }
});

// ------------------------------------------------------------------ the operations matrix and scenarios

test('the operations matrix of SPEC §3.7 is enforced on the server, and allowed_operations tells it', async () => {
  const city = newCityCode();
  const office = makeOffice({ cityCode: city });
  const date = jalali(await bookingDay(4));
  const { person, client } = await readyCitizen();
  let app = (await client.get('/api/v1/application')).json.application;
  assert.ok(!app.allowed_operations.includes('print_receipt'));
  await refused(() => client.get('/api/v1/application/receipt'), 409, 'OPERATION_NOT_ALLOWED');
  for (const stage of ['completion_started', 'completion_done']) {
    sql(`UPDATE application SET stage = ${q(stage)} WHERE national_id = ${q(person.nid)}`);
    app = (await client.get('/api/v1/application')).json.application;
    assert.equal(app.next, 'status');
    assert.ok(!app.allowed_operations.includes('edit_details'));
    assert.ok(!app.allowed_operations.includes('change_appointment'));
    assert.ok(app.allowed_operations.includes('change_delivery_office'));
    assert.ok(app.allowed_operations.includes('change_mobile'));
    await refused(() => client.post('/api/v1/application/appointment', { office_id: office, date, shift: 'morning' }), 409, 'OPERATION_NOT_ALLOWED');
  }
  sql(`UPDATE application SET stage = 'production_started' WHERE national_id = ${q(person.nid)}`);
  app = (await client.get('/api/v1/application')).json.application;
  assert.ok(!app.allowed_operations.includes('change_delivery_office'));
});

test('scenario: session expired after 20 idle minutes; logging in again continues where the citizen was', async () => {
  const city = newCityCode();
  const office = makeOffice({ cityCode: city });
  const date = jalali(await bookingDay(4));
  const { person, client } = await readyCitizen();
  await client.post('/api/v1/application/appointment', { office_id: office, date, shift: 'evening' });
  assert.equal(ctl('clock', 'advance', '21m').status, 0);
  try {
    const r = await client.get('/api/v1/application');
    assert.equal(code(r), 'SESSION_EXPIRED');
    // The hold also ran out meanwhile: back to choosing a place.
    await waitForSql(`SELECT stage FROM application WHERE national_id = ${q(person.nid)}`, 'details_done');
    const again = await new Client().login(person.nid, person.serial);
    assert.equal(again.json.next, 'appointment');
    assert.equal(again.json.application.details.mother_name, 'زهرا');
  } finally {
    await resetClock();
  }
});

test('scenario: city changed before completion: the appointment moves to an office of the new city', async () => {
  const tabriz = newCityCode();
  const shiraz = newCityCode();
  const o1 = makeOffice({ cityCode: tabriz });
  const o2 = makeOffice({ cityCode: shiraz, city: 'شیراز', phone: '36250000' });
  const date = jalali(await bookingDay(4));
  const { client } = await readyCitizen();
  await client.post('/api/v1/application/appointment', { office_id: o1, date, shift: 'morning' });
  const list = await client.get(`/api/v1/offices?date=${date}&city_code=${shiraz}&phone=36250000`);
  assert.equal(list.json.rows[0].office_id, o2);
  const moved = await client.post('/api/v1/application/appointment', { office_id: o2, date, shift: 'morning' });
  assert.equal(moved.status, 200);
  assert.equal(moved.json.application.appointment.city_code, shiraz);
});

test('scenario: city changed after completion: the delivery office moves until production starts, then the old city stays', async () => {
  const shiraz = newCityCode();
  const post = makeOffice({ cityCode: shiraz, city: 'شیراز', type: 'post', caps: { delivers_cards: 1 } });
  const plain = makeOffice({ cityCode: shiraz, city: 'شیراز' });
  const list = await api('GET', `/api/v1/delivery-offices?city_code=${shiraz}`);
  assert.deepEqual(list.json.rows.map((r) => r.office_id), [post], 'only offices that deliver cards');
  const { person, client } = await readyCitizen();
  sql(`UPDATE application SET stage = 'completion_done' WHERE national_id = ${q(person.nid)}`);
  const date = jalali(await bookingDay(1));
  await refused(() => client.post('/api/v1/application/appointment', { office_id: plain, date, shift: 'morning' }), 409, 'OPERATION_NOT_ALLOWED');
  await refused(() => client.put('/api/v1/application/delivery-office', { office_id: plain }), 422, 'OFFICE_NOT_SUITABLE');
  const r = await client.put('/api/v1/application/delivery-office', { office_id: post });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.application.delivery_office.office_id, post);
  sql(`UPDATE application SET stage = 'production_started' WHERE national_id = ${q(person.nid)}`);
  await refused(() => client.put('/api/v1/application/delivery-office', { office_id: post }), 409, 'OPERATION_NOT_ALLOWED');
  assert.equal(code(await api('GET', '/api/v1/delivery-offices?city_code=41')), 'FIELD_INVALID');
});

test('a new tab: GET /api/v1/application returns the session\'s CSRF token', async () => {
  const { client } = await readyCitizen();
  const r = await client.get('/api/v1/application');
  assert.equal(r.json.csrf, client.csrf);
  const fresh = new Client();
  fresh.cookies.set('crs_session', client.session);
  const again = await fresh.get('/api/v1/application');
  assert.equal(fresh.csrf, client.csrf, 'learned from the GET');
  assert.equal((await fresh.put('/api/v1/application/mobile', { mobile: '09120000000' })).status, 200);
  void again;
});

test('every state-changing registration route refuses a missing, a forged or another session\'s CSRF token', async () => {
  const { person, client } = await readyCitizen();
  const other = await readyCitizen();
  const city = newCityCode();
  const office = makeOffice({ cityCode: city });
  const post = makeOffice({ cityCode: city, type: 'post', caps: { delivers_cards: 1 } });
  const date = jalali(await bookingDay(4));
  // The seven routes of the registration plugin that change something, each
  // with a body it would accept from this citizen (or refuse for another
  // reason than CSRF, which is checked first).
  const routes = [
    ['PUT', '/api/v1/application/details', { birth_date_solar: person.birth, gender: person.gender, religion: 'islam', mother_name: 'مریم', mobile: '09120000000' }],
    ['PUT', '/api/v1/application/needs', { can_leave_home: true, can_climb_stairs: true, pupils_visible: true, fingers_intact: true }],
    ['PUT', '/api/v1/application/mobile', { mobile: '09120000000' }],
    ['POST', '/api/v1/application/appointment', { office_id: office, date, shift: 'morning' }],
    ['POST', '/api/v1/application/receipt/email', { email: 'citizen@example.ir' }],
    ['PUT', '/api/v1/application/delivery-office', { office_id: post }],
    ['DELETE', '/api/v1/session', undefined],
  ];
  const tokens = {
    missing: { csrf: false },
    forged: { headers: { 'x-csrf-token': 'forged' } },
    'another session\'s': { headers: { 'x-csrf-token': other.client.csrf } },
  };
  for (const [method, path, json] of routes) {
    for (const [what, opts] of Object.entries(tokens)) {
      await refused(() => client.request(method, path, { ...opts, json }), 403, 'CSRF_FAILED', `${method} ${path} with a ${what} token`);
    }
  }
  // None of it ended the session or changed the application.
  const a = await client.get('/api/v1/application');
  assert.equal(a.status, 200, 'the refused logout left the session alone');
  assert.equal(a.json.application.details.mother_name, 'زهرا');
  assert.equal(a.json.application.appointment, null);
});

test('logout ends the session', async () => {
  const { client } = await readyCitizen();
  const r = await client.delete('/api/v1/session');
  assert.equal(r.status, 204);
  assert.equal(code(await client.get('/api/v1/application')), 'SESSION_REQUIRED');
});

test('the administrator sets Iran\'s announced start of a lunar month; the lunar options follow it', async () => {
  const base = await api('GET', '/api/v1/lunar-options?solar=1369/03/19');
  assert.equal(base.json.options[2], '1410/11/15');
  // Tabular 1410/11/01 is 1369/03/05; announce it a day later.
  const set = await admin('PUT', '/admin/v1/hijri-months/1410/11', { day1: '۱۳۶۹/۰۳/۰۶' });
  assert.equal(set.status, 200, set.text);
  assert.ok(set.json.months.some((m) => m.year === 1410 && m.month === 11 && m.day1 === '1369/03/06'));
  try {
    const moved = await api('GET', '/api/v1/lunar-options?solar=1369/03/19');
    assert.equal(moved.json.options[2], '1410/11/14');
    const far = await admin('PUT', '/admin/v1/hijri-months/1410/11', { day1: '1369/04/20' });
    assert.equal(far.status, 400, 'a start weeks off the tabular calendar is refused');
    const nope = await api('PUT', '/admin/v1/hijri-months/1410/11', { json: { day1: '1369/03/06' } });
    assert.equal(nope.status, 404, 'not on the public listener');
  } finally {
    await admin('PUT', '/admin/v1/hijri-months/1410/11', { day1: '1369/03/05' });
  }
  assert.equal((await api('GET', '/api/v1/lunar-options?solar=1369/03/19')).json.options[2], '1410/11/15');
});
