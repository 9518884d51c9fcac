// crs-import (SPEC §3.9, seed 001 §2.5): requests filed in the old Portal come in from a CSV,
// checked by the site's own rules; a report lists every row; a second run changes nothing;
// a bad row or a failed write leaves nothing behind; an imported citizen then uses the site
// like anyone else. The tool runs against the stack's database with its crsd.conf; under
// ASan it must be leak-free.
// expect: 7 tests
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, after } from 'node:test';
import { REPO, STACK_DIR, sql, sql1, q, Client } from '../lib/stack.mjs';
import {
  DAY, jalali, serverNow, nextWorkingDay, makePerson, makeOffice, newCityCode, newNationalId,
  login, lunarFor, answerNeeds, fillDetails,
} from '../lib/citizens.mjs';

const PREFIX = process.env.CRS_PREFIX || path.join(STACK_DIR, 'prefix');
const BIN = path.join(PREFIX, 'bin', 'crs-import');
const CONF = path.join(STACK_DIR, 'etc', 'crsd.conf');
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'crs-import-'));
const RUN = crypto.randomBytes(4).toString('hex');
const TRIGGER = `crs_import_test_${RUN}`;
let seq = 0;

after(() => {
  sql(`DROP TRIGGER IF EXISTS ${TRIGGER}`);
  fs.rmSync(TMP, { recursive: true, force: true });
});

/** A portal_ref unique to this run. */
function ref(tag = 'P') {
  seq += 1;
  return `${tag}-${RUN}-${seq}`;
}

const HEADER = ['portal_ref', 'national_id', 'serial', 'birth_date_solar', 'gender', 'religion',
  'mother_name', 'mobile', 'can_leave_home', 'can_climb_stairs', 'pupils_visible', 'fingers_intact'];

function csvField(v) {
  const s = v == null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV text of objects, columns in `header` order, CRLF or LF. */
function toCsv(rows, { header = HEADER, eol = '\n', bom = false } = {}) {
  const lines = [header.map(csvField).join(',')];
  for (const r of rows) lines.push(header.map((h) => csvField(r[h])).join(','));
  return (bom ? '\uFEFF' : '') + lines.join(eol) + eol;
}

/** RFC 4180 reader for the report (quotes, doubled quotes, line breaks in quotes). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let f = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { f += '"'; i++; } else if (c === '"') quoted = false;
      else f += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(f); f = ''; } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(f); rows.push(row); row = []; f = '';
    } else f += c;
  }
  if (f !== '' || row.length) { row.push(f); rows.push(row); }
  return rows;
}

const SANITIZER = /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: (Address|Leak|UndefinedBehavior)Sanitizer/;

/** Runs crs-import on csv text; returns {status, stderr, stdout, report: [{row, portal_ref, …}]}.
 *  Always with leak detection on (a no-op for a build without ASan) and --now = crsd's clock. */
async function runImport(csv, { args = [], now = true, report = true } = {}) {
  const file = path.join(TMP, `in-${++seq}.csv`);
  const out = path.join(TMP, `report-${seq}.csv`);
  fs.writeFileSync(file, csv);
  const full = ['-c', CONF, file, ...args];
  if (report) full.push('--report', out);
  if (now) full.push('--now', (await serverNow()).toISOString());
  const supp = path.join(REPO, 'tests', 'lsan.supp');
  const r = spawnSync(BIN, full, {
    encoding: 'utf8',
    env: {
      ...process.env,
      ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0',
      LSAN_OPTIONS: fs.existsSync(supp) ? `suppressions=${supp}:print_suppressions=0` : '',
    },
    timeout: 300000,
  });
  assert.ok(!r.error, `ran ${BIN}: ${r.error}`);
  assert.doesNotMatch(r.stderr, SANITIZER, `sanitizer report:\n${r.stderr.slice(0, 4000)}`);
  let rows = [];
  const text = report ? (fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '') : r.stdout;
  if (text) {
    const [head, ...body] = parseCsv(text);
    assert.deepEqual(head, ['row', 'portal_ref', 'national_id_masked', 'result', 'reason_fa', 'reason_en']);
    rows = body.map((cells) => Object.fromEntries(head.map((h, i) => [h, cells[i]])));
  }
  return { status: r.status, stderr: r.stderr, stdout: r.stdout, report: rows, text };
}

function mask(nid) {
  return `${nid.slice(0, 3)}******${nid.slice(-1)}`;
}

/** A Portal row for a registry person; overrides win. */
function rowFor(p, extra = {}) {
  return {
    portal_ref: ref(), national_id: p.nid, serial: p.serial, birth_date_solar: p.birth,
    gender: p.gender, religion: 'islam', mother_name: 'زهرا', mobile: '09121234567',
    can_leave_home: 'yes', can_climb_stairs: 'yes', pupils_visible: 'yes', fingers_intact: 'yes',
    ...extra,
  };
}

function appOf(nid) {
  const rows = sql(`SELECT stage, serial, birth_date, birth_date_lunar, gender, religion, mother_name,
      mobile, can_leave_home, can_climb_stairs, pupils_visible, fingers_intact, legacy_ref,
      tracking_code, office_id FROM application WHERE national_id = ${q(nid)}`);
  if (!rows.length) return null;
  const k = ['stage', 'serial', 'birth_date', 'birth_date_lunar', 'gender', 'religion', 'mother_name',
    'mobile', 'can_leave_home', 'can_climb_stairs', 'pupils_visible', 'fingers_intact', 'legacy_ref',
    'tracking_code', 'office_id'];
  return Object.fromEntries(k.map((x, i) => [x, rows[0][i]]));
}

function appCount(nids) {
  return Number(sql1(`SELECT COUNT(*) FROM application WHERE national_id IN (${nids.map(q).join(',')})`));
}

const checksum = () => sql('CHECKSUM TABLE application')[0][1];

function persianDigits(s) {
  return s.replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[d]);
}

