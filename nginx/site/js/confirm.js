// Review and pay: GET /api/v1/application + /api/v1/gateways → POST /api/v1/payments →
// the bank, as the payment's `redirect` says.
import {
  api, initChrome, loadApplication, applyOperations, clearErrors, showError, handleAuth, busy,
  el, $, pageMessage, formatTime, pageFor,
} from './common.js';
import { personFacts, officeFacts, rialToman } from './views.js';

const form = $('#pay');

/** Sends the browser to the bank: GET with the fields in the query, or POST a form. */
function toBank(redirect) {
  const fields = redirect.fields || {};
  if ((redirect.method || 'GET').toUpperCase() === 'GET') {
    const url = new URL(redirect.url, location.href);
    for (const [k, v] of Object.entries(fields)) if (!url.searchParams.has(k)) url.searchParams.set(k, v);
    location.assign(url.toString());
    return;
  }
  const f = el('form', { method: 'post', action: redirect.url, hidden: true });
  for (const [k, v] of Object.entries(fields)) f.append(el('input', { type: 'hidden', name: k, value: String(v) }));
  document.body.append(f);
  f.submit();
}

async function loadGateways() {
  const res = await api('GET', '/api/v1/gateways');
  const box = $('#gateways');
  if (!res.ok) { showError(form, res.error.message, 'gateway'); return; }
  const list = res.data.gateways || [];
  if (!list.length) {
    showError(form, 'در حال حاضر هیچ درگاه پرداختی در دسترس نیست. چند دقیقه دیگر دوباره تلاش کنید.', 'gateway');
    return;
  }
  box.replaceChildren(...list.map((g) => el('label', {},
    el('input', { type: 'radio', name: 'gateway', value: g.name }), el('span', { text: g.title }))));
}

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  clearErrors(form);
  const picked = form.querySelector('input[name=gateway]:checked');
  if (!picked) return showError(form, 'یکی از درگاه‌های پرداخت را انتخاب کنید.', 'gateway');
  const button = form.querySelector('button[type=submit]');
  busy(button, true);
  const res = await api('POST', '/api/v1/payments', { gateway: picked.value });
  if (res.ok) {
    button.textContent = 'در حال انتقال به درگاه بانک…';
    toBank(res.data.redirect);
    return;
  }
  busy(button, false);
  if (handleAuth(res)) return;
  if (res.status === 409) {
    // The hold ran out (choose again) or it is already paid (receipt): ask where to go.
    const a = await api('GET', '/api/v1/application');
    const next = a.ok ? a.data.application.next : 'appointment';
    const label = next === 'appointment' ? 'انتخاب دوباره‌ی زمان و دفتر' : 'ادامه';
    showError(form, res.error.message);
    form.querySelector('.form-error').append(' ', el('a', { href: pageFor(next) }, label));
    return;
  }
  showError(form, res.error.message, res.error.field);
});

(async () => {
  initChrome();
  const app = await loadApplication();
  if (!app) return;
  applyOperations(app);
  if (app.next !== 'confirm') {
    if (app.next === 'appointment') {
      const paid = app.payment?.state === 'verified';
      pageMessage(el('span', {},
        paid ? 'پرداخت شما انجام شده است و نیازی به پرداخت دوباره نیست؛ فقط زمان و دفتر را دوباره انتخاب کنید. '
          : 'مهلت نگه‌داری نوبت رزروشده به پایان رسیده است. دوباره زمان و دفتر را انتخاب کنید، سپس پرداخت کنید. ',
        el('a', { href: '/appointment.html' }, 'انتخاب زمان و دفتر')), 'warn');
      return;
    }
    location.replace(pageFor(app.next));
    return;
  }
  $('#person').replaceWith(personFacts(app));
  if (app.appointment) {
    $('#office').replaceWith(officeFacts(app.appointment));
    if (app.appointment.held_until) {
      $('#office-title').parentElement.append(el('p', { class: 'notice warn small' },
        `این نوبت تا ساعت ${formatTime(app.appointment.held_until)} برای پرداخت شما نگه داشته می‌شود.`));
    }
  }
  $('#fee').textContent = rialToman(app.payment?.amount_rial ?? 200000);
  if (app.payment?.state === 'failed') {
    pageMessage('پرداخت قبلی شما انجام نشد. می‌توانید دوباره پرداخت کنید. اگر مبلغی از حساب شما کم شده باشد، حداکثر تا ۷۲ ساعت به حساب شما بازمی‌گردد؛ در غیر این صورت از طریق بانک پیگیری کنید.', 'warn');
  } else if (app.payment?.state === 'pending') {
    pageMessage('یک پرداخت شما هنوز در انتظار نتیجه‌ی بانک است. اگر پرداخت را کامل نکرده‌اید، می‌توانید دوباره پرداخت کنید.', 'info');
  }
  await loadGateways();
  $('#review').hidden = false;
})();
