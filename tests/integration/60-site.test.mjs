// The citizen web site (nginx/site) in a real browser: Debian's Chromium driven by
// playwright-core (never a downloaded browser). The whole journey of SPEC §3 through the
// pages, errors shown next to their fields, a cancelled payment, the public receipt check,
// the status page, a slot taken meanwhile, and editing details after paying. Every page is
// checked for script errors and CSP violations. Screenshots: $CRS_STACK_DIR/artifacts/site-*.png.
// expect: 7 tests
import assert from 'node:assert/strict';
import { test, before, after } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { BASE, STACK_DIR, admin, sql, sql1, q, mails, waitFor } from '../lib/stack.mjs';
import {
  DAY, jalali, serverNow, nextWorkingDay, makePerson, makeOffice, newCityCode, readyCitizen,
} from '../lib/citizens.mjs';
import { openBank, press, deliver } from '../lib/bank.mjs';

const ART = path.join(STACK_DIR, 'artifacts');
const FA = '۰۱۲۳۴۵۶۷۸۹';
const fa = (s) => String(s).replace(/[0-9]/g, (d) => FA[d]);

let browser;
let office;        // one office in a fresh city code: the list is predictable
let city;
let date;          // a working day ahead, Jalali 'YYYY/MM/DD'

before(async () => {
  fs.mkdirSync(ART, { recursive: true });
  for (const m of ['registration', 'pay_sadad', 'pay_parsian']) {
    const r = await admin('POST', `/admin/v1/modules/${m}/enable`);
    assert.equal(r.status, 200, r.text);
  }
  city = newCityCode();
  office = makeOffice({ name: 'دفتر پیشخوان دولت آزمون سایت', cityCode: city, phone: '33441234', morning: 30, evening: 20 });
  const now = await serverNow();
  date = jalali(nextWorkingDay(new Date(now.getTime() + 2 * DAY)));
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
});

/** A fresh browser context (its own cookies and sessionStorage) and page. Page errors and
 *  CSP violations are collected in page.problems. */
async function newPage({ width = 1280, height = 900 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'fa-IR', acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) page.problems.push(m.text());
  });
  return page;
}

/** Runs fn(page) in a fresh context; on failure keeps a screenshot (site-FAILED-…png). */
async function withPage(name, opts, fn) {
  const page = await newPage(opts);
  try {
    await fn(page);
    assert.deepEqual(page.problems, [], 'no script errors, no CSP violations');
  } catch (e) {
    await page.screenshot({ path: path.join(ART, `site-FAILED-${name}.png`), fullPage: true }).catch(() => {});
    throw e;
  } finally {
    await page.context().close();
  }
}

/** Hands a citizen logged in through the API (a Client) to the browser: its session cookie
 *  and its CSRF token (sessionStorage, as the first page stores it). */
async function adopt(page, client) {
  await page.context().addCookies([{ name: 'crs_session', value: client.session, url: BASE, httpOnly: true, sameSite: 'Strict' }]);
  await page.context().addInitScript(({ token, origin }) => {
    if (location.origin === origin) sessionStorage.setItem('crs.csrf', token);
  }, { token: client.csrf, origin: new URL(BASE).origin });
}

async function shot(page, name, opts = {}) {
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: path.join(ART, `site-${name}.png`), fullPage: true, ...opts });
}

/** The answer of the captcha the page shows (its id is in input[name=captcha_id]). */
async function captchaAnswer(page, previousId = '') {
  await page.waitForFunction((prev) => {
    const v = document.querySelector('input[name=captcha_id]').value;
    return v && v !== prev && document.querySelector('#captcha-image').complete;
  }, previousId);
  const id = await page.inputValue('input[name=captcha_id]');
  const answer = sql1(`SELECT answer FROM captcha_challenge WHERE id = ${q(id)}`);
  assert.ok(answer !== undefined, `captcha ${id} in the database`);
  return { id, answer };
}

/** The first page: national ID in Persian digits, serial, captcha → the page `next` names. */
async function login(page, person, name) {
  await page.goto(`${BASE}/index.html`);
  const { answer } = await captchaAnswer(page);
  await page.fill('input[name=national_id]', fa(person.nid));
  await page.fill('input[name=serial]', person.serial);
  await page.fill('input[name=captcha_answer]', fa(answer));
  if (name) await shot(page, name);
  await page.click('form#login button[type=submit]');
  await page.waitForURL(/\/details\.html$/);
}

