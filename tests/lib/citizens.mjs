// Test citizens, offices and calendar helpers for the registration and payment
// suites. Persons and offices are inserted straight into the test database so
// each test controls exactly what the civil registry says.
import crypto from 'node:crypto';
import { Client, admin, sql, sql1, q } from './stack.mjs';
import { DAY, tehranDay, addDays, weekday, dayOfJalali } from './tehran.mjs';

// ------------------------------------------------------------------ calendar
// Dates are Tehran civil days (tehran.mjs): 'YYYY-MM-DD' strings, never the
// UTC date of an instant.

export {
  DAY, tehranDay, addDays, weekday, jalali, dayOfJalali, tehranInstant, asciiDigits, addWorkingHours,
} from './tehran.mjs';

/** Kept for callers of the old helpers, now in Tehran: the civil day of an
 *  instant (it was the UTC date, another day between 00:00 and 03:30 Tehran). */
export const gdate = tehranDay;

/** Kept for callers of the old helpers: noon UTC (15:30 in Tehran) of the day
 *  of a Jalali date, an instant whose Tehran day is that day. */
export function fromJalali(j) {
  return new Date(`${dayOfJalali(j)}T12:00:00Z`);
}

/** crsd's "now" (the test clock). */
export async function serverNow() {
  const r = await admin('GET', '/admin/v1/clock');
  return new Date(r.json.now);
}

/** crsd's Tehran civil day. */
export async function today() {
  return tehranDay(await serverNow());
}

/** The national holidays in the database, as a Set of days. */
export function holidays() {
  return new Set(sql('SELECT day FROM holiday').map((r) => r[0]));
}

/** The first day on or after `from` (a day, or an instant's Tehran day) whose
 *  weekday is in `days` (0 = Saturday … 6 = Friday) and that is no holiday.
 *  A day in, a day out; an instant in, the instant that many days later out
 *  (its Tehran day is that day), for callers that go on counting in instants. */
export function nextWorkingDay(from, days = [0, 1, 2, 3, 4]) {
  const off = holidays();
  let d = tehranDay(from);
  let n = 0;
  while (!days.includes(weekday(d)) || off.has(d)) {
    d = addDays(d, 1);
    n++;
  }
  return from instanceof Date ? new Date(from.getTime() + n * DAY) : d;
}

/** A working day at least `offsetDays` after crsd's today. */
export async function bookingDay(offsetDays = 3) {
  return nextWorkingDay(addDays(await today(), offsetDays));
}

/** An instant for a DATETIME column: crsd stores instants in UTC (only civil
 *  days, DATE columns, are Tehran's). */
export function sqlInstant(instant) {
  return instant.toISOString().slice(0, 23).replace('T', ' ');
}

/** Puts crsd's clock back where this run of the file started it: real time,
 *  or, when tests/run runs the file with the clock at a chosen Tehran time
 *  (CRS_TEST_CLOCK_OFFSET_MS), that time plus what has elapsed since. */
export async function resetClock() {
  const offset = process.env.CRS_TEST_CLOCK_OFFSET_MS;
  const body = offset ? { set: new Date(Date.now() + Number(offset)).toISOString() } : { reset: true };
  const r = await admin('POST', '/admin/v1/clock', body);
  if (r.status !== 200) throw new Error(`clock ${JSON.stringify(body)}: ${r.status} ${r.text}`);
  return r.json;
}

/** Sets crsd's clock to an instant. */
export async function setClock(instant) {
  const r = await admin('POST', '/admin/v1/clock', { set: instant.toISOString() });
  if (r.status !== 200) throw new Error(`clock set ${instant.toISOString()}: ${r.status} ${r.text}`);
  return r.json;
}

// ------------------------------------------------------------------ national IDs

export function checkDigit(first9) {
  let s = 0;
  for (let i = 0; i < 9; i++) s += Number(first9[i]) * (10 - i);
  const r = s % 11;
  return r < 2 ? r : 11 - r;
}

/** A fresh valid national ID not yet in the registry. */
export function newNationalId() {
  for (;;) {
    const body = '7' + String(crypto.randomInt(0, 1e8)).padStart(8, '0');
    if (/^(\d)\1+$/.test(body) || body.slice(3, 9) === '000000') continue;
    const nid = body + checkDigit(body);
    if (sql1(`SELECT COUNT(*) FROM registry_person WHERE national_id='${nid}'`) === '0') return nid;
  }
}

export function newSerial() {
  return String(crypto.randomInt(100000, 999999));
}

