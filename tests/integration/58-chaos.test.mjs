// Chaos (issue 13's bar): "the same chaos load as before (20 citizens, crsd and
// MariaDB killed) still breaks nothing".
//
// Twenty citizens, each with a browser of their own, run the whole journey at
// once and again and again for a minute: first page, details, needs, an
// appointment at one of three small offices (so places run out and SLOT_FULL
// happens), payment through Sadad or Parsian at random — paid, cancelled at
// the bank, two tabs paid both, the browser never brought back, the
// appointment moved while at the bank — the receipt, a move of a paid
// appointment. Meanwhile crsd is SIGKILLed five times and MariaDB once, and
// the test clock jumps past the hold time twice (abandoned holds come free,
// payments at the bank outlive their hold). Requests fail during the kills;
// the citizens carry on.
//
// Then the system settles (the clock past every hold and payment window, the
// reconciler and the sweeper done) and the invariants must hold exactly:
// money kept once per application and every other settled order given back,
// every paid application with one verified payment and its own tracking code,
// every place counted once, nothing left half-done, crsd healthy.
//
// CRS_CHAOS_SEED reproduces the citizens' choices (not the timing);
// CRS_CHAOS_SECONDS changes the length of the load (default 60).
// expect: 1 test
import assert from 'node:assert/strict';
import { test, before, after } from 'node:test';
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { REPO, STACK_DIR, Client, admin, ctl, sql, sql1, q } from '../lib/stack.mjs';
import {
  DAY, jalali, serverNow, nextWorkingDay, makeOffice, newCityCode, checkDigit, fromJalali, gdate,
} from '../lib/citizens.mjs';
import { openBank, press, deliver, simOrders } from '../lib/bank.mjs';
import { alive, sleep } from '../lib/plugins.mjs';

const CITIZENS = 20;
const LOAD_MS = (Number(process.env.CRS_CHAOS_SECONDS) || 60) * 1000;
const FEE = 200000;
const GATEWAYS = ['sadad', 'parsian'];
// A bank order in these states holds money the merchant settled.
const SETTLED = { sadad: 'verified', parsian: 'confirmed' };
const PAID_STAGES = ['paid', 'paid_no_slot', 'completion_started', 'completion_done',
  'production_started', 'card_ready', 'delivered'];
const BIRTH = '1369/03/19';
const MARK = 'آشوب';   // last_name of this file's persons in the registry
// What the chaos does, seconds after the load starts.
const PLAN = [
  [5, 'crsd'], [13, 'crsd'], [19, 'clock'], [24, 'crsd'], [32, 'mariadb'],
  [41, 'clock'], [45, 'crsd'], [53, 'crsd'],
].map(([s, what]) => [Math.round((s * LOAD_MS) / 60), what]);

// ------------------------------------------------------------------ randomness

const SEED = Number(process.env.CRS_CHAOS_SEED) || (Date.now() % 2147483647);
let prng = SEED >>> 0;
const RUN = `حسن-${SEED}`;   // father_name of this run's persons
function rand() {            // mulberry32
  prng = (prng + 0x6D2B79F5) >>> 0;
  let t = prng;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rand() * a.length)];
const chance = (p) => rand() < p;
function weighted(table) {
  let x = rand() * table.reduce((s, [, w]) => s + w, 0);
  for (const [v, w] of table) if ((x -= w) < 0) return v;
  return table[table.length - 1][0];
}

// ------------------------------------------------------------------ what happened

const counts = new Map();
const hit = (k, n = 1) => counts.set(k, (counts.get(k) || 0) + n);
const kills = [];
const timeline = [];
let stopped = false;

class Stop extends Error {}
class Broken extends Error {}   // a request failed (kill, restart): the journey ends here

// ------------------------------------------------------------------ stack, without blocking the citizens

const SOCK = path.join(STACK_DIR, 'run', 'mysql.sock');

