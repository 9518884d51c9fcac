// Shared helpers of the citizen site: the API client (session cookie + X-CSRF-Token),
// error display next to the field the API names, digits, Jalali/Hijri formatting, the
// page chrome (logout, steps). Vanilla ES module, no dependencies, CSP-safe (no inline
// code, no innerHTML with data).

// ------------------------------------------------------------------ digits and numbers

const FA = '۰۱۲۳۴۵۶۷۸۹';
const AR = '٠١٢٣٤٥٦٧٨٩';

/** Persian (۰–۹) and Arabic-Indic (٠–٩) digits → ASCII. */
export function toAscii(s) {
  return String(s ?? '').replace(/[۰-۹٠-٩]/g, (c) => {
    const i = FA.indexOf(c);
    return String(i >= 0 ? i : AR.indexOf(c));
  });
}

/** ASCII digits → Persian digits. */
export function toFa(s) {
  return String(s ?? '').replace(/[0-9]/g, (c) => FA[c]);
}

const numberFmt = new Intl.NumberFormat('fa-IR');
/** A number with Persian digits and thousands separators: ۲۰۰٬۰۰۰ */
export function faNumber(n) {
  return numberFmt.format(Number(n));
}

/** Only the digits of an input (any script), as ASCII. */
export function digitsOf(s) {
  return toAscii(String(s ?? '').trim()).replace(/[\s\u200c\u200f\u200e-]/g, '');
}

// ------------------------------------------------------------------ calendars

export const SOLAR_MONTHS = ['فروردین', 'اردیبهشت', 'خرداد', 'تیر', 'مرداد', 'شهریور',
  'مهر', 'آبان', 'آذر', 'دی', 'بهمن', 'اسفند'];
export const LUNAR_MONTHS = ['محرم', 'صفر', 'ربیع‌الاول', 'ربیع‌الثانی', 'جمادی‌الاول',
  'جمادی‌الثانی', 'رجب', 'شعبان', 'رمضان', 'شوال', 'ذی‌القعده', 'ذی‌الحجه'];

const DAY = 86400000;
const persianParts = new Intl.DateTimeFormat('en-US-u-ca-persian-nu-latn', {
  year: 'numeric', month: 'numeric', day: 'numeric', timeZone: 'UTC',
});

/** The Jalali {y, m, d} of a Date, read in `timeZone` (default UTC). */
export function jalaliOf(date, timeZone = 'UTC') {
  const fmt = timeZone === 'UTC' ? persianParts : new Intl.DateTimeFormat('en-US-u-ca-persian-nu-latn', {
    year: 'numeric', month: 'numeric', day: 'numeric', timeZone,
  });
  const p = Object.fromEntries(fmt.formatToParts(date).map((x) => [x.type, x.value]));
  return { y: Number(p.year), m: Number(p.month), d: Number(p.day) };
}

/** Today in Tehran, Jalali. */
export function todayJalali() {
  return jalaliOf(new Date(), 'Asia/Tehran');
}

function cmp(a, b) {
  return (a.y - b.y) || (a.m - b.m) || (a.d - b.d);
}

/** The Date (noon UTC) of a valid Jalali date. */
export function jalaliToDate(y, m, d) {
  const doy = (m <= 6 ? (m - 1) * 31 : 186 + (m - 7) * 30) + d;
  let t = Date.UTC(y + 621, 2, 20, 12) + (doy - 1) * DAY;
  const want = { y, m, d };
  for (let i = 0; i < 6; i++) {
    const c = cmp(jalaliOf(new Date(t)), want);
    if (c === 0) return new Date(t);
    t += c < 0 ? DAY : -DAY;
  }
  return new Date(t);
}

/** Days in a Jalali month (Esfand: 29, or 30 in a leap year). */
export function daysInMonth(y, m) {
  if (m <= 6) return 31;
  if (m <= 11) return 30;
  const next = new Date(jalaliToDate(y, 12, 29).getTime() + DAY);
  return jalaliOf(next).m === 12 ? 30 : 29;
}

