// Shows the outcome of /result.html?payment=<payment_id> (GET /api/v1/payments/{id}), then
// where to go next from GET /api/v1/application: the receipt when verified (or the
// appointment page when the paid citizen lost the slot), back to confirm/appointment when not.
import { api, initChrome, handleAuth, el, $, facts, toFa, faNumber, pageFor } from './js/common.js';

const titles = {
  verified: 'پرداخت با موفقیت انجام شد.',
  pending: 'پرداخت در حال بررسی است؛ چند لحظه دیگر این صفحه را تازه کنید.',
  failed: 'پرداخت ناموفق بود؛ می‌توانید دوباره پرداخت کنید.',
  expired: 'مهلت پرداخت به پایان رسیده است؛ لطفاً دوباره پرداخت کنید.',
};
const gateways = { sadad: 'بانک ملی - سداد', parsian: 'بانک پارسیان' };

function nextButton(next, state) {
  const box = $('#next-actions');
  let text;
  if (next === 'receipt') text = 'مشاهده و چاپ رسید';
  else if (next === 'appointment') text = state === 'verified' ? 'انتخاب زمان و دفتر (بدون پرداخت دوباره)' : 'انتخاب دوباره‌ی زمان و دفتر';
  else if (next === 'confirm') text = 'بازگشت به صفحه‌ی تأیید و پرداخت';
  else if (next === 'details') text = 'تکمیل مشخصات فردی';
  else text = 'مشاهده‌ی وضعیت درخواست';
  box.replaceChildren(el('a', { class: 'button primary', href: pageFor(next), id: 'next-link', 'data-next': next }, text));
}

(async () => {
  initChrome();
  const status = $('#status');
  const reference = $('#reference');
  const id = new URLSearchParams(location.search).get('payment');
  if (!id) { status.textContent = 'شناسه پرداخت در نشانی صفحه نیست.'; return; }
  let res = await api('GET', `/api/v1/payments/${encodeURIComponent(id)}`);
  // The bank's answer may still be on its way: look again a few times.
  for (let i = 0; i < 5 && res.ok && res.data.state === 'pending'; i++) {
    status.textContent = titles.pending;
    await new Promise((r) => setTimeout(r, 2000));
    res = await api('GET', `/api/v1/payments/${encodeURIComponent(id)}`);
  }
  if (!res.ok) {
    if (handleAuth(res)) return;
    status.textContent = res.error.message || 'خطا در دریافت نتیجه پرداخت.';
    status.className = 'notice error';
    return;
  }
  const body = res.data;
  status.textContent = toFa(body.message || titles[body.state] || body.state);
  status.className = `notice ${body.state === 'verified' ? 'success' : body.state === 'pending' ? 'info' : 'error'} ${body.state}`;
  status.dataset.state = body.state;
  if (body.reference) reference.textContent = `شماره مرجع: ${toFa(body.reference)}`;
  $('#payment-facts').replaceWith(facts([
    ['مبلغ', body.amount_rial && `${faNumber(body.amount_rial)} ریال`],
    ['درگاه پرداخت', gateways[body.gateway] || body.gateway],
  ]));
  const app = await api('GET', '/api/v1/application');
  if (app.ok) nextButton(app.data.application.next, body.state);
  else if (!handleAuth(app)) nextButton(body.state === 'verified' ? 'receipt' : 'confirm', body.state);
})();
