// The first page: national ID + serial + captcha → POST /api/v1/session → the page `next` names.
import { api, csrf, flash, initChrome, clearErrors, showError, busy, digitsOf, pageFor, $ } from './common.js';

const form = $('#login');
const img = $('#captcha-image');
const idInput = $('#captcha_id');
const answer = $('#captcha_answer');
const newButton = $('#captcha-new');

async function loadCaptcha() {
  newButton.disabled = true;
  let res = await api('GET', '/api/v1/captcha');
  // Too many requests from this address for a moment: wait a little and ask again.
  for (let i = 0; i < 3 && res.status === 429; i++) {
    await new Promise((r) => setTimeout(r, 1500 * (i + 1)));
    res = await api('GET', '/api/v1/captcha');
  }
  newButton.disabled = false;
  if (!res.ok) {
    img.removeAttribute('src');
    img.alt = 'سؤال امنیتی بارگذاری نشد؛ «سؤال جدید» را بزنید.';
    showError(form, res.error.message, 'captcha_answer');
    return;
  }
  idInput.value = res.data.captcha_id;
  form.dataset.captchaId = res.data.captcha_id;
  img.src = res.data.image;
  img.alt = 'سؤال امنیتی: حاصل جمع دو عدد که در تصویر نوشته شده است';
  answer.value = '';
}

newButton.addEventListener('click', () => { loadCaptcha(); answer.focus(); });

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  clearErrors(form);
  const nid = digitsOf(form.national_id.value);
  const serial = digitsOf(form.serial.value);
  const ans = digitsOf(answer.value);
  if (!nid) return showError(form, 'شماره ملی را وارد کنید.', 'national_id');
  if (!serial) return showError(form, 'سریال شناسنامه (بخش شش رقمی) را وارد کنید.', 'serial');
  if (!ans) return showError(form, 'جواب سؤال امنیتی را وارد کنید.', 'captcha_answer');
  const button = form.querySelector('button[type=submit]');
  busy(button, true);
  const res = await api('POST', '/api/v1/session', {
    national_id: nid, serial, captcha_id: idInput.value, captcha_answer: ans,
  });
  if (res.ok) {
    csrf.set(res.data.csrf);
    if (res.data.notice) flash(res.data.notice, 'warn');
    location.assign(pageFor(res.data.next));
    return;
  }
  busy(button, false);
  showError(form, res.error.message, res.error.field);
  // A captcha is good for one try: ask a new question after any refusal.
  await loadCaptcha();
});

initChrome();
loadCaptcha();