async function fillDetails(page, person, name) {
  const [y, m, d] = person.birth.split('/').map(Number);
  await page.waitForSelector('form#details:not([hidden])');
  assert.match(await page.textContent('main'), new RegExp(fa(person.nid)), 'the national ID in Persian digits');
  await page.selectOption('#solar-year', String(y));
  await page.selectOption('#solar-month', String(m));
  await page.selectOption('#solar-day', String(d));
  // The lunar list is filled from /api/v1/lunar-options: five dates, the middle one chosen.
  await page.waitForFunction(() => {
    const s = document.querySelector('select[name=birth_date_lunar]');
    return !s.disabled && s.options.length === 5;
  });
  const lunar = await page.$eval('select[name=birth_date_lunar]', (s) => ({ index: s.selectedIndex, value: s.value, text: s.options[s.selectedIndex].text }));
  assert.equal(lunar.index, 2, 'the computed lunar date is preselected');
  assert.match(lunar.value, /^\d{4}\/\d{2}\/\d{2}$/);
  assert.match(lunar.text, /^[۰-۹]+ \S+ [۰-۹]{4}$/, `lunar option shown in Persian: ${lunar.text}`);
  await page.check(`input[name=gender][value=${person.gender}]`);
  await page.selectOption('select[name=religion]', 'islam');
  await page.fill('input[name=mother_name]', 'شهرزاد');
  await page.fill('input[name=mobile]', '۰۹۱۴۵۱۲۸۱۳۶');
  for (const n of ['can_leave_home', 'can_climb_stairs', 'pupils_visible', 'fingers_intact']) {
    await page.check(`input[name=${n}][value=true]`);
  }
  if (name) await shot(page, name);
  await page.click('form#details button[type=submit]');
  await page.waitForURL(/\/appointment\.html$/);
}

async function chooseAppointment(page, name) {
  const [y, m, d] = date.split('/').map(Number);
  await page.waitForSelector('form#search:not([hidden])');
  await page.selectOption('#date-year', String(y));
  await page.selectOption('#date-month', String(m));
  await page.selectOption('#date-day', String(d));
  await page.fill('input[name=city_code]', fa(city));
  await page.fill('input[name=phone]', '33445566');
  await page.click('form#search button[type=submit]');
  await page.waitForSelector('form#choose:not([hidden]) input[name=slot]');
  const rows = await page.$$eval('#rows tr', (trs) => trs.map((tr) => tr.textContent));
  assert.equal(rows.length, 2, 'morning and evening rows of our office');
  assert.match(rows[0], /دفتر پیشخوان دولت آزمون سایت/);
  assert.match(rows.join(' '), /صبح/);
  assert.match(rows.join(' '), /عصر/);
  assert.match(rows.join(' '), /۱۰۰٪/);
  await page.check(`input[name=slot][value="${office}/morning"]`);
  if (name) await shot(page, name);
  await page.click('form#choose button[type=submit]');
  await page.waitForURL(/\/confirm\.html$/);
}

/** On the confirm page: choose a gateway, submit, land on the simulator's page. */
async function toBank(page, gateway, name) {
  await page.waitForSelector('#review:not([hidden]) input[name=gateway]');
  const main = await page.textContent('main');
  assert.match(main, /۲۰۰٬۰۰۰ ریال/, 'the fee in rial, Persian digits');
  assert.match(main, /۲۰٬۰۰۰ تومان/, 'and in toman');
  assert.match(main, /شهرزاد/);
  if (name) await shot(page, name);
  await page.check(`input[name=gateway][value=${gateway}]`);
  await Promise.all([
    page.waitForURL((u) => u.port === (gateway === 'sadad' ? '8091' : '8092') || !u.href.startsWith(BASE)),
    page.click('form#pay button[type=submit]'),
  ]);
  await page.waitForSelector('button[name=action][value=pay]');
}