/** 'YYYY/MM/DD' (any digits) → {y, m, d} or null. */
export function parseDate(s) {
  const m = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/.exec(toAscii(String(s ?? '').trim()));
  return m ? { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) } : null;
}

/** {y, m, d} → 'YYYY/MM/DD' (ASCII, as the API wants). */
export function ymd({ y, m, d }) {
  return `${y}/${String(m).padStart(2, '0')}/${String(d).padStart(2, '0')}`;
}

const weekdayFmt = new Intl.DateTimeFormat('fa-IR', { weekday: 'long', timeZone: 'UTC' });

/** '1405/09/02' → '۲ آذر ۱۴۰۵' (with the weekday first when asked: 'دوشنبه ۲ آذر ۱۴۰۵'). */
export function formatSolar(s, { weekday = false } = {}) {
  const p = parseDate(s);
  if (!p || p.m < 1 || p.m > 12) return toFa(s || '');
  const text = `${toFa(p.d)} ${SOLAR_MONTHS[p.m - 1]} ${toFa(p.y)}`;
  return weekday ? `${weekdayFmt.format(jalaliToDate(p.y, p.m, p.d))} ${text}` : text;
}

/** '1410/11/15' → '۱۵ ذی‌القعده ۱۴۱۰' */
export function formatLunar(s) {
  const p = parseDate(s);
  if (!p || p.m < 1 || p.m > 12) return toFa(s || '');
  return `${toFa(p.d)} ${LUNAR_MONTHS[p.m - 1]} ${toFa(p.y)}`;
}

const timeFmt = new Intl.DateTimeFormat('fa-IR', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'Asia/Tehran' });

/** An ISO instant → '۳۰ آبان ۱۴۰۵، ساعت ۲۲:۳۷' (Tehran). */
export function formatInstant(iso) {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return toFa(iso || '');
  const j = jalaliOf(t, 'Asia/Tehran');
  return `${toFa(j.d)} ${SOLAR_MONTHS[j.m - 1]} ${toFa(j.y)}، ساعت ${timeFmt.format(t)}`;
}

/** An ISO instant → '۲۲:۳۷' (Tehran). */
export function formatTime(iso) {
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? '' : timeFmt.format(t);
}

// ------------------------------------------------------------------ vocabularies

export const GENDERS = { male: 'مرد', female: 'زن' };
export const RELIGIONS = { islam: 'اسلام', christian: 'مسیحی', jewish: 'کلیمی', zoroastrian: 'زرتشتی', other: 'سایر' };
export const SHIFTS = { morning: 'صبح', evening: 'عصر' };
export const OFFICE_TYPES = { pishkhan: 'دفتر پیشخوان دولت', post: 'دفتر پست', registry: 'اداره ثبت احوال' };
export const PAYMENT_STATES = {
  none: 'پرداخت نشده', pending: 'در انتظار نتیجه بانک', verified: 'موفق', failed: 'ناموفق',
  expired: 'منقضی شده', reversed: 'برگشت داده شده',
};
export const STAGES = {
  entered: 'ورود به سامانه؛ مشخصات فردی هنوز ثبت نشده است',
  details_done: 'مشخصات فردی ثبت شده؛ نوبت هنوز انتخاب نشده است',
  reserved: 'نوبت رزرو شده؛ در انتظار پرداخت',
  paid: 'پیش‌ثبت‌نام و پرداخت انجام شده؛ در انتظار مراجعه به دفتر',
  paid_no_slot: 'پرداخت انجام شده؛ در انتظار انتخاب دوباره نوبت',
  completion_started: 'تکمیل ثبت‌نام در دفتر آغاز شده است',
  completion_done: 'تکمیل ثبت‌نام انجام شده؛ در صف صدور کارت',
  production_started: 'کارت در حال صدور است',
  card_ready: 'کارت آماده تحویل است',
  delivered: 'کارت تحویل داده شده است',
};
export const NEEDS = [
  ['can_leave_home', 'آیا سلامتی کافی برای خروج از خانه دارید؟'],
  ['can_climb_stairs', 'آیا توان حرکتی برای بالا رفتن از پله دارید؟'],
  ['pupils_visible', 'آیا مردمک هر دو چشم شما واضح دیده می‌شود؟'],
  ['fingers_intact', 'آیا همه‌ی انگشتان دست شما سه بند سالم دارند؟'],
];