// ------------------------------------------------------------------ the report

test('a Portal file: good rows imported, each kind of bad row listed with Persian and English reasons, nothing else written', async () => {
  const now = await serverNow();
  const good = makePerson({ birth: '1369/03/19', gender: 'female' });
  const noNeeds = makePerson({ birth: '1350/11/02', gender: 'male' });
  const typed = makePerson({ birth: '1372/06/31', gender: 'male' });
  const givenLunar = makePerson({ birth: '1361/01/05', gender: 'female' });
  const other = makePerson();
  const dead = makePerson({ alive: 0 });
  const child = makePerson({ birth: jalali(new Date(now.getTime() - 10 * 365 * DAY)) });
  const changed = makePerson({ serial: '654321', prevSerial: '123456', serialChangedAt: new Date(now.getTime() - 3600 * 1000) });
  const onSite = makePerson();
  const c = new Client();
  await login(c, onSite);                              // has an application of the site already
  const ghost = newNationalId();                       // valid, but not in the registry
  const badCheck = `${other.nid.slice(0, 9)}${(Number(other.nid[9]) + 1) % 10}`;
  const lunarOpts = (await c.get(`/api/v1/lunar-options?solar=${encodeURIComponent(givenLunar.birth)}`)).json.options;

  const rows = [
    rowFor(good),
    rowFor(noNeeds, { can_leave_home: '', can_climb_stairs: '', pupils_visible: '', fingers_intact: '' }),
    rowFor(typed, {                                   // what people and old systems type
      national_id: ` ${persianDigits(typed.nid)} `, serial: persianDigits(typed.serial),
      birth_date_solar: persianDigits(typed.birth), gender: 'مرد', religion: 'مسیحی',
      mother_name: 'فاطمه‌زهرا', mobile: '+98 912 765 4321', can_leave_home: 'بله',
      can_climb_stairs: 'خیر', pupils_visible: '1', fingers_intact: 'No',
      note: 'from the "old" Portal,\nsecond line',
    }),
    rowFor(givenLunar, { birth_date_lunar: lunarOpts[0] }),
    rowFor(other, { national_id: badCheck }),           // check digit
    rowFor(other, { serial: '12345' }),                  // format
    rowFor(other, { national_id: ghost }),               // not in the registry
    rowFor(other, { serial: other.serial === '111111' ? '222222' : '111111' }),
    rowFor(dead),
    rowFor(child),
    rowFor(changed, { serial: '654321' }),               // changed an hour ago
    rowFor(other, { birth_date_solar: '1300/01/01' }),
    rowFor(other, { gender: other.gender === 'male' ? 'female' : 'male' }),
    rowFor(other, { mobile: '0912' }),
    rowFor(other, { mother_name: 'Zahra' }),
    rowFor(other, { fingers_intact: 'maybe' }),
    rowFor(other, { birth_date_lunar: '1300/01/01' }),
    rowFor(other, { portal_ref: 'bad ref!' }),
    rowFor(onSite),                                      // applied on the site already
  ];
  const dup = { ...rows[0] };                            // the same request twice in the file
  const twin = rowFor(good);                             // the same citizen under another ref
  rows.push(dup, twin);
  const header = ['note', ...HEADER.slice().reverse(), 'birth_date_lunar'];
  let csv = toCsv(rows, { header, eol: '\r\n', bom: true });
  // One record with a field too few, at the end.
  csv += `${ref()},${other.nid}\r\n`;
  const siteApp = sql(`SELECT * FROM application WHERE national_id = ${q(onSite.nid)}`);

  const r = await runImport(csv);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /^imported 4, already 1, refused 17$/m);
  const expect = [
    ['imported', /^OK: imported as details_done; next: appointment/],
    ['imported', /^OK: imported as entered \(special-needs answers missing\); next: details/],
    ['imported', /^OK/],
    ['imported', /^OK/],
    ['refused', /^NATIONAL_ID_INVALID: .*\(column national_id\)/],
    ['refused', /^SERIAL_INVALID: .*\(column serial\)/],
    ['refused', /^NOT_IN_REGISTRY:/],
    ['refused', /^ID_SERIAL_MISMATCH:/],
    ['refused', /^PERSON_DECEASED:/],
    ['refused', /^UNDER_AGE:/],
    ['refused', /^SERIAL_NOT_YET_KNOWN:/],
    ['refused', /^BIRTH_DATE_MISMATCH:/],
    ['refused', /^GENDER_MISMATCH:/],
    ['refused', /^MOBILE_INVALID:/],
    ['refused', /^MOTHER_NAME_INVALID:/],
    ['refused', /^NEED_INVALID: .*\(column fingers_intact\)/],
    ['refused', /^LUNAR_DATE_NOT_OFFERED:/],
    ['refused', /^PORTAL_REF_INVALID:/],
    ['has_application', /^HAS_APPLICATION: .*\(filed on the site\)/],
    ['already_imported', /^ALREADY_IMPORTED:/],
    ['has_application', new RegExp(`^HAS_APPLICATION: .*\\(imported before from portal_ref ${rows[0].portal_ref}\\)`)],
    ['refused', /^CSV_FIELD_COUNT: .*\(line 24\)/],
  ];
  assert.equal(r.report.length, expect.length, r.text);
  // Row numbers are the spreadsheet's: the header is row 1, the quoted note spans two lines
  // but is one row.
  assert.deepEqual(r.report.map((x) => Number(x.row)), expect.map((_, i) => i + 2));
  r.report.forEach((x, i) => {
    assert.equal(x.result, expect[i][0], `row ${x.row}: ${x.reason_en}`);
    assert.match(x.reason_en, expect[i][1], `row ${x.row}`);
    assert.match(x.reason_fa, /[\u0600-\u06FF]/, `row ${x.row}: a Persian reason`);
  });
  assert.equal(r.report[0].portal_ref, rows[0].portal_ref);
  assert.equal(r.report[0].national_id_masked, mask(good.nid));
  assert.equal(r.report[2].national_id_masked, mask(typed.nid));
  assert.equal(r.report[17].portal_ref, 'bad ref!');
  // National IDs are masked everywhere the tool writes.
  for (const p of [good, noNeeds, typed, givenLunar, other, dead, child, changed, onSite]) {
    assert.ok(!r.text.includes(p.nid) && !r.stderr.includes(p.nid), `${mask(p.nid)} unmasked`);
  }
  assert.ok(!r.text.includes(ghost) && !r.text.includes(badCheck));

  // The good rows, as the site would have stored them.
  const g = appOf(good.nid);
  assert.equal(g.stage, 'details_done');
  assert.equal(g.legacy_ref, rows[0].portal_ref);
  assert.equal(g.serial, good.serial);
  assert.equal(g.birth_date, '1990-06-09');
  assert.equal(g.birth_date_lunar, await lunarFor(c, good.birth), 'the middle lunar option');
  assert.deepEqual([g.gender, g.religion, g.mother_name, g.mobile], ['female', 'islam', 'زهرا', '09121234567']);
  assert.deepEqual([g.can_leave_home, g.can_climb_stairs, g.pupils_visible, g.fingers_intact], ['1', '1', '1', '1']);
  assert.equal(g.tracking_code, null);
  assert.equal(g.office_id, null);
  const n = appOf(noNeeds.nid);
  assert.equal(n.stage, 'entered');
  assert.deepEqual([n.can_leave_home, n.can_climb_stairs, n.pupils_visible, n.fingers_intact], [null, null, null, null]);
  const t = appOf(typed.nid);
  assert.deepEqual([t.serial, t.gender, t.religion, t.mother_name, t.mobile], [typed.serial, 'male', 'christian', 'فاطمه‌زهرا', '09127654321']);
  assert.deepEqual([t.can_leave_home, t.can_climb_stairs, t.pupils_visible, t.fingers_intact], ['1', '0', '1', '0']);
  assert.equal(appOf(givenLunar.nid).birth_date_lunar, lunarOpts[0], 'a lunar date among the options is kept');

  // The bad rows wrote nothing; the site's application is untouched.
  assert.equal(appCount([other.nid, dead.nid, child.nid, changed.nid, ghost, badCheck]), 0);
  assert.deepEqual(sql(`SELECT * FROM application WHERE national_id = ${q(onSite.nid)}`), siteApp);
  assert.equal(sql1(`SELECT COUNT(*) FROM application WHERE legacy_ref = ${q(twin.portal_ref)}`), '0');
});