test('the whole journey in the browser: first page → details → appointment → confirm → Sadad → result → receipt', async () => {
  await withPage('journey', {}, async (page) => {
    const person = makePerson({ birth: '1369/03/19', gender: 'female' });
    await login(page, person, 'index');
    await fillDetails(page, person, 'details');
    await chooseAppointment(page, 'appointment');
    await toBank(page, 'sadad', 'confirm');
    await shot(page, 'bank-sadad');
    await page.click('button[name=action][value=pay]');
    // The simulator answers with an auto-submitting form: callback → 303 → result.html.
    await page.waitForURL(/\/result\.html\?payment=\d+$/);
    await page.waitForSelector('#status[data-state]');
    assert.equal(await page.getAttribute('#status', 'data-state'), 'verified');
    assert.match(await page.textContent('#status'), /موفقیت/);
    await page.waitForSelector('#next-link');
    await shot(page, 'result');
    assert.equal(await page.getAttribute('#next-link', 'data-next'), 'receipt');
    await page.click('#next-link');
    await page.waitForURL(/\/receipt\.html$/);

    // The receipt: tracking code in Persian digits, the QR, the print stylesheet.
    await page.waitForSelector('#receipt:not([hidden])');
    const code = sql1(`SELECT tracking_code FROM application WHERE national_id = ${q(person.nid)}`);
    assert.match(code, /^\d{9}$/);
    assert.equal((await page.textContent('#tracking-code')).trim(), fa(code));
    const text = await page.textContent('#receipt');
    assert.match(text, new RegExp(fa(person.nid)));
    assert.match(text, /دفتر پیشخوان دولت آزمون سایت/);
    assert.match(text, /موفق/);
    assert.ok(await page.$('#qr svg path'), 'a QR code');
    await shot(page, 'receipt');
    const printHref = await page.getAttribute('link[rel=stylesheet][media=print]', 'href');
    assert.equal(printHref, '/print.css');
    const css = await page.evaluate(async (h) => (await fetch(h)).text(), printHref);
    assert.match(css, /@page/);
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.$eval('#tools', (n) => getComputedStyle(n).display), 'none', 'tools are not printed');
    assert.equal(await page.$eval('header.site', (n) => getComputedStyle(n).display), 'none', 'the site header is not printed');
    assert.notEqual(await page.$eval('#receipt', (n) => getComputedStyle(n).display), 'none');
    await shot(page, 'receipt-print');
    await page.pdf({ path: path.join(ART, 'site-receipt-print.pdf'), format: 'A4', printBackground: true });
    await page.emulateMedia({ media: 'screen' });

    // Save as file: the API answers with an attachment.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save-html')]);
    assert.equal(download.suggestedFilename(), `crs-receipt-${code}.html`);

    // E-mail.
    const addr = `site-${person.nid}@example.com`;
    await page.fill('input[name=email]', addr);
    await page.click('form#email-form button[type=submit]');
    await page.waitForFunction(() => /فرستاده شد/.test(document.querySelector('#email-status').textContent));
    const mail = await waitFor(() => mails().find((m) => m.to.includes(addr)), 15000, { message: `a mail to ${addr}` });
    assert.match(mail.subject, /رسید/);
    assert.ok(mail.text.includes(fa(code)), 'the tracking code in the mail, Persian digits');
    assert.ok(mail.attachments.some((a) => a.filename === `crs-receipt-${code}.pdf`), 'the PDF receipt attached');

    // Small screens: the same receipt on a phone.
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'receipt-mobile');

    // Logout: back to the first page; the session is gone.
    await page.click('[data-logout]');
    await page.waitForURL(/\/index\.html$/);
    await page.waitForSelector('#page-message:not([hidden])');
    assert.match(await page.textContent('#page-message'), /خارج شدید/);
    await page.goto(`${BASE}/receipt.html`);
    await page.waitForURL(/\/index\.html$/);
    await page.waitForSelector('#page-message:not([hidden])');
    assert.match(await page.textContent('#page-message'), /وارد (سامانه )?شوید/, 'SESSION_REQUIRED message');
  });
});

test('errors are shown in Persian next to the field the API names: captcha, national ID', async () => {
  await withPage('errors', { width: 390, height: 844 }, async (page) => {
    const person = makePerson();
    await page.goto(`${BASE}/index.html`);
    const first = await captchaAnswer(page);
    await page.fill('input[name=national_id]', person.nid);
    await page.fill('input[name=serial]', fa(person.serial));
    await page.fill('input[name=captcha_answer]', String((Number(first.answer) + 1) % 100));
    await page.click('form#login button[type=submit]');
    const err = page.locator('fieldset[data-field=captcha_answer] .field-error');
    await err.waitFor({ state: 'visible' });
    assert.match(await err.textContent(), /پاسخ سؤال امنیتی درست نیست/);
    assert.equal(await page.getAttribute('#captcha_answer', 'aria-invalid'), 'true');
    assert.match(await page.getAttribute('#captcha_answer', 'aria-describedby'), /captcha_answer-error/);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'captcha_answer', 'focus on the field to fix');
    assert.ok(await page.locator('[data-field=national_id] .field-error').isHidden(), 'no error on other fields');
    // A new question was drawn (a captcha is single use).
    const second = await captchaAnswer(page, first.id);
    assert.notEqual(second.id, first.id);
    await shot(page, 'index-error-mobile');

    // A national ID with a wrong check digit: the message goes next to the national ID.
    const bad = person.nid.slice(0, 9) + ((Number(person.nid[9]) + 1) % 10);
    await page.fill('input[name=national_id]', bad);
    await page.fill('input[name=captcha_answer]', second.answer);
    await page.click('form#login button[type=submit]');
    const nidErr = page.locator('[data-field=national_id] .field-error');
    await nidErr.waitFor({ state: 'visible' });
    assert.match(await nidErr.textContent(), /شماره ملی معتبر نیست/);
    assert.ok(await page.locator('fieldset[data-field=captcha_answer] .field-error').isHidden(), 'the old error is cleared');
  });
});