/** The page of a `next` value. */
export function pageFor(next) {
  const pages = { details: '/details.html', appointment: '/appointment.html', confirm: '/confirm.html', receipt: '/receipt.html', status: '/status.html' };
  return pages[next] || '/status.html';
}

// ------------------------------------------------------------------ session storage

const CSRF_KEY = 'crs.csrf';
const FLASH_KEY = 'crs.flash';

export const csrf = {
  get: () => { try { return sessionStorage.getItem(CSRF_KEY); } catch { return null; } },
  set: (v) => { try { sessionStorage.setItem(CSRF_KEY, v); } catch { /* private mode */ } },
  clear: () => { try { sessionStorage.removeItem(CSRF_KEY); } catch { /* ignore */ } },
};

/** A message for the next page (kind: 'error' | 'info' | 'success'). */
export function flash(message, kind = 'info') {
  try { sessionStorage.setItem(FLASH_KEY, JSON.stringify({ message, kind })); } catch { /* ignore */ }
}

export function takeFlash() {
  try {
    const v = sessionStorage.getItem(FLASH_KEY);
    sessionStorage.removeItem(FLASH_KEY);
    return v ? JSON.parse(v) : null;
  } catch { return null; }
}

// ------------------------------------------------------------------ API

const NETWORK_MESSAGE = 'ارتباط با سامانه برقرار نشد. اتصال اینترنت خود را بررسی کنید و دوباره تلاش کنید.';
const GENERIC_MESSAGE = 'خطایی در سامانه رخ داد. چند لحظه بعد دوباره تلاش کنید.';

/** Calls the API. Returns {ok, status, data, error}; error is the API's
 *  {code, message, field} (message with Persian digits) or a local one. Never throws. */
export async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (!['GET', 'HEAD'].includes(method)) {
    const token = csrf.get();
    if (token) headers['x-csrf-token'] = token;
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    return { ok: false, status: 0, data: null, error: { code: 'NETWORK', message: NETWORK_MESSAGE } };
  }
  let data = null;
  if (res.status !== 204) {
    try { data = await res.json(); } catch { data = null; }
  }
  if (res.ok) return { ok: true, status: res.status, data, error: null };
  const e = (data && data.error) || {};
  return {
    ok: false, status: res.status, data,
    error: { code: e.code || `HTTP_${res.status}`, message: toFa(e.message || GENERIC_MESSAGE), field: e.field || null },
  };
}

/** Sends the citizen to the first page with a message. */
export function goLogin(message) {
  csrf.clear();
  if (message) flash(message, 'error');
  location.assign('/index.html');
}

/** For a failed call: the session is gone (401) or the CSRF token lost (403): to the
 *  first page. Returns true when it navigated away. */
export function handleAuth(res) {
  if (res.status === 401) {
    goLogin(res.error.message);
    return true;
  }
  if (res.status === 403 && res.error.code === 'CSRF_FAILED') {
    goLogin('برای امنیت بیشتر، لطفاً دوباره با شماره ملی و سریال شناسنامه وارد شوید.');
    return true;
  }
  return false;
}

/** GET /api/v1/application; on 401 to the first page. Returns the application or null. */
export async function loadApplication() {
  const res = await api('GET', '/api/v1/application');
  if (res.ok) return res.data.application;
  if (!handleAuth(res)) pageMessage(res.error.message, 'error');
  return null;
}

// ------------------------------------------------------------------ DOM