test('the report goes to standard output without --report; --dry-run checks everything and writes nothing', async () => {
  const a = makePerson();
  const b = makePerson();
  const rows = [rowFor(a), rowFor(b, { serial: '000000' === b.serial ? '999999' : '000000' })];
  const before = checksum();
  const dry = await runImport(toCsv(rows), { args: ['--dry-run'], report: false });
  assert.equal(dry.status, 1, dry.stderr);
  assert.deepEqual(dry.report.map((x) => x.result), ['would_import', 'refused']);
  assert.match(dry.report[0].reason_en, /would be imported/);
  assert.match(dry.stderr, /dry run/);
  assert.equal(checksum(), before, 'a dry run writes nothing');
  assert.equal(appCount([a.nid, b.nid]), 0);
  const real = await runImport(toCsv([rows[0]]), { report: false });
  assert.equal(real.status, 0, real.stderr);
  assert.deepEqual(real.report.map((x) => x.result), ['imported']);
  assert.match(real.stderr, /^imported 1, already 0, refused 0$/m);
});

// ------------------------------------------------------------------ idempotence

test('running the same file twice changes nothing the second time: every row is "already imported"', async () => {
  const people = [makePerson(), makePerson({ gender: 'female', birth: '1375/12/30' }), makePerson({ birth: '1340/07/01' })];
  const rows = people.map((p, i) => rowFor(p, i === 1 ? { can_leave_home: '' } : {}));
  const csv = toCsv(rows);
  const first = await runImport(csv);
  assert.equal(first.status, 0, first.stderr);
  assert.deepEqual(first.report.map((x) => x.result), ['imported', 'imported', 'imported']);
  const snapshot = checksum();
  const apps = people.map((p) => sql(`SELECT * FROM application WHERE national_id = ${q(p.nid)}`));
  const second = await runImport(csv);
  assert.equal(second.status, 0, second.stderr);
  assert.deepEqual(second.report.map((x) => x.result), ['already_imported', 'already_imported', 'already_imported']);
  assert.match(second.stderr, /^imported 0, already 3, refused 0$/m);
  assert.equal(checksum(), snapshot, 'the second run changed the application table');
  assert.deepEqual(people.map((p) => sql(`SELECT * FROM application WHERE national_id = ${q(p.nid)}`)), apps);
  // A portal_ref already imported for someone else is refused, not overwritten.
  const stranger = makePerson();
  const clash = await runImport(toCsv([rowFor(stranger, { portal_ref: rows[0].portal_ref.toLowerCase() })]));
  assert.equal(clash.status, 1);
  assert.match(clash.report[0].reason_en, /^PORTAL_REF_CONFLICT:/);
  assert.equal(appCount([stranger.nid]), 0);
  assert.equal(checksum(), snapshot);
});

