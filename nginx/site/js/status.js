// Where the application stands and what happens next (for every stage; the first page sends
// citizens here once completion of registration has started).
import {
  api, initChrome, loadApplication, applyOperations, clearErrors, showError, showApiError, busy,
  el, $, facts, toFa, digitsOf, formatSolar, STAGES, SHIFTS, pageFor,
} from './common.js';
import { mobileChanger } from './views.js';

const STEPS = ['پیش‌ثبت‌نام، نوبت‌گیری و پرداخت', 'تکمیل ثبت‌نام در دفتر', 'صدور کارت (۱۵ روز تا یک ماه)', 'آماده‌ی تحویل', 'تحویل کارت'];
const STEP_OF = {
  entered: 0, details_done: 0, reserved: 0, paid_no_slot: 0, paid: 1, completion_started: 1,
  completion_done: 2, production_started: 2, card_ready: 3, delivered: 5,
};

function nextStep(app) {
  const a = app.appointment;
  const d = app.delivery_office;
  switch (app.stage) {
    case 'entered': return 'مشخصات فردی و پرسش‌های تکمیل ثبت‌نام خاص را ثبت کنید.';
    case 'details_done': return 'زمان و دفتر تکمیل ثبت‌نام را انتخاب کنید.';
    case 'reserved': return 'اطلاعات را تأیید و هزینه‌ی ثبت‌نام را پرداخت کنید.';
    case 'paid_no_slot': return 'پرداخت شما انجام شده است؛ فقط زمان و دفتر را دوباره انتخاب کنید. پرداخت دوباره لازم نیست.';
    case 'paid': return a
      ? `در تاریخ ${formatSolar(a.date, { weekday: true })}، نوبت ${SHIFTS[a.shift] || a.shift}، شخصاً با اصل شناسنامه به «${a.office_name}» مراجعه کنید و برای عکس‌برداری و اسکن اثر انگشت آماده باشید.`
      : 'زمان و دفتر تکمیل ثبت‌نام را انتخاب کنید.';
    case 'completion_started': return 'تکمیل ثبت‌نام شما در دفتر آغاز شده است. پس از پایان آن، درخواست شما برای صدور کارت فرستاده می‌شود.';
    case 'completion_done': return 'درخواست شما در صف صدور کارت است. صدور کارت از زمان تکمیل ثبت‌نام ۱۵ روز تا یک ماه طول می‌کشد. تا پیش از آغاز تولید کارت می‌توانید محل تحویل کارت را تغییر دهید.';
    case 'production_started': return 'کارت شما در حال صدور است. هنگامی که کارت آماده‌ی تحویل شد، پیامک دریافت می‌کنید.';
    case 'card_ready': return d
      ? `کارت شما آماده است. با اصل شناسنامه به «${d.name}» به نشانی ${toFa(d.address)} مراجعه کنید و کارت را تحویل بگیرید.`
      : 'کارت شما آماده است. با اصل شناسنامه به محل تحویل کارت مراجعه کنید.';
    case 'delivered': return 'کارت هوشمند ملی به شما تحویل داده شده است. در صورت تعویض شناسنامه پس از آغاز تولید، برای صدور مجدد به دفتر مراجعه کنید.';
    default: return '';
  }
}

function render(app) {
  $('#stage').textContent = STAGES[app.stage] || app.stage;
  $('#stage').dataset.stage = app.stage;
  const cur = STEP_OF[app.stage] ?? 0;
  $('#stages').replaceChildren(...STEPS.map((t, i) => el('li', {
    class: i < cur ? 'done' : '', 'aria-current': i === cur ? 'step' : null,
  }, t)));
  $('#next-step').textContent = nextStep(app);
  const link = $('#next-link');
  link.replaceChildren();
  if (['details', 'appointment', 'confirm'].includes(app.next)) {
    const text = { details: 'ثبت مشخصات فردی', appointment: 'انتخاب زمان و دفتر', confirm: 'تأیید و پرداخت' }[app.next];
    link.append(el('a', { class: 'button primary', href: pageFor(app.next) }, text));
  }
  const a = app.appointment;
  $('#app-facts').replaceWith(Object.assign(facts([
    ['شماره پیگیری', app.tracking_code && el('span', { class: 'num' }, toFa(app.tracking_code))],
    ['شماره ملی', el('span', { class: 'num' }, toFa(app.national_id))],
    ['دفتر تکمیل ثبت‌نام', a && a.office_name],
    ['نشانی دفتر', a && toFa(a.address)],
    ['تاریخ و نوبت', a && `${formatSolar(a.date, { weekday: true })}، ${SHIFTS[a.shift] || a.shift}`],
  ]), { id: 'app-facts' }));
  const d = app.delivery_office;
  const ops = app.allowed_operations || [];
  $('#delivery').hidden = !d && !ops.includes('change_delivery_office');
  $('#delivery-facts').replaceWith(Object.assign(d
    ? facts([['محل تحویل', d.name], ['نشانی', toFa(d.address)], ['تلفن', el('span', { class: 'ltr num' }, toFa(d.phone))]])
    : el('p', { class: 'muted', text: 'محل تحویل کارت هنوز جداگانه انتخاب نشده است. هنگامی که کارت آماده شد، نشانی محل تحویل با پیامک برای شما فرستاده می‌شود.' }), { id: 'delivery-facts' }));
  applyOperations(app);
}

const dSearch = $('#delivery-search');
const dChoose = $('#delivery-choose');
dSearch.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  clearErrors(dSearch);
  const city = digitsOf(dSearch.city_code.value);
  if (!city) return showError(dSearch, 'کد تلفن شهر را وارد کنید؛ مانند ۰۴۱.', 'city_code');
  const res = await api('GET', `/api/v1/delivery-offices?city_code=${encodeURIComponent(city)}`);
  if (!res.ok) return showApiError(dSearch, res);
  const rows = res.data.rows || [];
  if (!rows.length) { dChoose.hidden = true; return showError(dSearch, 'در این شهر محل تحویل کارتی پیدا نشد.', 'city_code'); }
  $('#delivery-list').replaceChildren(...rows.map((r) => el('label', {},
    el('input', { type: 'radio', name: 'office_id', value: String(r.office_id) }),
    el('span', {}, el('strong', { text: r.name }), el('br'), el('span', { class: 'small muted', text: toFa(`${r.address} - ${r.phone}`) })))));
  dChoose.hidden = false;
});
dChoose.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  clearErrors(dChoose);
  const picked = dChoose.querySelector('input[name=office_id]:checked');
  if (!picked) return showError(dChoose, 'یکی از محل‌های تحویل را انتخاب کنید.', 'office_id');
  const button = dChoose.querySelector('button[type=submit]');
  busy(button, true);
  const res = await api('PUT', '/api/v1/application/delivery-office', { office_id: Number(picked.value) });
  busy(button, false);
  if (!res.ok) return showApiError(dChoose, res);
  dChoose.hidden = true;
  $('#delivery-change').open = false;
  render(res.data.application);
});

(async () => {
  initChrome();
  const app = await loadApplication();
  if (!app) return;
  render(app);
  $('#mobile-box').replaceWith(mobileChanger(app, render));
  $('#status-view').hidden = false;
})();