function sqlAsync(query) {
  return new Promise((resolve, reject) => {
    execFile('mariadb', ['--no-defaults', `--socket=${SOCK}`, '-u', 'root', '--default-character-set=utf8mb4',
      '-N', '-B', 'crs', '-e', query], { encoding: 'utf8', timeout: 10000 }, (err, out) => {
      if (err) reject(err);
      else resolve(out.split('\n').filter((l) => l !== '').map((l) => l.split('\t')));
    });
  });
}

function stackCmd(...args) {
  return new Promise((resolve, reject) => {
    const p = spawn(path.join(REPO, 'stack'), args, { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { out += d; });
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`./stack ${args.join(' ')}: ${code}\n${out}`))));
  });
}

/** `./stack up --test-clock` (restarts what died) while the citizens keep going. */
const stackUp = () => stackCmd('up', '--test-clock');

async function stackPid(name) {
  const out = await stackCmd('ps');
  const line = out.split('\n').map((l) => l.trim().split(/\s+/)).find((f) => f[0] === name);
  return line ? Number(line[1]) : null;
}

async function healthy() {
  try {
    const r = await admin('GET', '/admin/v1/health');
    return r.status === 200 && r.json?.db === 'ok';
  } catch { return false; }
}

async function waitHealthy(ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await healthy()) return true;
    await sleep(250);
  }
  return false;
}

// ------------------------------------------------------------------ the world of this test

let CITY;
let OFFICES;
let DATES;
let LUNAR;
let people = [];
let REFUND_TABLE = true;

/** Many fresh persons in one INSERT, marked by their family name. */
function makePeople(n) {
  const g = gdate(fromJalali(BIRTH));
  const ids = new Set();
  while (ids.size < n) {
    const body = '8' + String(Math.floor(rand() * 1e8)).padStart(8, '0');
    if (/^(\d)\1+$/.test(body) || body.slice(3, 9) === '000000') continue;
    ids.add(body + checkDigit(body));
  }
  const known = new Set([
    ...sql(`SELECT national_id FROM registry_person WHERE national_id IN (${[...ids].map(q).join(',')})`),
    ...sql(`SELECT national_id FROM application WHERE national_id IN (${[...ids].map(q).join(',')})`),
  ].map((r) => r[0]));
  const fresh = [...ids].filter((id) => !known.has(id))
    .map((nid) => ({ nid, serial: String(100000 + Math.floor(rand() * 899999)), birth: BIRTH, gender: 'male' }));
  for (let i = 0; i < fresh.length; i += 300) {
    sql(`INSERT INTO registry_person (national_id, serial, first_name, last_name, father_name, birth_date,
           gender, birth_province, alive) VALUES
         ${fresh.slice(i, i + 300).map((p) => `(${q(p.nid)}, ${q(p.serial)}, 'علی', ${q(MARK)}, ${q(RUN)}, ${q(g)}, 'male', 'تهران', 1)`).join(',\n')}`);
  }
  return fresh;
}

const MINE = `SELECT a.id FROM application a JOIN registry_person r ON r.national_id = a.national_id
              WHERE r.last_name = ${q(MARK)} AND r.father_name = ${q(RUN)}`;

before(async () => {
  for (const m of ['pay_sadad', 'pay_parsian']) {
    const r = await admin('POST', `/admin/v1/modules/${m}/enable`);
    assert.equal(r.status, 200, r.text);
  }
  REFUND_TABLE = sql1("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'crs' AND table_name = 'payment_refund'") === '1';
  CITY = newCityCode();
  // Small offices: twelve places a day, so citizens race for the last one
  // (most want the first day) and the days fill up during the minute.
  OFFICES = [
    makeOffice({ name: 'دفتر آشوب ۱', cityCode: CITY, phone: '33440000', morning: 3, evening: 2 }),
    makeOffice({ name: 'دفتر آشوب ۲', cityCode: CITY, phone: '33450000', morning: 2, evening: 2 }),
    makeOffice({ name: 'دفتر آشوب ۳', cityCode: CITY, phone: '33460000', morning: 1, evening: 2 }),
  ];
  const now = await serverNow();
  DATES = [];
  for (let d = new Date(now.getTime() + 2 * DAY); DATES.length < 20; d = new Date(d.getTime() + DAY)) {
    d = nextWorkingDay(d);
    DATES.push(jalali(d));
  }
  LUNAR = (await new Client().get(`/api/v1/lunar-options?solar=${encodeURIComponent(BIRTH)}`)).json.options[2];
  people = makePeople(1500);
});

