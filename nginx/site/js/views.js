// Views shared by the confirm, receipt and status pages.
import {
  api, el, facts, toFa, faNumber, formatSolar, formatLunar, digitsOf, clearErrors, showApiError, showError, busy,
  GENDERS, RELIGIONS, SHIFTS, PAYMENT_STATES,
} from './common.js';

export function personFacts(app) {
  const d = app.details || {};
  return facts([
    ['شماره ملی', el('span', { class: 'num' }, toFa(app.national_id))],
    ['شماره سریال', el('span', { class: 'num' }, toFa(app.serial || ''))],
    ['تاریخ تولد شمسی', d.birth_date_solar && `${formatSolar(d.birth_date_solar)} (${toFa(d.birth_date_solar)})`],
    ['تاریخ تولد قمری', d.birth_date_lunar && formatLunar(d.birth_date_lunar)],
    ['جنسیت', GENDERS[d.gender] || d.gender],
    ['دین', RELIGIONS[d.religion] || d.religion],
    ['نام مادر', d.mother_name],
    ['شماره تلفن همراه', d.mobile && el('span', { class: 'ltr num' }, toFa(d.mobile))],
  ]);
}

export function officeFacts(a) {
  return facts([
    ['نام دفتر', a.office_name],
    ['نشانی دفتر', toFa(a.address)],
    ['تلفن دفتر', el('span', { class: 'ltr num' }, toFa(a.city_code ? `${a.city_code}-${a.phone}` : a.phone))],
    ['تاریخ تکمیل ثبت‌نام', formatSolar(a.date, { weekday: true })],
    ['نوبت کاری', SHIFTS[a.shift] || a.shift],
  ]);
}

export function rialToman(rial) {
  return `${faNumber(rial)} ریال (${faNumber(Math.round(rial / 10))} تومان)`;
}

const GATEWAY_TITLES = { sadad: 'بانک ملی - سداد', parsian: 'بانک پارسیان' };

export function paymentFacts(p) {
  return facts([
    ['وضعیت پرداخت', PAYMENT_STATES[p.state] || p.state],
    ['مبلغ پرداختی', p.amount_rial && rialToman(p.amount_rial)],
    ['درگاه پرداخت', GATEWAY_TITLES[p.gateway] || p.gateway],
    ['شماره مرجع', p.reference && el('span', { class: 'num' }, toFa(p.reference))],
  ]);
}

/** "Change mobile" (allowed to everyone past the first page): a disclosure with a form,
 *  PUT /api/v1/application/mobile. onChange(application) after a change. */
export function mobileChanger(app, onChange) {
  const id = 'new-mobile';
  const status = el('p', { role: 'status', 'aria-live': 'polite', class: 'small' });
  const form = el('form', { novalidate: true, class: 'email-form' },
    el('p', { class: 'form-error notice error', role: 'alert', tabindex: '-1', hidden: true }),
    el('div', { class: 'field', 'data-field': 'mobile' },
      el('label', { for: id, text: 'شماره‌ی تلفن همراه جدید' }),
      el('input', { type: 'tel', id, name: 'mobile', inputmode: 'tel', maxlength: '16', autocomplete: 'tel', placeholder: '۰۹۱۲۳۴۵۶۷۸۹' }),
      el('p', { class: 'field-error', id: `${id}-error`, 'aria-live': 'polite', hidden: true })),
    el('div', { class: 'actions' }, el('button', { type: 'submit', text: 'ثبت شماره‌ی جدید' })),
    status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    status.textContent = '';
    const mobile = digitsOf(form.mobile.value);
    if (!mobile) return showError(form, 'شماره‌ی تلفن همراه جدید را وارد کنید.', 'mobile');
    const button = form.querySelector('button[type=submit]');
    busy(button, true);
    const res = await api('PUT', '/api/v1/application/mobile', { mobile });
    busy(button, false);
    if (!res.ok) return showApiError(form, res);
    status.textContent = `شماره‌ی تلفن همراه به ${toFa(res.data.application.details?.mobile || mobile)} تغییر کرد. پیامک‌های بعدی به این شماره فرستاده می‌شود.`;
    form.mobile.value = '';
    if (onChange) onChange(res.data.application);
  });
  const current = app.details?.mobile ? ` (شماره‌ی فعلی: ${toFa(app.details.mobile)})` : '';
  return el('details', { class: 'help card', id: 'change-mobile' },
    el('summary', { text: `تغییر شماره‌ی تلفن همراه${current}` }), el('div', { class: 'help-body' }, form));
}
