// Receipts (SPEC §3.6, §3.9): JSON, a printable HTML document, a PDF with
// shaped Persian text and a QR code, e-mail through the SMTP sink, and the
// public check of a receipt's QR payload.
// expect: 6 tests
// date-sensitive: tests/run runs this file again with crsd's clock at 00:30 and 23:30 Tehran
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test, before } from 'node:test';
import { api, waitFor, mails, STACK_DIR } from '../lib/stack.mjs';
import {
  jalali, bookingDay, makeOffice, newCityCode, readyCitizen,
} from '../lib/citizens.mjs';
import { openBank, press, deliver } from '../lib/bank.mjs';

let paid;

before(async () => {
  const office = makeOffice({ cityCode: newCityCode(), name: 'اداره ثبت احوال <مراغه>' });
  const date = jalali(await bookingDay(4));
  const c = await readyCitizen({ birth: '1369/03/19', gender: 'female' });
  await c.client.put('/api/v1/application/details', {
    birth_date_solar: '1369/03/19', birth_date_lunar: '1410/11/15', gender: 'female',
    religion: 'islam', mother_name: 'زهرا', mobile: '09141234567',
  });
  const b = await c.client.post('/api/v1/application/appointment', { office_id: office, date, shift: 'morning' });
  assert.equal(b.status, 200, b.text);
  const p = await c.client.post('/api/v1/payments', { gateway: 'sadad' });
  assert.equal(p.status, 201, p.text);
  await deliver(await press(await openBank(p.json.redirect), 'pay'));
  paid = { ...c, date };
});

/** The codes zbarimg reads in an image. zbarimg (Debian zbar-tools) is in the
 *  stack's package list: without it the check fails, it is never skipped. */