after(() => {
  stopped = true;
  ctl('clock', 'reset');
});

// ------------------------------------------------------------------ a citizen's browser

/** A citizen reads the page before the next click. */
const think = () => sleep(50 + rand() * 250);

/** One request: counted by outcome; a 5xx, a network error or a lost session
 *  ends the journey (the citizen comes back later). */
async function call(tag, fn, force = false) {
  await think();
  if (stopped && !force) throw new Stop();
  let r;
  try {
    r = await fn();
  } catch (e) {
    hit(`${tag} network error`);
    throw new Broken(`${tag}: ${e.message}`);
  }
  const code = r.json?.error?.code;
  hit(`${tag} ${r.status}${code ? ` ${code}` : ''}`);
  if (r.status >= 500 || r.status === 401) throw new Broken(`${tag}: ${r.status} ${code || ''}`);
  return r;
}

/** At the bank (the simulators are never killed; CRS behind the callback is). */
async function bank(tag, fn) {
  await think();
  if (stopped) throw new Stop();
  try {
    return await fn();
  } catch (e) {
    hit(`${tag} failed`);
    throw new Broken(`${tag}: ${e.message}`);
  }
}

/** The browser carries the bank's auto-form back to CRS; on a 502 the citizen
 *  presses reload once. */
async function comeBack(cb) {
  for (let i = 0; i < 2; i++) {
    let d;
    try {
      d = await deliver(cb);
    } catch (e) {
      d = { status: 'network error' };
    }
    hit(`callback ${d.status}`);
    if (d.status === 303) return true;
    if (stopped || i === 1 || chance(0.3)) return false;
    await sleep(500 + rand() * 1500);
  }
  return false;
}

async function login(client, person, force = false) {
  for (let attempt = 0; ; attempt++) {
    const c = await call('captcha', () => client.get('/api/v1/captcha'), force);
    if (c.status !== 200) throw new Broken(`captcha ${c.status}`);
    let answer;
    try {
      [[answer]] = await sqlAsync(`SELECT answer FROM captcha_challenge WHERE id = ${q(c.json.captcha_id)}`);
    } catch (e) {
      hit('captcha answer unreadable');
      throw new Broken('captcha answer');
    }
    const r = await call('session', () => client.post('/api/v1/session', {
      national_id: person.nid, serial: person.serial, captcha_id: c.json.captcha_id, captcha_answer: answer,
    }), force);
    if (r.status === 200) return r.json;
    if (r.status === 429 && attempt < 5) { await sleep(300 * (attempt + 1)); continue; }
    throw new Broken(`session ${r.status} ${r.text.slice(0, 100)}`);
  }
}

/** Choose an office and shift on the first page of rows; true when one is held
 *  (or a paid appointment moved). */
async function choose(client) {
  for (let tries = 0; tries < 3; tries++) {
    const date = chance(0.4) ? DATES[0] : pick(DATES);
    const l = await call('offices', () => client.get(`/api/v1/offices?date=${encodeURIComponent(date)}&city_code=${CITY}&phone=3344${String(Math.floor(rand() * 1e4)).padStart(4, '0')}`));
    if (l.status !== 200) return null;
    const rows = l.json.rows;
    if (!rows.length) { hit('offices: none free that day'); continue; }
    const free = rows.filter((x) => x.free > 0);
    const row = free.length && chance(0.85) ? pick(free) : pick(rows);
    const b = await call('appointment', () => client.post('/api/v1/application/appointment',
      { office_id: row.office_id, date, shift: row.shift }));
    if (b.status === 200) return b.json.application;
    if (b.json?.error?.code !== 'SLOT_FULL') return null;
  }
  return null;
}

async function startAttempt(client, gateway) {
  const p = await call(`payment ${gateway}`, () => client.post('/api/v1/payments', { gateway }));
  return p.status === 201 ? p.json : null;
}

