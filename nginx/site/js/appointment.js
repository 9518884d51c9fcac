// Choosing the office and time: GET /api/v1/offices → a table → POST /api/v1/application/appointment.
import {
  api, initChrome, loadApplication, applyOperations, clearErrors, showError, showApiError, handleAuth, busy,
  el, $, $$, facts, pageMessage, toFa, faNumber, digitsOf, todayJalali, jalaliOf, jalaliToDate, daysInMonth,
  ymd, formatSolar, SOLAR_MONTHS, SHIFTS, OFFICE_TYPES, pageFor,
} from './common.js';

const search = $('#search');
const choose = $('#choose');
const day = $('#date-day');
const month = $('#date-month');
const year = $('#date-year');
const rowsBody = $('#rows');
let searched = null;            // {date, city_code, phone} of the rows shown

function option(value, text) { return el('option', { value }, text); }

function fillDays() {
  const keep = day.value;
  const n = daysInMonth(Number(year.value), Number(month.value));
  day.replaceChildren();
  for (let d = 1; d <= n; d++) day.append(option(String(d), toFa(d)));
  day.value = keep && Number(keep) <= n ? keep : String(n);
}

function buildDate(firstDay) {
  const t = todayJalali();
  for (const y of [t.y, t.y + 1]) year.append(option(String(y), toFa(y)));
  for (let m = 1; m <= 12; m++) month.append(option(String(m), `${toFa(m)} - ${SOLAR_MONTHS[m - 1]}`));
  const start = jalaliOf(new Date(jalaliToDate(t.y, t.m, t.d).getTime() + firstDay * 86400000));
  if (![...year.options].some((o) => o.value === String(start.y))) year.append(option(String(start.y), toFa(start.y)));
  year.value = String(start.y);
  month.value = String(start.m);
  fillDays();
  day.value = String(start.d);
  month.addEventListener('change', fillDays);
  year.addEventListener('change', fillDays);
}

function dateValue() {
  return ymd({ y: Number(year.value), m: Number(month.value), d: Number(day.value) });
}

function renderRows(rows) {
  rowsBody.replaceChildren();
  rows.forEach((r, i) => {
    const value = `${r.office_id}/${r.shift}`;
    const id = `slot-${i}`;
    const full = Number(r.free) <= 0;
    const radio = el('input', { type: 'radio', name: 'slot', id, value, 'data-office': r.office_id, 'data-shift': r.shift, disabled: full });
    const tr = el('tr', { class: full ? 'full' : null },
      el('td', { class: 'pick' }, el('label', { for: id }, radio, el('span', { text: full ? 'تکمیل' : 'انتخاب' }))),
      el('td', { 'data-label': 'نام دفتر' }, el('strong', { text: r.name })),
      el('td', { 'data-label': 'نوع', text: OFFICE_TYPES[r.type] || r.type }),
      el('td', { 'data-label': 'نشانی', text: toFa(r.address) }),
      el('td', { 'data-label': 'تلفن' }, el('span', { class: 'ltr num', text: toFa(`${r.city_code}-${r.phone}`) })),
      el('td', { 'data-label': 'نوبت', text: SHIFTS[r.shift] || r.shift }),
      el('td', { 'data-label': 'ظرفیت آزاد', class: 'num', text: `${faNumber(r.free)} از ${faNumber(r.capacity)}` }),
      el('td', { 'data-label': 'درصد آزاد', class: 'num' },
        el('meter', { min: '0', max: '100', value: String(r.free_pct), 'aria-hidden': 'true' }), ` ${faNumber(r.free_pct)}٪`));
    tr.addEventListener('click', (ev) => {
      if (ev.target !== radio && !radio.disabled) { radio.checked = true; radio.dispatchEvent(new Event('change', { bubbles: true })); }
    });
    rowsBody.append(tr);
  });
}

rowsBody.addEventListener('change', () => {
  for (const tr of $$('tr', rowsBody)) tr.classList.toggle('chosen', !!$('input:checked', tr));
});

