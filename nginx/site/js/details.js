// Personal details and the four special-needs questions:
// PUT /api/v1/application/details, then PUT /api/v1/application/needs, then `next`.
import {
  api, initChrome, loadApplication, applyOperations, clearErrors, showError, showApiError, busy,
  el, $, facts, pageMessage, toFa, digitsOf, todayJalali, daysInMonth, parseDate, ymd, formatLunar,
  SOLAR_MONTHS, NEEDS, pageFor,
} from './common.js';

const form = $('#details');
const day = $('#solar-day');
const month = $('#solar-month');
const year = $('#solar-year');
const solar = $('#birth_date_solar');
const lunar = $('#birth_date_lunar');

function option(value, text, selected = false) {
  return el('option', { value, selected }, text);
}

function fillDays() {
  const keep = day.value;
  const n = year.value && month.value ? daysInMonth(Number(year.value), Number(month.value)) : 31;
  day.replaceChildren(option('', 'روز'));
  for (let d = 1; d <= n; d++) day.append(option(String(d), toFa(d)));
  if (keep && Number(keep) <= n) day.value = keep;
}

let lunarSeq = 0;
async function solarChanged(preferred) {
  fillDays();
  const complete = day.value && month.value && year.value;
  solar.value = complete ? ymd({ y: Number(year.value), m: Number(month.value), d: Number(day.value) }) : '';
  const seq = ++lunarSeq;
  if (!complete) {
    lunar.replaceChildren(option('', 'ابتدا تاریخ تولد شمسی را انتخاب کنید'));
    lunar.disabled = true;
    return;
  }
  lunar.disabled = true;
  lunar.replaceChildren(option('', 'در حال محاسبه…'));
  const res = await api('GET', `/api/v1/lunar-options?solar=${encodeURIComponent(solar.value)}`);
  if (seq !== lunarSeq) return;                      // a newer date was chosen meanwhile
  if (!res.ok) {
    lunar.replaceChildren(option('', 'تاریخ قمری محاسبه نشد'));
    showError(form, res.error.message, 'birth_date_lunar');
    return;
  }
  const opts = res.data.options || [];
  lunar.replaceChildren(...opts.map((o, i) => option(o, formatLunar(o), i === Math.floor(opts.length / 2))));
  if (preferred && opts.includes(preferred)) lunar.value = preferred;
  lunar.disabled = false;
}

function buildSelects() {
  const t = todayJalali();
  for (let m = 1; m <= 12; m++) month.append(option(String(m), `${toFa(m)} - ${SOLAR_MONTHS[m - 1]}`));
  // 15 full years or older: the youngest possible birth year is this year − 15.
  for (let y = t.y - 15; y >= t.y - 115; y--) year.append(option(String(y), toFa(y)));
  fillDays();
  for (const s of [day, month, year]) s.addEventListener('change', () => solarChanged());
}

function buildQuestions() {
  const box = $('#questions');
  for (const [name, text] of NEEDS) {
    box.append(el('fieldset', { class: 'question field', 'data-field': name },
      el('legend', { text }),
      el('div', { class: 'choices' },
        el('label', {}, el('input', { type: 'radio', name, value: 'true' }), ' بله'),
        el('label', {}, el('input', { type: 'radio', name, value: 'false' }), ' خیر')),
      el('p', { class: 'field-error', id: `${name}-error`, 'aria-live': 'polite', hidden: true })));
  }
}

function prefill(app) {
  const d = app.details;
  if (d) {
    const p = parseDate(d.birth_date_solar);
    if (p) {
      year.value = String(p.y);
      month.value = String(p.m);
      fillDays();
      day.value = String(p.d);
    }
    if (d.gender) for (const r of form.querySelectorAll('input[name=gender]')) r.checked = r.value === d.gender;
    form.religion.value = d.religion || '';
    form.mother_name.value = d.mother_name || '';
    form.mobile.value = toFa(d.mobile || '');
    solarChanged(d.birth_date_lunar);
  }
  if (app.needs) {
    for (const [name] of NEEDS) {
      const v = app.needs[name];
      if (typeof v !== 'boolean') continue;
      for (const r of form.querySelectorAll(`input[name=${name}]`)) r.checked = r.value === String(v);
    }
  }
}

function checked(name) {
  const r = form.querySelector(`input[name=${name}]:checked`);
  return r ? r.value : null;
}

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  clearErrors(form);
  if (!solar.value) return showError(form, 'روز، ماه و سال تولد شمسی را انتخاب کنید.', 'birth_date_solar');
  if (!lunar.value) return showError(form, 'تاریخ تولد قمری را از فهرست انتخاب کنید.', 'birth_date_lunar');
  if (!checked('gender')) return showError(form, 'جنسیت را انتخاب کنید.', 'gender');
  if (!form.religion.value) return showError(form, 'دین را انتخاب کنید.', 'religion');
  if (!form.mother_name.value.trim()) return showError(form, 'نام مادر را وارد کنید.', 'mother_name');
  if (!digitsOf(form.mobile.value)) return showError(form, 'شماره‌ی تلفن همراه را وارد کنید.', 'mobile');
  const needs = {};
  for (const [name] of NEEDS) {
    const v = checked(name);
    if (v === null) return showError(form, 'به این پرسش پاسخ «بله» یا «خیر» بدهید.', name);
    needs[name] = v === 'true';
  }
  const button = form.querySelector('button[type=submit]');
  busy(button, true);
  const d = await api('PUT', '/api/v1/application/details', {
    birth_date_solar: solar.value, birth_date_lunar: lunar.value, gender: checked('gender'),
    religion: form.religion.value, mother_name: form.mother_name.value.trim(), mobile: digitsOf(form.mobile.value),
  });
  if (!d.ok) { busy(button, false); return showApiError(form, d); }
  const n = await api('PUT', '/api/v1/application/needs', needs);
  if (!n.ok) { busy(button, false); return showApiError(form, n); }
  location.assign(pageFor(n.data.application.next));
});

(async () => {
  initChrome();
  const app = await loadApplication();
  if (!app) return;
  $('#who').replaceWith(facts([
    ['شماره ملی', el('span', { class: 'num' }, toFa(app.national_id))],
    ['شماره سریال', el('span', { class: 'num' }, toFa(app.serial || ''))],
  ]));
  applyOperations(app);
  if (!(app.allowed_operations || []).includes('edit_details')) {
    pageMessage(el('span', {}, 'تکمیل ثبت‌نام شما آغاز شده است و دیگر نمی‌توانید مشخصات را ویرایش کنید. ',
      el('a', { href: pageFor(app.next) }, 'ادامه')), 'warn');
    return;
  }
  if (app.details) $('h1').textContent = 'ویرایش مشخصات فردی';
  buildSelects();
  buildQuestions();
  prefill(app);
  form.hidden = false;
})();