/** The citizen reviews and pays; returns false when the browser is gone. */
async function pay(client) {
  const how = weighted([['pay', 40], ['cancel', 15], ['two tabs', 17], ['never back', 13],
    ['never at the bank', 5], ['move while paying', 10]]);
  hit(`pay: ${how}`);
  const a = await startAttempt(client, pick(GATEWAYS));
  if (!a) return true;
  if (how === 'never at the bank') return false;
  const page = await bank('bank page', () => openBank(a.redirect));
  if (how === 'cancel') {
    const cb = await bank('bank cancel', () => press(page, 'cancel'));
    if (!await comeBack(cb)) return false;
    await call('payment status', () => client.get(`/api/v1/payments/${a.payment_id}`));
    if (chance(0.5)) return true;                 // think about it; come back later
    return pay(client);                           // try again at once
  }
  if (how === 'two tabs') {
    const b = await startAttempt(client, pick(GATEWAYS));
    const pageB = b && await bank('bank page', () => openBank(b.redirect));
    const [cbA, cbB] = await Promise.all([bank('bank pay', () => press(page, 'pay')),
      pageB && bank('bank pay', () => press(pageB, 'pay'))]);
    const order = weighted([['together', 5], ['one then the other', 3], ['only one', 2]]);
    hit(`two tabs: ${order}`);
    if (!cbB || order === 'only one') return comeBack(cbA);
    if (order === 'together') return (await Promise.all([comeBack(cbA), comeBack(cbB)])).some(Boolean);
    const first = await comeBack(cbA);
    return (await comeBack(cbB)) || first;
  }
  const cb = await bank('bank pay', () => press(page, 'pay'));
  if (how === 'never back') return false;
  if (how === 'move while paying') await choose(client);   // another tab
  if (!await comeBack(cb)) return false;
  await call('payment status', () => client.get(`/api/v1/payments/${a.payment_id}`));
  return true;
}

/** One visit of a citizen with a fresh browser, from the first page to as far
 *  as it goes. Returns how it ended. */
async function visit(cit) {
  const client = new Client();
  cit.visits++;
  const s = await login(client, cit.person);
  let { next } = s;
  for (let step = 0; step < 8; step++) {
    if (next === 'details') {
      const d = await call('details', () => client.put('/api/v1/application/details', {
        birth_date_solar: BIRTH, birth_date_lunar: LUNAR, gender: 'male', religion: 'islam',
        mother_name: 'زهرا', mobile: `0914${String(Math.floor(rand() * 1e7)).padStart(7, '0')}`,
      }));
      if (d.status !== 200) return `details ${d.status}`;
      const n = await call('needs', () => client.put('/api/v1/application/needs', {
        can_leave_home: true, can_climb_stairs: true, pupils_visible: true, fingers_intact: true,
      }));
      if (n.status !== 200) return `needs ${n.status}`;
      next = n.json.application.next;
    } else if (next === 'appointment') {
      const app = await choose(client);
      if (!app) return 'no place';
      next = app.next;
    } else if (next === 'confirm') {
      if (chance(0.1)) {                          // the citizen changes the place first
        const app = await choose(client);
        if (app) hit('moved before paying');
      }
      if (!await pay(client)) return 'browser gone';
      const a = await call('application', () => client.get('/api/v1/application'));
      next = a.json.application.next;
      if (next === 'confirm') return 'not paid yet';
    } else if (next === 'receipt') {
      const fmt = weighted([['json', 6], ['html', 2], ['pdf', 2]]);
      const r = await call(`receipt ${fmt}`, () => client.get(`/api/v1/application/receipt?format=${fmt}`));
      if (r.status === 200 && chance(0.3)) {
        const moved = await choose(client);
        if (moved) hit('paid appointment moved');
        if (moved && moved.stage !== 'paid') hit(`moved paid appointment became ${moved.stage}`);
      }
      return r.status === 200 ? 'receipt' : `receipt ${r.status}`;
    } else {
      return `next ${next}`;
    }
  }
  return 'wandering';
}