// ------------------------------------------------------------------ then like any other application

test('an imported citizen logs in on the first page and continues: next = appointment with the imported details', async () => {
  const full = makePerson({ birth: '1366/02/11', gender: 'female' });
  const partial = makePerson({ birth: '1380/10/10', gender: 'male' });
  const rows = [
    rowFor(full, { religion: 'زرتشتی', mother_name: 'پروین', mobile: '09351112233' }),
    rowFor(partial, { can_leave_home: '', can_climb_stairs: '', pupils_visible: '', fingers_intact: '' }),
  ];
  const r = await runImport(toCsv(rows));
  assert.equal(r.status, 0, r.stderr);

  const c = new Client();
  const l = await login(c, full);
  assert.equal(l.json.next, 'appointment');
  const app = l.json.application;
  assert.equal(app.stage, 'details_done');
  assert.deepEqual(app.details, {
    birth_date_solar: '1366/02/11', birth_date_lunar: await lunarFor(c, full.birth), gender: 'female',
    religion: 'zoroastrian', mother_name: 'پروین', mobile: '09351112233',
  });
  assert.deepEqual(app.needs, { can_leave_home: true, can_climb_stairs: true, pupils_visible: true, fingers_intact: true });
  assert.ok(app.allowed_operations.includes('change_appointment'));
  assert.equal(app.payment.state, 'none');
  // It books like any other application (the city does not matter for booking; a
  // long-lived dev stack may have used up the free city codes).
  let city = '041';
  try { city = newCityCode(); } catch { /* keep 041 */ }
  const office = makeOffice({ cityCode: city, name: 'دفتر آزمون انتقال' });
  const day = nextWorkingDay(new Date((await serverNow()).getTime() + 4 * DAY));
  const b = await c.post('/api/v1/application/appointment', { office_id: office, date: jalali(day), shift: 'morning' });
  assert.equal(b.status, 200, b.text);
  assert.equal(b.json.application.stage, 'reserved');
  assert.equal(b.json.application.next, 'confirm');

  // Needs missing: the details page, with the details already there; answering the four
  // questions moves it on as on the site.
  const c2 = new Client();
  const l2 = await login(c2, partial);
  assert.equal(l2.json.next, 'details');
  assert.equal(l2.json.application.stage, 'entered');
  assert.equal(l2.json.application.details.mother_name, 'زهرا');
  assert.equal(l2.json.application.needs, null);
  const n = await answerNeeds(c2);
  assert.equal(n.status, 200, n.text);
  assert.equal(n.json.application.stage, 'details_done');
  assert.equal(n.json.application.next, 'appointment');
  // And the citizen may still edit the details.
  const d = await fillDetails(c2, partial, { mother_name: 'مریم' });
  assert.equal(d.status, 200, d.text);
  assert.equal(d.json.application.details.mother_name, 'مریم');
  // The site's changes are not undone by importing the file again.
  const again = await runImport(toCsv(rows));
  assert.deepEqual(again.report.map((x) => x.result), ['already_imported', 'already_imported']);
  assert.equal(appOf(partial.nid).mother_name, 'مریم');
  assert.equal(appOf(full.nid).stage, 'reserved');
});

