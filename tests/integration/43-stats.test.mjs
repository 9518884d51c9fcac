// Statistics (seed 003, GET /admin/v1/stats, crsctl stats): kept by counts
// that every move updates in its own transaction, a snapshot per finished
// Tehran day, eligible citizens counted by a timer; a recount proves them.
// expect: 4 tests
import assert from 'node:assert/strict';
import { test, before, after } from 'node:test';
import { admin, ctl, sql, sql1, q } from '../lib/stack.mjs';
import { DAY, jalali, serverNow, nextWorkingDay, makeOffice, makePerson, newCityCode,
  readyCitizen, resetClock, sqlInstant } from '../lib/citizens.mjs';
import { tehranDay, tehranInstant, addDays } from '../lib/tehran.mjs';
import { openBank, press, deliver } from '../lib/bank.mjs';
import { startPayment } from '../lib/pay.mjs';
import { sleep } from '../lib/plugins.mjs';

const CITY = newCityCode();
const PROVINCE = 'استان آزمون آمار';
let officeId, date;

before(async () => {
  assert.equal((await admin('POST', '/admin/v1/modules/pay_sadad/enable')).status, 200);
  // Suites before this one set stages by SQL to reach them (no office API
  // there): the counts start from a recount.
  ctl('stats', '--repair');
  officeId = makeOffice({ cityCode: CITY, province: PROVINCE, morning: 300, evening: 200 });
  date = jalali(nextWorkingDay(new Date((await serverNow()).getTime() + 4 * DAY)));
});

after(async () => {
  await resetClock();
});