async function browserSlot(w) {
  const mine = [];
  let journeys = 0;
  while (!stopped) {
    const open = mine.filter((c) => !c.done && c.visits < 4);
    let cit;
    if (open.length && chance(0.4)) {
      cit = pick(open);
    } else {
      const person = people.pop();
      if (!person) break;
      cit = { person, visits: 0, done: false };
      mine.push(cit);
    }
    journeys++;
    try {
      const how = await visit(cit);
      hit(`journey: ${how}`);
      if (how === 'receipt' && chance(0.7)) cit.done = true;
    } catch (e) {
      if (e instanceof Stop) break;
      hit(e instanceof Broken ? 'journey: broken by a failed request' : `journey: test error ${e.message}`);
      if (!(e instanceof Broken)) console.log(`browser ${w}:`, e);
      await sleep(300 + rand() * 1200);
    }
  }
  hit('journeys', journeys);
}

// ------------------------------------------------------------------ the chaos monkey

async function killCrsd() {
  const pid = await stackPid('crsd');
  assert.ok(pid, 'crsd in ./stack ps');
  const t0 = Date.now();
  process.kill(pid, 'SIGKILL');
  while (alive(pid)) await sleep(20);
  await stackUp();
  const back = await waitHealthy(60000);
  kills.push({ what: 'crsd', pid, newPid: await stackPid('crsd'), back, downMs: Date.now() - t0 });
}

async function killMariadb() {
  const pid = await stackPid('mariadb');
  assert.ok(pid, 'mariadb in ./stack ps');
  const crsd = await stackPid('crsd');
  const t0 = Date.now();
  process.kill(pid, 'SIGKILL');
  while (alive(pid)) await sleep(20);
  await sleep(3000);
  await stackUp();
  const back = await waitHealthy(60000);
  const crsdAfter = await stackPid('crsd');
  kills.push({ what: 'mariadb', pid, newPid: await stackPid('mariadb'), back, downMs: Date.now() - t0, crsdSurvived: crsd === crsdAfter });
}

async function chaos(start) {
  for (const [at, what] of PLAN) {
    const wait = start + at - Date.now();
    if (wait > 0) await sleep(wait);
    try {   // how far the citizens are when it strikes
      const [[n, v, o]] = await sqlAsync(`SELECT COUNT(*), COALESCE(SUM(state = 'verified'), 0),
          COALESCE(SUM(state IN ('created', 'redirected')), 0) FROM payment WHERE subject_id IN (${MINE})`);
      timeline.push(`${Math.round((Date.now() - start) / 1000)} s ${what}: ${n} payments, ${v} verified, ${o} open`);
    } catch { timeline.push(`${Math.round((Date.now() - start) / 1000)} s ${what}`); }
    if (what === 'crsd') await killCrsd();
    else if (what === 'mariadb') await killMariadb();
    else {
      // Abandoned holds come free; payments at the bank now outlive their hold.
      const r = ctl('clock', 'advance', '16m');
      kills.push({ what: 'clock +16m', ok: r.status === 0 });
    }
  }
}

// ------------------------------------------------------------------ the test