// ------------------------------------------------------------------ nothing half-written

test('a row whose write fails midway is rolled back whole; the rows around it are imported', async () => {
  const [a, b, c] = [makePerson(), makePerson(), makePerson()];
  const failRef = `FAIL-${RUN}-${++seq}`;
  const rows = [rowFor(a), rowFor(b, { portal_ref: failRef }), rowFor(c)];
  // The INSERT goes in, then the statement's second step (an AFTER INSERT trigger) fails:
  // the row's transaction must leave nothing.
  sql(`DELIMITER //
CREATE TRIGGER ${TRIGGER} AFTER INSERT ON application FOR EACH ROW
BEGIN
  IF NEW.legacy_ref = ${q(failRef)} THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected failure for ${b.nid}';
  END IF;
END//
DELIMITER ;`);
  let r;
  try {
    r = await runImport(toCsv(rows));
  } finally {
    sql(`DROP TRIGGER IF EXISTS ${TRIGGER}`);
  }
  assert.equal(r.status, 1, r.stderr);
  assert.deepEqual(r.report.map((x) => x.result), ['imported', 'db_error', 'imported']);
  assert.match(r.report[1].reason_en, /^DB_ERROR: .*injected failure/);
  assert.ok(!r.report[1].reason_en.includes(b.nid), 'the database message is masked too');
  assert.equal(appCount([b.nid]), 0, 'nothing of the failed row');
  assert.equal(sql1(`SELECT COUNT(*) FROM application WHERE legacy_ref = ${q(failRef)}`), '0');
  assert.equal(appCount([a.nid, c.nid]), 2);
  // Once the cause is gone, the same file completes the import.
  const again = await runImport(toCsv(rows));
  assert.equal(again.status, 0, again.stderr);
  assert.deepEqual(again.report.map((x) => x.result), ['already_imported', 'imported', 'already_imported']);
  assert.equal(appOf(b.nid).legacy_ref, failRef);
});

