// The receipt: GET /api/v1/application/receipt (JSON) rendered as a page; print (print.css),
// save as HTML/PDF (the API answers those as attachments), e-mail it.
import {
  api, initChrome, loadApplication, applyOperations, handleAuth, clearErrors, showError, showApiError, busy,
  el, $, pageMessage, toFa, formatInstant, pageFor,
} from './common.js';
import { personFacts, officeFacts, paymentFacts, mobileChanger } from './views.js';
import { qrSvg } from './qr.js';

function renderPerson(r) {
  const app = r.application;
  const person = personFacts(app);
  const name = [r.first_name, r.last_name].filter(Boolean).join(' ');
  if (name) person.prepend(el('div', {}, el('dt', { text: 'نام و نام خانوادگی' }), el('dd', { text: name })));
  person.prepend(el('div', {}, el('dt', { text: 'شماره پیگیری' }), el('dd', { class: 'num', text: toFa(app.tracking_code || '') })));
  person.classList.add('two');
  person.id = 'person';
  $('#person').replaceWith(person);
}

function render(r) {
  const app = r.application;
  $('#tracking-code').textContent = toFa(app.tracking_code || '');
  const fig = $('#qr');
  if (r.qr_payload) {
    try {
      fig.prepend(qrSvg(r.qr_payload, 'کد QR استعلام اصالت رسید'));
    } catch { /* no QR, the tracking code still stands */ }
    fig.dataset.payload = r.qr_payload;
  }
  $('#verify-url').textContent = r.verify_url || `${location.origin}/verify.html`;
  renderPerson(r);
  if (app.appointment) {
    const o = officeFacts(app.appointment);
    o.classList.add('two');
    $('#office').replaceWith(o);
  } else {
    $('#office').replaceWith(el('p', { class: 'notice warn' }, 'هنوز زمان و دفتر تکمیل ثبت‌نام انتخاب نشده است. ',
      el('a', { href: '/appointment.html' }, 'انتخاب زمان و دفتر')));
  }
  const p = paymentFacts(app.payment || {});
  p.classList.add('two');
  $('#payment').replaceWith(p);
  $('#printed').textContent = `تاریخ مشاهده‌ی رسید: ${formatInstant(new Date().toISOString())}`;
  document.title = `رسید ${toFa(app.tracking_code || '')} | سامانه ثبت‌نام کارت هوشمند ملی`;
  $('#receipt').hidden = false;
  $('#tools').hidden = false;
}

$('#print').addEventListener('click', () => window.print());

const emailForm = $('#email-form');
emailForm.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  clearErrors(emailForm);
  const status = $('#email-status');
  status.textContent = '';
  const email = emailForm.email.value.trim();
  if (!email) return showError(emailForm, 'نشانی ایمیل را وارد کنید.', 'email');
  const button = emailForm.querySelector('button[type=submit]');
  busy(button, true);
  const res = await api('POST', '/api/v1/application/receipt/email', { email });
  busy(button, false);
  if (!res.ok) return showApiError(emailForm, res);
  status.className = 'notice success small';
  status.replaceChildren('رسید به نشانی ', el('bdi', { dir: 'ltr' }, email), ' فرستاده شد. اگر تا چند دقیقه‌ی دیگر نرسید، پوشه‌ی هرزنامه را هم ببینید.');
});

(async () => {
  initChrome();
  const app = await loadApplication();
  if (!app) return;
  applyOperations(app);
  if (app.next === 'appointment' && app.payment?.state === 'verified') {
    pageMessage(el('span', {}, 'پرداخت شما با موفقیت انجام شده است، اما نوبت انتخابی شما از دست رفته است. نیازی به پرداخت دوباره نیست؛ فقط زمان و دفتر را دوباره انتخاب کنید. ',
      el('a', { href: '/appointment.html' }, 'انتخاب زمان و دفتر')), 'warn');
  }
  const res = await api('GET', '/api/v1/application/receipt');
  if (!res.ok) {
    if (handleAuth(res)) return;
    if (app.next !== 'appointment') {
      pageMessage(el('span', {}, `${res.error.message} `, el('a', { href: pageFor(app.next) }, 'ادامه')), 'warn');
    }
    return;
  }
  render(res.data);
  $('#mobile-box').replaceWith(mobileChanger(res.data.application, (a) => renderPerson({ ...res.data, application: a })));
})();
