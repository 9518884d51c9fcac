// Public receipt check: GET /api/v1/receipt-verify?q=<QR payload> (no session).
import { api, clearErrors, showError, busy, el, $, facts, toFa, toAscii, formatInstant, STAGES } from './common.js';

const form = $('#verify');
const result = $('#result');

async function check(q) {
  clearErrors(form);
  result.replaceChildren();
  if (!q) return showError(form, 'متن کد QR رسید را وارد کنید.', 'q');
  const button = form.querySelector('button[type=submit]');
  busy(button, true);
  const res = await api('GET', `/api/v1/receipt-verify?q=${encodeURIComponent(q)}`);
  busy(button, false);
  if (!res.ok) return showError(form, res.error.message, res.error.field || 'q');
  history.replaceState(null, '', `?q=${encodeURIComponent(q)}`);
  const v = res.data;
  if (v.valid) {
    result.replaceChildren(el('section', { class: 'verify-result valid', 'data-valid': 'true' },
      el('h2', { text: '✓ این رسید معتبر است' }),
      facts([
        ['شماره پیگیری', el('span', { class: 'num' }, toFa(v.tracking_code))],
        ['شماره ملی دارنده', el('span', { class: 'ltr num' }, toFa(v.national_id_masked))],
        ['مرحله‌ی درخواست', STAGES[v.stage] || v.stage],
        ['زمان صدور رسید', v.issued_at && formatInstant(v.issued_at)],
      ]),
      el('p', { class: 'small muted', text: 'شماره ملی روی رسید را با شماره‌ی نمایش‌داده‌شده مقایسه کنید.' })));
  } else {
    result.replaceChildren(el('section', { class: 'verify-result invalid', 'data-valid': 'false' },
      el('h2', { text: '✗ این رسید معتبر نیست' }),
      el('p', { text: 'این کد توسط سامانه صادر نشده یا دستکاری شده است. به رسید ارائه‌شده اعتماد نکنید.' })));
  }
  result.firstChild.setAttribute('tabindex', '-1');
  result.firstChild.focus();
}

form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  check(toAscii(form.q.value.trim()));
});

const q = new URLSearchParams(location.search).get('q');
if (q) {
  form.q.value = q;
  check(q.trim());
}