// ------------------------------------------------------------------ usage and input errors

test('usage, configuration and header errors exit 2 and write nothing', async () => {
  const p = makePerson();
  const before = checksum();
  const noSerial = toCsv([rowFor(p)], { header: HEADER.filter((h) => h !== 'serial' && h !== 'mobile') });
  const r = await runImport(noSerial);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /required column\(s\) missing from the header: serial, mobile/);
  const twice = await runImport(toCsv([rowFor(p)], { header: [...HEADER, 'Serial'] }));
  assert.equal(twice.status, 2);
  assert.match(twice.stderr, /column serial appears twice/);
  const empty = await runImport('');
  assert.equal(empty.status, 2);
  assert.match(empty.stderr, /header row is required/);
  const badNow = await runImport(toCsv([rowFor(p)]), { now: false, args: ['--now', 'tomorrow'] });
  assert.equal(badNow.status, 2);
  const run = (args) => spawnSync(BIN, args, { encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1' } });
  const usage = run([]);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /usage: crs-import/);
  assert.doesNotMatch(usage.stderr, SANITIZER);
  assert.equal(run(['-c', CONF, path.join(TMP, 'missing.csv')]).status, 2);
  assert.equal(run(['-c', path.join(TMP, 'missing.conf'), path.join(TMP, 'x.csv')]).status, 2);
  const badDb = path.join(TMP, 'bad-db.conf');
  fs.writeFileSync(badDb, '[db]\nsocket = /nonexistent/mysql.sock\nuser = root\ndatabase = crs\n');
  const good = path.join(TMP, 'one.csv');
  fs.writeFileSync(good, toCsv([rowFor(p)]));
  const conn = run(['-c', badDb, good]);
  assert.equal(conn.status, 2, conn.stderr);
  assert.match(conn.stderr, /connect/);
  // A report path that is the input would truncate it: refused, the input intact.
  const same = path.join(TMP, 'same.csv');
  const sameText = toCsv([rowFor(p)]);
  fs.writeFileSync(same, sameText);
  assert.equal(run(['-c', CONF, same, '--report', same]).status, 2);
  assert.equal(fs.readFileSync(same, 'utf8'), sameText);
  assert.equal(run(['--help']).status, 0);
  assert.equal(checksum(), before);
  assert.equal(appCount([p.nid]), 0);
});

// ------------------------------------------------------------------ streaming

test('the file is streamed: 200,000 rows take no more memory than 1,000', { timeout: 300000 }, async (t) => {
  if (!fs.existsSync('/usr/bin/time')) {
    t.skip('no /usr/bin/time');
    return;
  }
  // Rows refused before the database (a wrong check digit): volume without database load.
  const write = (n) => {
    const file = path.join(TMP, `big-${n}.csv`);
    const fd = fs.openSync(file, 'w');
    fs.writeSync(fd, `${HEADER.join(',')}\n`);
    let chunk = '';
    for (let i = 0; i < n; i++) {
      chunk += `B${i},0013660422,377899,1367/12/23,female,islam,"مریم",09121234567,yes,yes,yes,yes\n`;
      if (chunk.length > 1 << 20) { fs.writeSync(fd, chunk); chunk = ''; }
    }
    fs.writeSync(fd, chunk);
    fs.closeSync(fd);
    return file;
  };
  const rss = (file, n) => {
    const out = path.join(TMP, `big-report-${n}.csv`);
    const r = spawnSync('/usr/bin/time', ['-f', 'MAXRSS %M', BIN, '-c', CONF, file, '--report', out], {
      encoding: 'utf8',
      env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:quarantine_size_mb=1' },
      maxBuffer: 1 << 26,
    });
    assert.equal(r.status, 1, r.stderr.slice(-2000));
    assert.doesNotMatch(r.stderr, SANITIZER);
    assert.match(r.stderr, new RegExp(`imported 0, already 0, refused ${n}`));
    const lines = fs.readFileSync(out, 'utf8').split('\r\n').length - 2;
    assert.equal(lines, n);
    return Number(/MAXRSS (\d+)/.exec(r.stderr)[1]);
  };
  const small = rss(write(1000), 1000);
  const big = rss(write(200000), 200000);
  const bigFile = fs.statSync(path.join(TMP, 'big-200000.csv')).size;
  assert.ok(big - small < 8 * 1024, `max RSS grew by ${big - small} KB for a ${Math.round(bigFile / 1024)} KB file`);
});