test('a payment cancelled at the Parsian simulator brings the citizen back to confirm', async () => {
  await withPage('cancel', {}, async (page) => {
    const person = makePerson({ birth: '1375/11/02', gender: 'male' });
    await login(page, person);
    await fillDetails(page, person);
    await chooseAppointment(page);
    await toBank(page, 'parsian');
    await shot(page, 'bank-parsian');
    await page.click('button[name=action][value=cancel]');
    await page.waitForURL(/\/result\.html\?payment=\d+$/);
    await page.waitForSelector('#status[data-state]');
    assert.equal(await page.getAttribute('#status', 'data-state'), 'failed');
    assert.match(await page.textContent('#status'), /۷۲/, 'the 72-hour refund rule, in Persian digits');
    await page.waitForSelector('#next-link');
    assert.equal(await page.getAttribute('#next-link', 'data-next'), 'confirm');
    await shot(page, 'result-cancelled');
    await page.click('#next-link');
    await page.waitForURL(/\/confirm\.html$/);
    await page.waitForSelector('#review:not([hidden]) input[name=gateway]');
    assert.match(await page.textContent('#page-message'), /پرداخت قبلی شما انجام نشد/);
    assert.equal(sql1(`SELECT stage FROM application WHERE national_id = ${q(person.nid)}`), 'reserved', 'the hold stands');
    await shot(page, 'confirm-after-cancel');
  });
});

test('the public verify page says a genuine receipt is valid and a forged one is not', async () => {
  // A paid citizen, prepared through the API.
  const { person, client } = await readyCitizen();
  const b = await client.post('/api/v1/application/appointment', { office_id: office, date, shift: 'evening' });
  assert.equal(b.status, 200, b.text);
  const p = await client.post('/api/v1/payments', { gateway: 'sadad' });
  assert.equal(p.status, 201, p.text);
  await deliver(await press(await openBank(p.json.redirect), 'pay'));
  const r = await client.get('/api/v1/application/receipt');
  assert.equal(r.status, 200, r.text);
  const payload = r.json.qr_payload;
  const code = r.json.application.tracking_code;

  await withPage('verify', {}, async (page) => {
    await page.goto(`${BASE}/verify.html`);
    await page.fill('input[name=q]', payload);
    await page.click('form#verify button[type=submit]');
    await page.waitForSelector('.verify-result');
    assert.equal(await page.getAttribute('.verify-result', 'data-valid'), 'true');
    const text = await page.textContent('.verify-result');
    assert.match(text, /معتبر است/);
    assert.match(text, new RegExp(fa(code)));
    assert.ok(text.includes(fa(person.nid.slice(0, 3))) && text.includes('*'), `masked national ID: ${text}`);
    assert.doesNotMatch(text, new RegExp(fa(person.nid)), 'never the whole national ID');
    assert.match(new URL(page.url()).search, /^\?q=/, 'bookmarkable');
    await shot(page, 'verify');

    // A forged payload (another tracking code, same signature).
    const forged = payload.replace(code, code.slice(0, 8) + ((Number(code[8]) + 1) % 10));
    await page.goto(`${BASE}/verify.html?q=${encodeURIComponent(forged)}`);
    await page.waitForSelector('.verify-result');
    assert.equal(await page.getAttribute('.verify-result', 'data-valid'), 'false');
    assert.match(await page.textContent('.verify-result'), /معتبر نیست/);
    await shot(page, 'verify-forged');
  });
});