/** el('p', {class: 'x', text: '…'}, child, …) */
export function el(tag, attrs = {}, ...children) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') n.textContent = v;
    else if (k === 'class') n.className = v;
    else if (k.startsWith('on')) n.addEventListener(k.slice(2), v);
    else if (v === true) n.setAttribute(k, '');
    else n.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    n.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return n;
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

/** A definition list of [label, value] pairs (value: string or Node). */
export function facts(rows) {
  const dl = el('dl', { class: 'facts' });
  for (const [k, v] of rows) {
    if (v === null || v === undefined || v === '') continue;
    dl.append(el('div', {}, el('dt', { text: k }), el('dd', {}, v)));
  }
  return dl;
}

/** The page-level message box (#page-message, role=status/alert). */
export function pageMessage(message, kind = 'info') {
  const box = $('#page-message');
  if (!box) return;
  box.replaceChildren();
  if (!message) { box.hidden = true; return; }
  box.hidden = false;
  box.className = `notice ${kind}`;
  box.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  box.append(message instanceof Node ? message : document.createTextNode(message));
}

// ------------------------------------------------------------------ form errors

/** Removes every error shown in a form. */
export function clearErrors(form) {
  for (const box of $$('.field-error', form)) { box.textContent = ''; box.hidden = true; }
  for (const f of $$('.invalid', form)) f.classList.remove('invalid');
  for (const c of $$('[aria-invalid]', form)) c.removeAttribute('aria-invalid');
  const top = $('.form-error', form);
  if (top) { top.textContent = ''; top.hidden = true; }
}

/** Shows `message` next to the field named `field` (an element with data-field="…"
 *  holding a .field-error), or at the top of the form (.form-error). Focuses the field. */
export function showError(form, message, field) {
  const aliases = { captcha_id: 'captcha_answer', office_id: 'slot', shift: 'slot' };
  const name = aliases[field] || field;
  const wrap = name ? form.querySelector(`[data-field="${CSS.escape(name)}"]`) : null;
  const box = wrap && wrap.querySelector('.field-error');
  if (box) {
    wrap.classList.add('invalid');
    box.textContent = message;
    box.hidden = false;
    const controls = $$('input:not([type=hidden]), select, textarea', wrap);
    for (const c of controls) {
      c.setAttribute('aria-invalid', 'true');
      const ids = new Set((c.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean));
      ids.add(box.id);
      c.setAttribute('aria-describedby', [...ids].join(' '));
    }
    const first = controls.find((c) => !c.disabled);
    if (first) first.focus();
    return;
  }
  const top = $('.form-error', form);
  if (top) {
    top.textContent = message;
    top.hidden = false;
    top.focus();
  } else {
    pageMessage(message, 'error');
  }
}

/** Shows an API error of a form's request (after handleAuth). */
export function showApiError(form, res) {
  if (handleAuth(res)) return;
  showError(form, res.error.message, res.error.field);
}

/** Disables a submit button while a request runs. */
export function busy(button, on) {
  if (!button) return;
  button.disabled = on;
  button.setAttribute('aria-busy', on ? 'true' : 'false');
}

// ------------------------------------------------------------------ chrome

/** The logout link(s) and the step list. Call once per page. */
export function initChrome() {
  for (const a of $$('[data-logout]')) {
    a.addEventListener('click', async (ev) => {
      ev.preventDefault();
      await api('DELETE', '/api/v1/session');
      csrf.clear();
      flash('از سامانه خارج شدید.', 'success');
      location.assign('/index.html');
    });
  }
  const f = takeFlash();
  if (f) pageMessage(f.message, f.kind);
}

/** Shows or hides the "change appointment / edit details" kind of links by the
 *  application's allowed_operations: elements with data-op="edit_details". */
export function applyOperations(app) {
  const ops = new Set(app.allowed_operations || []);
  for (const n of $$('[data-op]')) n.hidden = !ops.has(n.dataset.op);
}