test('chaos: 20 citizens for a minute, crsd killed five times and MariaDB once: money, places and tracking codes stay exact', { timeout: 600000 }, async () => {
  const t0 = Date.now();
  const start = Date.now();
  const slots = Array.from({ length: CITIZENS }, (_, w) => browserSlot(w));
  await chaos(start);
  const left = start + LOAD_MS - Date.now();
  if (left > 0) await sleep(left);
  stopped = true;
  let grace;
  await Promise.race([Promise.all(slots), new Promise((r) => { grace = setTimeout(r, 60000); })]);
  clearTimeout(grace);
  const loadMs = Date.now() - start;

  // ---- settle: every hold and payment window over, reconciler and sweeper done
  await stackUp();
  assert.ok(await waitHealthy(60000), 'crsd healthy after the load');
  // Past every hold (15 min) and payment window (20 min) at once: a payment
  // the bank took while the browser never came back is a success after both.
  assert.equal(ctl('clock', 'advance', '22m').status, 0);
  const open = () => Number(sql1(`SELECT COUNT(*) FROM payment WHERE state IN ('created', 'redirected')
                                   AND subject_id IN (${MINE})`));
  const settleEnd = Date.now() + 180000;
  while (open() > 0 && Date.now() < settleEnd) await sleep(1000);
  const stillOpen = open();
  const sweepEnd = Date.now() + 30000;
  let expiredHolds;
  for (;;) {
    const now = (await serverNow()).toISOString().slice(0, 23).replace('T', ' ');   // stored in UTC
    expiredHolds = sql(`SELECT id, national_id, office_id, appt_day, appt_shift, hold_until FROM application
                        WHERE id IN (${MINE}) AND stage = 'reserved' AND hold_until < ${q(now)}`);
    if (!expiredHolds.length || Date.now() > sweepEnd) break;
    await sleep(1000);
  }

  // ---- the invariants
  const bad = [];
  const payments = sql(`SELECT p.id, p.subject_id, p.gateway, p.order_id, p.amount_rial, p.state, p.reference
                        FROM payment p WHERE p.subject_id IN (${MINE}) ORDER BY p.id`)
    .map(([id, app, gw, order, amount, state, reference]) => ({ id, app, gw, order, amount: Number(amount), state, reference }));
  const refunds = REFUND_TABLE
    ? new Map(sql(`SELECT payment_id, id, reason FROM payment_refund WHERE payment_id IN (SELECT id FROM payment WHERE subject_id IN (${MINE}))`)
      .map(([pid, id, reason]) => [pid, { id, reason }]))
    : new Map();
  const orders = {};
  for (const gw of GATEWAYS) orders[gw] = new Map((await simOrders(gw)).orders.map((o) => [String(o.order_id), o]));
  if (stillOpen) bad.push(`${stillOpen} payments still created/redirected after the settle`);

  const byApp = new Map();
  for (const p of payments) {
    if (!byApp.has(p.app)) byApp.set(p.app, []);
    byApp.get(p.app).push(p);
    const o = orders[p.gw].get(p.order);
    const settled = o?.state === SETTLED[p.gw];
    if (p.amount !== FEE) bad.push(`payment ${p.id}: amount ${p.amount}, the fee is ${FEE}`);
    if (p.state === 'verified') {
      if (!p.reference) bad.push(`payment ${p.id} verified without a reference`);
      if (!settled) bad.push(`payment ${p.id} verified but the bank did not settle order ${p.order} (${o?.state})`);
      const bankAmount = Number(o?.paid_amount ?? o?.amount);
      if (settled && bankAmount !== FEE) bad.push(`payment ${p.id} verified, the bank settled ${bankAmount}`);
      if (refunds.has(p.id)) bad.push(`payment ${p.id} verified and also queued for refund`);
    } else if (settled && !refunds.has(p.id)) {
      bad.push(`payment ${p.id} (${p.gw} order ${p.order}, application ${p.app}) is ${p.state} but the bank kept the money (${o.state}) and no refund is queued`);
    } else if (!settled && refunds.has(p.id)) {
      bad.push(`payment ${p.id} queued for refund but the bank holds nothing (${o?.state})`);
    }
  }
  // Orders settled at a bank during this test that CRS does not know at all.
  const known = new Set(sql('SELECT order_id FROM payment').map((r) => r[0]));
  for (const gw of GATEWAYS) {
    for (const [order, o] of orders[gw]) {
      if (o.state === SETTLED[gw] && Date.parse(o.created_at) >= t0 && !known.has(order)) {
        bad.push(`${gw} order ${order} settled at the bank, unknown to CRS`);
      }
    }
  }

  const apps = sql(`SELECT id, national_id, stage, tracking_code, office_id, appt_day, appt_shift, hold_until
                    FROM application WHERE id IN (${MINE})`)
    .map(([id, nid, stage, tracking, office, day, shift, hold]) => ({ id, nid, stage, tracking, office, day, shift, hold }));
  for (const a of apps) {
    const verified = (byApp.get(a.id) || []).filter((p) => p.state === 'verified');
    if (verified.length > 1) bad.push(`application ${a.id}: ${verified.length} payments verified (${verified.map((p) => `${p.id} ${p.gw}`).join(', ')})`);
    if (PAID_STAGES.includes(a.stage)) {
      if (verified.length !== 1) bad.push(`application ${a.id} is ${a.stage} with ${verified.length} verified payments`);
      if (!/^\d{9}$/.test(a.tracking || '')) bad.push(`application ${a.id} is ${a.stage} with tracking code ${a.tracking}`);
      if (a.stage === 'paid' && (!a.office || a.hold)) bad.push(`application ${a.id} paid: office ${a.office}, hold ${a.hold}`);
      if (a.stage === 'paid_no_slot' && a.office) bad.push(`application ${a.id} paid_no_slot still has office ${a.office}`);
    } else {
      if (a.stage !== 'reserved' && a.office) bad.push(`application ${a.id} is ${a.stage} but still has office ${a.office} ${a.day} ${a.shift}`);
      if (verified.length) bad.push(`application ${a.id} is ${a.stage} but payment ${verified[0].id} was verified: money kept, citizen not paid`);
      if (a.tracking) bad.push(`application ${a.id} is ${a.stage} with tracking code ${a.tracking}`);
    }
  }
  for (const [id, nid, office, day, shift, hold] of expiredHolds) {
    bad.push(`application ${id} (${nid.slice(0, 3)}…) still reserved at office ${office} ${day} ${shift}, hold ran out at ${hold}, no payment open`);
  }
  for (const [tc, n] of sql('SELECT tracking_code, COUNT(*) FROM application WHERE tracking_code IS NOT NULL GROUP BY tracking_code HAVING COUNT(*) > 1')) {
    bad.push(`tracking code ${tc} shared by ${n} applications`);
  }
  // The outcome is applied once: one SMS with the tracking code per paid citizen.
  for (const [id, tc, n] of sql(`SELECT a.id, a.tracking_code, (SELECT COUNT(*) FROM notification_outbox o
        WHERE o.channel = 'sms' AND o.body LIKE CONCAT('%', a.tracking_code, '%'))
      FROM application a WHERE a.id IN (${MINE}) AND a.tracking_code IS NOT NULL`)) {
    if (n !== '1') bad.push(`application ${id}: ${n} SMS with tracking code ${tc}`);
  }

  // Places: every slot of these offices counts exactly the applications holding it.
  const ids = OFFICES.join(',');
  const places = sql(`SELECT s.office_id, s.day, s.shift, s.capacity, s.taken, os.capacity,
                        (SELECT COUNT(*) FROM application a WHERE a.office_id = s.office_id AND a.appt_day = s.day
                           AND a.appt_shift = s.shift)
                      FROM slot s JOIN office_shift os ON os.office_id = s.office_id AND os.shift = s.shift
                      WHERE s.office_id IN (${ids}) ORDER BY 1, 2, 3`);
  for (const [office, day, shift, cap, taken, approved, holders] of places) {
    const where = `slot ${office} ${day} ${shift}`;
    if (Number(taken) < 0 || Number(taken) > Number(cap)) bad.push(`${where}: taken ${taken}, capacity ${cap}`);
    if (Number(cap) !== Number(approved)) bad.push(`${where}: capacity ${cap}, approved ${approved}`);
    if (Number(taken) !== Number(holders)) bad.push(`${where}: taken ${taken} but ${holders} applications hold it`);
  }
  for (const [office, day, shift, n] of sql(`SELECT a.office_id, a.appt_day, a.appt_shift, COUNT(*) FROM application a
      LEFT JOIN slot s ON s.office_id = a.office_id AND s.day = a.appt_day AND s.shift = a.appt_shift
      WHERE a.office_id IS NOT NULL AND s.office_id IS NULL AND a.id IN (${MINE}) GROUP BY 1, 2, 3`)) {
    bad.push(`${n} applications hold ${office} ${day} ${shift}, which has no slot row`);
  }

  // A few paid citizens come back with a new browser: their receipt is there.
  const paid = [...apps.filter((a) => a.stage === 'paid').slice(0, 4),
    ...apps.filter((a) => a.stage === 'paid_no_slot').slice(0, 2)];
  for (const a of paid) {
    const person = { nid: a.nid, serial: sql1(`SELECT serial FROM registry_person WHERE national_id = ${q(a.nid)}`) };
    const c = new Client();
    const s = await login(c, person, true);
    const want = a.stage === 'paid' ? 'receipt' : 'appointment';
    if (s.next !== want) bad.push(`application ${a.id} (${a.stage}) comes back to ${s.next}, not ${want}`);
    const r = await c.get('/api/v1/application/receipt?format=json');
    if (r.status !== 200 || r.json?.application?.tracking_code !== a.tracking) {
      bad.push(`application ${a.id}: receipt ${r.status} ${r.json?.application?.tracking_code}`);
    }
  }

  const health = await admin('GET', '/admin/v1/health');
  for (const k of kills) if (k.back === false) bad.push(`${k.what} killed: crsd not healthy within 60 s`);
  const mk = kills.find((k) => k.what === 'mariadb');
  if (mk && !mk.crsdSurvived) bad.push('crsd did not survive the MariaDB restart (it was restarted)');

  // ---- what happened
  const states = {};
  for (const p of payments) states[`${p.gw} ${p.state}`] = (states[`${p.gw} ${p.state}`] || 0) + 1;
  const stages = {};
  for (const a of apps) stages[a.stage] = (stages[a.stage] || 0) + 1;
  const sorted = (prefix) => [...counts].filter(([k]) => k.startsWith(prefix)).sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k.slice(prefix.length)}: ${v}`).join(', ');
  console.log(`chaos: seed ${SEED}, load ${Math.round(loadMs / 1000)} s, total ${Math.round((Date.now() - t0) / 1000)} s, ${counts.get('journeys') || 0} journeys of ${apps.length} citizens`);
  console.log(`  journeys ended: ${sorted('journey: ')}`);
  console.log(`  payment choices: ${sorted('pay: ')}; two tabs: ${sorted('two tabs: ')}`);
  console.log(`  slots: ${sorted('appointment ')}; no free office that day: ${counts.get('offices: none free that day') || 0}; paid moved: ${counts.get('paid appointment moved') || 0}`);
  console.log(`  payment requests: ${sorted('payment sadad ')} (sadad), ${sorted('payment parsian ')} (parsian); callbacks: ${sorted('callback ')}`);
  console.log(`  receipts: ${sorted('receipt ')}`);
  console.log(`  first page: ${sorted('session ')}; captcha: ${sorted('captcha ')}`);
  console.log(`  payments: ${payments.length} — ${Object.entries(states).map(([k, v]) => `${k} ${v}`).join(', ')}; refunds queued: ${refunds.size}`);
  console.log(`  applications: ${Object.entries(stages).map(([k, v]) => `${k} ${v}`).join(', ')}; slots: ${places.length}, taken ${places.reduce((s, r) => s + Number(r[4]), 0)} of ${places.reduce((s, r) => s + Number(r[3]), 0)}`);
  console.log(`  timeline: ${timeline.join('; ')}`);
  console.log(`  chaos: ${kills.map((k) => (k.what.startsWith('clock') ? k.what : `${k.what} ${k.pid}→${k.newPid} back in ${(k.downMs / 1000).toFixed(1)} s${k.back ? '' : ' NOT BACK'}${k.what === 'mariadb' ? (k.crsdSurvived ? ', crsd kept running' : ', crsd died') : ''}`)).join('; ')}`);
  if (bad.length) console.log(`  VIOLATIONS (${bad.length}):\n    ${bad.join('\n    ')}`);

  assert.equal(health.status, 200, 'crsd healthy at the end');
  assert.equal(kills.filter((k) => k.what === 'crsd').length, 5, 'crsd killed five times');
  assert.equal(kills.filter((k) => k.what === 'mariadb').length, 1, 'MariaDB killed once');
  assert.ok(payments.some((p) => p.state === 'verified'), 'some payments went through');
  assert.deepEqual([...counts.keys()].filter((k) => k.startsWith('journey: test error')), [],
    'every answer the citizens got was one the API describes');
  assert.deepEqual(bad, [], 'invariants after the chaos');
});