test('past completion the first page sends the citizen to the status page, which says what happens next', async () => {
  const { person, client } = await readyCitizen();
  const b = await client.post('/api/v1/application/appointment', { office_id: office, date, shift: 'morning' });
  assert.equal(b.status, 200, b.text);
  const p = await client.post('/api/v1/payments', { gateway: 'parsian' });
  await deliver(await press(await openBank(p.json.redirect), 'pay'));
  // The office API moves applications along; here the stage is set directly.
  sql(`UPDATE application SET stage = 'completion_done' WHERE national_id = ${q(person.nid)}`);
  await withPage('status', {}, async (page) => {
    await page.goto(`${BASE}/index.html`);
    const { answer } = await captchaAnswer(page);
    await page.fill('input[name=national_id]', person.nid);
    await page.fill('input[name=serial]', person.serial);
    await page.fill('input[name=captcha_answer]', answer);
    await page.click('form#login button[type=submit]');
    await page.waitForURL(/\/status\.html$/);
    await page.waitForSelector('#status-view:not([hidden])');
    assert.equal(await page.getAttribute('#stage', 'data-stage'), 'completion_done');
    assert.match(await page.textContent('#next-step'), /۱۵ روز تا یک ماه/);
    assert.match(await page.textContent('#stages li[aria-current=step]'), /صدور کارت/);
    assert.equal(await page.$$eval('#stages li.done', (l) => l.length), 2);
    await shot(page, 'status');
  });
});

test('the appointment page shows SLOT_FULL next to the list when the last place went meanwhile', async () => {
  const tiny = makeOffice({ name: 'دفتر پست آزمون ظرفیت', type: 'post', cityCode: newCityCode(), morning: 1, evening: 5 });
  const tinyCity = sql1(`SELECT city_code FROM office WHERE id = ${tiny}`);
  const { client } = await readyCitizen();
  const rival = await readyCitizen();
  await withPage('slot-full', {}, async (page) => {
    await adopt(page, client);
    await page.goto(`${BASE}/appointment.html`);
    await page.waitForSelector('form#search:not([hidden])');
    const [y, m, d] = date.split('/').map(Number);
    await page.selectOption('#date-year', String(y));
    await page.selectOption('#date-month', String(m));
    await page.selectOption('#date-day', String(d));
    await page.fill('input[name=city_code]', tinyCity);
    await page.fill('input[name=phone]', '۳۳۴۴۵۵۶۶');
    await page.click('form#search button[type=submit]');
    await page.waitForSelector(`input[name=slot][value="${tiny}/morning"]`);
    // Another citizen takes the only place before this one chooses.
    const r = await rival.client.post('/api/v1/application/appointment', { office_id: tiny, date, shift: 'morning' });
    assert.equal(r.status, 200, r.text);
    await page.check(`input[name=slot][value="${tiny}/morning"]`);
    await page.click('form#choose button[type=submit]');
    const err = page.locator('[data-field=slot] .field-error');
    await err.waitFor({ state: 'visible' });
    assert.match(await err.textContent(), /ظرفیت این نوبت تکمیل شده است/);
    assert.match(page.url(), /\/appointment\.html$/, 'the citizen stays to choose again');
    // The list was asked again: the morning is full now, the evening is still free.
    assert.ok(await page.isDisabled(`input[name=slot][value="${tiny}/morning"]`), 'a full shift cannot be chosen');
    assert.ok(await page.isEnabled(`input[name=slot][value="${tiny}/evening"]`));
    await shot(page, 'appointment-slot-full');
  });
});

test('a paid citizen edits the details: the form comes filled in and saving leads back to the receipt', async () => {
  const { person, client } = await readyCitizen({ birth: '1380/12/29', gender: 'female' });
  const b = await client.post('/api/v1/application/appointment', { office_id: office, date, shift: 'evening' });
  assert.equal(b.status, 200, b.text);
  const p = await client.post('/api/v1/payments', { gateway: 'sadad' });
  await deliver(await press(await openBank(p.json.redirect), 'pay'));
  const before = (await client.get('/api/v1/application')).json.application.details;
  await withPage('edit-details', { width: 390, height: 844 }, async (page) => {
    await adopt(page, client);
    await page.goto(`${BASE}/receipt.html`);
    await page.waitForSelector('#receipt:not([hidden])');
    await page.click('a[data-op=edit_details]:not([hidden])');
    await page.waitForURL(/\/details\.html$/);
    await page.waitForFunction(() => document.querySelector('select[name=birth_date_lunar]').options.length === 5);
    assert.equal(await page.inputValue('input[name=birth_date_solar]'), person.birth);
    assert.equal(await page.inputValue('select[name=birth_date_lunar]'), before.birth_date_lunar);
    assert.equal(await page.inputValue('select[name=religion]'), before.religion);
    assert.ok(await page.isChecked(`input[name=gender][value=${person.gender}]`));
    assert.ok(await page.isChecked('input[name=fingers_intact][value=true]'));
    await shot(page, 'details-edit-mobile');
    await page.fill('input[name=mother_name]', 'مریم');
    await page.click('form#details button[type=submit]');
    await page.waitForURL(/\/receipt\.html$/);
    await page.waitForSelector('#receipt:not([hidden])');
    assert.match(await page.textContent('#person'), /مریم/);
  });
});