async function stats(query = '') {
  const r = await admin('GET', `/admin/v1/stats${query}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

/** Citizens of CITY taken to a stage: entered, details_done, reserved, paid. */
async function citizenAt(stage) {
  const c = await readyCitizen({ cityCode: CITY });
  if (stage === 'details_done') return c;
  const b = await c.client.post('/api/v1/application/appointment', { office_id: officeId, date, shift: 'morning' });
  assert.equal(b.status, 200, b.text);
  if (stage === 'reserved') return c;
  const p = await startPayment(c.client, 'sadad');
  await deliver(await press(await openBank(p.redirect), 'pay'));
  return c;
}

/** The stages of CITY's applications, counted from the table itself. */
function tableCounts() {
  return Object.fromEntries(sql(`SELECT stage, COUNT(*) FROM application WHERE city_code = ${q(CITY)}
                                  GROUP BY stage`).map(([s, n]) => [s, Number(n)]));
}

/** The stages as the audit rows say they stood before an instant. */
function countsBefore(instant) {
  const at = sqlInstant(instant);
  return Object.fromEntries(sql(`SELECT e.to_stage, COUNT(*) FROM application_event e
      JOIN application a ON a.id = e.application_id
     WHERE a.city_code = ${q(CITY)} AND e.id = (SELECT MAX(x.id) FROM application_event x
           WHERE x.application_id = e.application_id AND x.at < ${q(at)})
     GROUP BY e.to_stage`).map(([s, n]) => [s, Number(n)]));
}

function nonZero(stages) {
  return Object.fromEntries(Object.entries(stages).filter(([, n]) => n));
}

test('the figures of a city and its province equal a count of the applications and the registry', async () => {
  // Eligible: alive and 15 or older.  Two adults who never apply, a minor, a dead person.
  makePerson({ cityCode: CITY });
  makePerson({ cityCode: CITY });
  makePerson({ cityCode: CITY, birth: '1398/01/01' });
  makePerson({ cityCode: CITY, alive: 0 });
  for (const s of ['details_done', 'details_done', 'reserved', 'paid', 'paid', 'paid']) await citizenAt(s);
  // Today's eligible were counted at start: the recount counts them anew.
  const v = ctl('stats', '--verify');
  assert.equal(v.status, 0, v.stdout + v.stderr);
  assert.equal(JSON.parse(v.stdout).ok, true);

  const s = await stats(`?city_code=${CITY}`);
  assert.deepEqual(nonZero(s.stages), tableCounts());
  assert.equal(s.applications, 6);
  assert.equal(s.eligible, 8, 'six applicants and two adults; not the minor or the dead');
  assert.equal(s.completed, 0);
  assert.equal(s.delivered_share, 0);
  assert.equal(s.daily_capacity, 500, 'morning 300 + evening 200');
  assert.equal(s.city_code, CITY);
  assert.match(s.date, /^\d{4}\/\d{2}\/\d{2}$/);

  const byProvince = await stats(`?province=${encodeURIComponent(PROVINCE)}`);
  assert.deepEqual(byProvince.stages, s.stages, 'the province is this one city code');
  assert.equal(byProvince.eligible, s.eligible);
  // Persian digits in the city code; crsctl prints the same figures.
  const fa = CITY.replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[d]);
  assert.deepEqual((await stats(`?city_code=${encodeURIComponent(fa)}`)).stages, s.stages);
  const c = ctl('stats', '--province', PROVINCE);
  assert.equal(c.status, 0, c.stderr);
  assert.deepEqual(JSON.parse(c.stdout).stages, s.stages);
  // The whole country includes this city.
  assert.ok((await stats()).applications >= s.applications);
});

test('a past day keeps its figures: the snapshot equals the audit rows as they stood at its end', async () => {
  const before = await stats(`?city_code=${CITY}`);
  const day1 = tehranDay(await serverNow());
  // Into tomorrow: the timer snapshots the finished day.
  assert.equal(ctl('clock', 'advance', '1d').status, 0);
  const end = Date.now() + 30000;
  while (Date.now() < end && sql1(`SELECT COUNT(*) FROM stats_day WHERE day = ${q(day1)}`) === '0') await sleep(200);
  assert.equal(sql1(`SELECT COUNT(*) FROM stats_day WHERE day = ${q(day1)}`), '1', 'the snapshot was taken');
  // The new day moves on: holds lapse, more citizens pay.
  await citizenAt('paid');
  await citizenAt('reserved');
  // As if no crsd had run at midnight: the snapshot is taken only now, and
  // must take the new day's moves back out.
  sql(`DELETE FROM stats_daily WHERE day = ${q(day1)}`);
  sql(`DELETE FROM stats_day WHERE day >= ${q(day1)}`);
  assert.equal(ctl('clock', 'advance', '1m').status, 0);
  const end2 = Date.now() + 30000;
  while (Date.now() < end2 && sql1(`SELECT COUNT(*) FROM stats_day WHERE day = ${q(day1)}`) === '0') await sleep(200);
  assert.equal(sql1(`SELECT COUNT(*) FROM stats_day WHERE day = ${q(day1)}`), '1', 'taken late');
  const past = await stats(`?city_code=${CITY}&date=${encodeURIComponent(jalali(day1))}`);
  const midnight = tehranInstant(addDays(day1, 1), '00:00');
  assert.deepEqual(nonZero(past.stages), countsBefore(midnight), 'as the audit rows stood at midnight');
  assert.deepEqual(past.stages, before.stages, 'and as the figures were that evening');
  assert.equal(past.daily_capacity, 500);
  const now = await stats(`?city_code=${CITY}`);
  assert.deepEqual(nonZero(now.stages), tableCounts());
  assert.equal(now.applications, before.applications + 2);
});

test('the recount finds counts that drifted from the applications and repairs them', async () => {
  const [id, stage] = sql(`SELECT id, stage FROM application WHERE city_code = ${q(CITY)} AND stage = 'details_done' LIMIT 1`)[0];
  sql(`UPDATE application SET stage = 'card_ready' WHERE id = ${id}`);   // what no plugin may do
  try {
    const v = ctl('stats', '--verify');
    assert.equal(v.status, 1, 'the recount fails');
    const out = JSON.parse(v.stdout);
    assert.equal(out.ok, false);
    assert.deepEqual(out.differences.filter((d) => d.city_code === CITY).map((d) => [d.stage, d.counted, d.recounted]).sort(),
      [['card_ready', 0, 1], ['details_done', tableCounts().details_done + 1, tableCounts().details_done]].sort());
    assert.equal(ctl('stats', '--repair').status, 1, 'the repair reports what it found');
    assert.equal(ctl('stats', '--verify').status, 0, 'and then the counts agree');
    assert.equal((await stats(`?city_code=${CITY}`)).ready, 1);
  } finally {
    sql(`UPDATE application SET stage = ${q(stage)} WHERE id = ${id}`);
    ctl('stats', '--repair');
  }
  assert.equal(ctl('stats', '--verify').status, 0);
});

test('bad queries are refused in Persian; a day before the first snapshot is 404', async () => {
  for (const [qs, field] of [['?city_code=41', 'city_code'], ['?city_code=abc', 'city_code'],
    ['?date=1403/13/01', 'date'], ['?date=1499/01/01', 'date'], [`?province=${'x'.repeat(200)}`, 'province']]) {
    const r = await admin('GET', `/admin/v1/stats${qs}`);
    assert.equal(r.status, 400, `${qs}: ${r.text}`);
    assert.equal(r.json.error.code, 'FIELD_INVALID');
    assert.equal(r.json.error.field, field);
    assert.match(r.json.error.message, /[\u0600-\u06FF]/);
  }
  const r = await admin('GET', '/admin/v1/stats?date=1390/01/01');
  assert.equal(r.status, 404, r.text);
  assert.equal(r.json.error.code, 'NOT_FOUND');
  const bad = await admin('POST', '/admin/v1/stats/verify', { repair: 'yes' });
  assert.equal(bad.status, 400);
  // The public listener never serves it.
  const pub = await fetch(`${process.env.CRS_URL || 'http://127.0.0.1:8080'}/admin/v1/stats`);
  assert.equal(pub.status, 404);
});