function readQr(png) {
  const r = spawnSync('zbarimg', ['-q', '--raw', png], { encoding: 'utf8' });
  if (r.error) assert.fail(`zbarimg: ${r.error.code === 'ENOENT' ? 'not installed (Debian zbar-tools; ./stack up installs it)' : r.error.message}`);
  assert.equal(r.status, 0, `zbarimg found no code in ${png} (${r.status}): ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean);
}

test('receipt as JSON: the application, names from the registry, a signed QR payload, the prerequisites', async () => {
  const r = await paid.client.get('/api/v1/application/receipt');
  assert.equal(r.status, 200, r.text);
  assert.match(r.json.application.tracking_code, /^\d{9}$/);
  assert.equal(r.json.application.details.birth_date_lunar, '1410/11/15');
  assert.equal(r.json.application.appointment.date, paid.date, 'the day the citizen chose');
  assert.match(r.json.qr_payload, new RegExp(`^CRS1\\.${r.json.application.tracking_code}\\.\\d+\\.[0-9a-f]{24}$`));
  assert.match(r.json.prerequisites, /شناسنامه/);
  assert.equal(r.json.qr_url, `${r.json.verify_url}?q=${r.json.qr_payload}`, 'a camera opens the check');
  assert.match(r.json.issued_at, /\+03:30$/);
});

test('receipt as a standalone printable HTML document: escaped, RTL, Persian digits, print stylesheet', async () => {
  const r = await paid.client.get('/api/v1/application/receipt?format=html');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  assert.match(r.headers.get('content-disposition'), /^attachment; filename="crs-receipt-\d{9}\.html"$/);
  assert.match(r.text, /<html[^>]*lang="fa"[^>]*dir="rtl"|<html[^>]*dir="rtl"[^>]*lang="fa"/);
  assert.match(r.text, /@media print/);
  assert.ok(!r.text.includes('<مراغه>'), 'the office name is escaped');
  assert.match(r.text, /&lt;مراغه&gt;/);
  const tracking = (await paid.client.get('/api/v1/application')).json.application.tracking_code;
  const fa = tracking.replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[d]);
  assert.ok(r.text.includes(fa), 'the tracking code in Persian digits');
  assert.match(r.text, /خرداد ۱۳۶۹/);
});

test('receipt as PDF: a valid document that pdftoppm renders, whose QR code opens the receipt check', async () => {
  const res = await fetch(`${process.env.CRS_URL || 'http://127.0.0.1:8080'}/api/v1/application/receipt?format=pdf`, {
    headers: { cookie: `crs_session=${paid.client.session}` },
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  const pdf = Buffer.from(await res.arrayBuffer());
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  assert.match(pdf.subarray(-8).toString(), /%%EOF/);
  const dir = path.join(STACK_DIR, 'artifacts');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'receipt.pdf'), pdf);
  execFileSync('pdftoppm', ['-png', '-r', '60', '-singlefile', path.join(dir, 'receipt.pdf'), path.join(dir, 'receipt')]);
  const png = fs.readFileSync(path.join(dir, 'receipt.png'));
  assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  assert.ok(png.length > 20000, 'a page with content');
  const text = execFileSync('pdftotext', [path.join(dir, 'receipt.pdf'), '-'], { encoding: 'utf8' });
  assert.match(text, /رسید/);
  // What a phone's camera reads on the page: the check's address with the
  // signed payload, and that address says the receipt is genuine.
  execFileSync('pdftoppm', ['-png', '-r', '150', '-singlefile', path.join(dir, 'receipt.pdf'), path.join(dir, 'receipt-150dpi')]);
  const rc = (await paid.client.get('/api/v1/application/receipt')).json;
  const codes = readQr(path.join(dir, 'receipt-150dpi.png'));
  assert.equal(codes.length, 1, `one code on the page: ${codes}`);
  // The payload carries the receipt's issue time, so this document's differs
  // from the one a later request signs: same form, same check.
  const escaped = rc.verify_url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  assert.match(codes[0], new RegExp(`^${escaped}\\?q=CRS1\\.${rc.application.tracking_code}\\.\\d+\\.[0-9a-f]{24}$`));
  const check = await api('GET', `/api/v1/receipt-verify?${new URL(codes[0]).searchParams}`);
  assert.equal(check.json.valid, true, check.text);
  assert.equal(check.json.tracking_code, rc.application.tracking_code);
});

test('the receipt by e-mail: a PDF attachment and a text body reach the SMTP sink', async () => {
  const to = `citizen${Date.now()}@example.ir`;
  const r = await paid.client.post('/api/v1/application/receipt/email', { email: to });
  assert.equal(r.status, 202, r.text);
  const m = await waitFor(() => mails().find((x) => x.to.includes(to)), 15000);
  assert.match(m.subject, /رسید/);
  assert.match(m.text, /[۰-۹]{9}/);
  const att = m.attachments.find((a) => a.type === 'application/pdf');
  assert.ok(att, 'a PDF attachment');
  assert.equal(att.content.subarray(0, 5).toString(), '%PDF-');
  const bad = await paid.client.post('/api/v1/application/receipt/email', { email: 'no at sign' });
  assert.equal(bad.json.error.code, 'FIELD_INVALID');
  const crlf = await paid.client.post('/api/v1/application/receipt/email', { email: 'a@b.ir\r\nRCPT TO:<x@y.ir>' });
  assert.equal(crlf.json.error.code, 'FIELD_INVALID');
});

test('receipt check: a genuine QR payload is valid with the masked national ID and stage; a forged one is not', async () => {
  const rc = (await paid.client.get('/api/v1/application/receipt')).json;
  const ok = await api('GET', `/api/v1/receipt-verify?q=${encodeURIComponent(rc.qr_payload)}`);
  assert.equal(ok.status, 200);
  assert.equal(ok.json.valid, true);
  assert.equal(ok.json.tracking_code, rc.application.tracking_code);
  assert.equal(ok.json.national_id_masked, rc.application.national_id.slice(0, 3) + '******' + rc.application.national_id.slice(9));
  assert.equal(ok.json.stage, 'paid');
  assert.match(ok.json.issued_at, /\+03:30$/);
  const forged = rc.qr_payload.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
  assert.equal((await api('GET', `/api/v1/receipt-verify?q=${encodeURIComponent(forged)}`)).json.valid, false);
  const other = rc.qr_payload.replace(/^CRS1\.\d{9}/, 'CRS1.123456789');
  assert.equal((await api('GET', `/api/v1/receipt-verify?q=${encodeURIComponent(other)}`)).json.valid, false);
  assert.equal((await api('GET', '/api/v1/receipt-verify?q=junk')).json.valid, false);
});

test('no printer: the receipt can be seen again after logging in again, as often as needed', async () => {
  const again = await paid.client.get('/api/v1/application/receipt?format=pdf');
  assert.equal(again.status, 200);
  const a = (await paid.client.get('/api/v1/application')).json.application;
  assert.ok(['print_receipt', 'save_receipt', 'email_receipt'].every((x) => a.allowed_operations.includes(x)));
});