/** Inserts a person into the civil registry. birth: Jalali 'YYYY/MM/DD'. */
export function makePerson({
  birth = '1369/03/19', gender = 'male', alive = 1, serial = newSerial(),
  prevSerial = null, serialChangedAt = null, nid = newNationalId(), cityCode = null,
} = {}) {
  const g = dayOfJalali(birth);
  sql(`INSERT INTO registry_person (national_id, serial, prev_serial, serial_changed_at,
         first_name, last_name, father_name, birth_date, gender, birth_province, city_code, alive)
       VALUES (${q(nid)}, ${q(serial)}, ${prevSerial ? q(prevSerial) : 'NULL'},
         ${serialChangedAt ? q(sqlInstant(serialChangedAt)) : 'NULL'},
         'علی', 'آزمون', 'حسن', ${q(g)}, ${q(gender)}, 'آذربایجان شرقی',
         ${cityCode ? q(cityCode) : 'NULL'}, ${alive ? 1 : 0})`);
  return { nid, serial, birth, gender, cityCode };
}

/** Inserts an office with its shifts; returns its id. */
export function makeOffice({
  name = 'دفتر آزمون', city = 'تبریز', cityCode = '041', phone = '33440000', type = 'pishkhan',
  morning = 20, evening = 20, caps = {}, workingDays = 63, province = 'آزمون',
} = {}) {
  const c = { step_free: 0, iris_alternative: 0, fingerprint_alternative: 0, mobile_service: 0, delivers_cards: 0, ...caps };
  sql(`INSERT INTO office (name, type, province, city, city_code, address, phone, step_free,
         iris_alternative, fingerprint_alternative, mobile_service, delivers_cards, working_days)
       VALUES (${q(name)}, ${q(type)}, ${q(province)}, ${q(city)}, ${q(cityCode)}, 'خیابان آزمون',
         ${q(phone)}, ${c.step_free}, ${c.iris_alternative}, ${c.fingerprint_alternative},
         ${c.mobile_service}, ${c.delivers_cards}, ${workingDays})`);
  const id = Number(sql1(`SELECT MAX(id) FROM office WHERE name = ${q(name)}`));
  sql(`INSERT INTO office_shift (office_id, shift, capacity) VALUES (${id}, 'morning', ${morning}), (${id}, 'evening', ${evening})`);
  return id;
}

/** A city code (0XY) no office uses yet, so a test sees only its own offices. */
export function newCityCode() {
  const used = new Set(sql('SELECT DISTINCT city_code FROM office').map((r) => r[0]));
  const free = [];
  for (let i = 10; i < 100; i++) if (!used.has(`0${i}`)) free.push(`0${i}`);
  if (!free.length) throw new Error('no free city code left in this stack');
  return free[crypto.randomInt(0, free.length)];
}

// ------------------------------------------------------------------ the citizen's steps

/** Logs in, backing off while nginx rate-limits the first page (tests that
 *  prepare hundreds of citizens from one address hit it on purpose). */
export async function login(client, person) {
  for (let wait = 200; ; wait = Math.min(wait * 2, 3000)) {
    let r;
    try {
      r = await client.login(person.nid, person.serial);
    } catch (e) {
      if (!/429/.test(e.message)) throw e;     // the captcha request was limited
      await new Promise((res) => setTimeout(res, wait));
      continue;
    }
    if (r.status === 429) {
      await new Promise((res) => setTimeout(res, wait));
      continue;
    }
    if (r.status !== 200) throw new Error(`login ${person.nid}: ${r.status} ${r.text}`);
    return r;
  }
}

/** The lunar option in the middle (the computed one). */
export async function lunarFor(client, birth) {
  const r = await client.get(`/api/v1/lunar-options?solar=${encodeURIComponent(birth)}`);
  return r.json.options[2];
}

export async function fillDetails(client, person, extra = {}) {
  const lunar = await lunarFor(client, person.birth);
  return client.put('/api/v1/application/details', {
    birth_date_solar: person.birth, birth_date_lunar: lunar, gender: person.gender,
    religion: 'islam', mother_name: 'زهرا', mobile: '09141234567', ...extra,
  });
}

export async function answerNeeds(client, needs = {}) {
  return client.put('/api/v1/application/needs', {
    can_leave_home: true, can_climb_stairs: true, pupils_visible: true, fingers_intact: true, ...needs,
  });
}

/** A fresh citizen through details and needs, logged in. */
export async function readyCitizen(opts = {}) {
  const person = makePerson(opts);
  const client = new Client();
  await login(client, person);
  const d = await fillDetails(client, person);
  if (d.status !== 200) throw new Error(`details: ${d.status} ${d.text}`);
  const n = await answerNeeds(client, opts.needs);
  if (n.status !== 200) throw new Error(`needs: ${n.status} ${n.text}`);
  return { person, client };
}

/** Snapshot of what a refused request must not change. */
export function dbSnapshot() {
  const t = (x) => sql(`CHECKSUM TABLE ${x}`)[0][1];
  return {
    application: t('application'), slot: t('slot'), payment: t('payment'),
    registry_person: t('registry_person'), notification_outbox: t('notification_outbox'),
  };
}