async function runSearch() {
  clearErrors(search);
  clearErrors(choose);
  const q = { date: dateValue(), city_code: digitsOf(search.city_code.value), phone: digitsOf(search.phone.value) };
  if (!q.city_code) return showError(search, 'کد تلفن شهر را وارد کنید؛ مانند ۰۴۱.', 'city_code');
  if (!q.phone) return showError(search, 'شماره‌ی تلفن ثابت محل سکونت را وارد کنید.', 'phone');
  search.date.value = q.date;
  const button = search.querySelector('button[type=submit]');
  busy(button, true);
  const res = await api('GET', `/api/v1/offices?${new URLSearchParams(q)}`);
  busy(button, false);
  if (!res.ok) { choose.hidden = true; return showApiError(search, res); }
  searched = q;
  const rows = res.data.rows || [];
  if (!rows.length) {
    choose.hidden = true;
    return showError(search, `در تاریخ ${formatSolar(q.date)} دفتری با ظرفیت آزاد و متناسب با شرایط شما در این شهر پیدا نشد. تاریخ دیگری را امتحان کنید.`);
  }
  renderRows(rows);
  $('#offices-title').textContent = `دفاتر پیشنهادی برای ${formatSolar(q.date, { weekday: true })}`;
  choose.hidden = false;
  $('#offices-title').scrollIntoView({ block: 'start' });
}

search.addEventListener('submit', (ev) => { ev.preventDefault(); runSearch(); });

choose.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  clearErrors(choose);
  const picked = $('input[name=slot]:checked', choose);
  if (!picked) return showError(choose, 'یکی از ردیف‌های فهرست را انتخاب کنید.', 'slot');
  choose.office_id.value = picked.dataset.office;
  choose.shift.value = picked.dataset.shift;
  const button = choose.querySelector('button[type=submit]');
  busy(button, true);
  const res = await api('POST', '/api/v1/application/appointment', {
    office_id: Number(picked.dataset.office), date: searched.date, shift: picked.dataset.shift,
  });
  if (res.ok) {
    location.assign(pageFor(res.data.application.next));
    return;
  }
  busy(button, false);
  if (handleAuth(res)) return;
  if (['date', 'city_code', 'phone'].includes(res.error.field)) return showError(search, res.error.message, res.error.field);
  if (res.error.code === 'SLOT_FULL') {
    // Someone took the last place meanwhile: show the list as it is now, then say so.
    const message = res.error.message;
    await runSearch();
    if (!choose.hidden) showError(choose, message, 'slot');
    else showError(search, message);
    return;
  }
  showError(choose, res.error.message, res.error.field);
});

(async () => {
  initChrome();
  const app = await loadApplication();
  if (!app) return;
  applyOperations(app);
  const ops = app.allowed_operations || [];
  if (app.next !== 'appointment' && !ops.includes('change_appointment')) {
    const why = app.next === 'details'
      ? 'ابتدا مشخصات فردی و پرسش‌های تکمیل ثبت‌نام خاص را کامل کنید. '
      : 'تکمیل ثبت‌نام شما آغاز شده است و دیگر نمی‌توانید دفتر و زمان را تغییر دهید. ';
    pageMessage(el('span', {}, why, el('a', { href: pageFor(app.next) }, 'ادامه')), 'warn');
    return;
  }
  const notes = [];
  if (app.next === 'appointment' && app.payment?.state === 'verified') {
    notes.push(['success', 'پرداخت شما با موفقیت انجام شده است و نیازی به پرداخت دوباره نیست؛ فقط زمان و دفتر تکمیل ثبت‌نام را دوباره انتخاب کنید. پس از آن رسید شما صادر می‌شود.']);
  } else if (app.next === 'appointment' && ['expired', 'failed'].includes(app.payment?.state)) {
    notes.push(['warn', 'مهلت نگه‌داری نوبت یا پرداخت قبلی به پایان رسیده است. دوباره زمان و دفتر را انتخاب کنید، سپس پرداخت و تأیید نهایی را انجام دهید.']);
  }
  if (app.no_show_until) {
    notes.push(['error', `به دلیل حاضر نشدن در نوبت قبلی، تا ${formatSolar(app.no_show_until)} امکان گرفتن نوبت تازه ندارید.`]);
  }
  if (notes.length) pageMessage(el('span', {}, ...notes.map(([, t]) => el('p', { text: t }))), notes[0][0]);
  const a = app.appointment;
  if (a) {
    $('#current').hidden = false;
    $('#current-facts').replaceWith(facts([
      ['دفتر', a.office_name],
      ['نشانی', toFa(a.address)],
      ['تاریخ', formatSolar(a.date, { weekday: true })],
      ['نوبت', SHIFTS[a.shift] || a.shift],
    ]));
    if (a.city_code) search.city_code.value = toFa(a.city_code);
  }
  // Citizens served at home (first question "no") wait longer: start two weeks ahead.
  buildDate(app.needs && app.needs.can_leave_home === false ? 14 : 1);
  search.hidden = false;
})();
