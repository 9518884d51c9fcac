// Shows the outcome of /result.html?payment=<payment_id> (GET /api/v1/payments/{id}).
(async () => {
  const status = document.getElementById('status');
  const reference = document.getElementById('reference');
  const id = new URLSearchParams(location.search).get('payment');
  if (!id) { status.textContent = 'شناسه پرداخت در نشانی صفحه نیست.'; return; }
  const titles = {
    verified: 'پرداخت با موفقیت انجام شد.',
    pending: 'پرداخت در حال بررسی است؛ چند لحظه دیگر این صفحه را تازه کنید.',
    failed: 'پرداخت ناموفق بود؛ می‌توانید دوباره پرداخت کنید.',
    expired: 'مهلت پرداخت به پایان رسیده است؛ لطفاً دوباره پرداخت کنید.',
  };
  try {
    const res = await fetch('/api/v1/payments/' + encodeURIComponent(id), { credentials: 'same-origin' });
    const body = await res.json();
    if (!res.ok) { status.textContent = (body.error && body.error.message) || 'خطا در دریافت نتیجه پرداخت.'; return; }
    status.textContent = body.message || titles[body.state] || body.state;
    status.className = body.state;
    if (body.reference) reference.textContent = 'شماره مرجع: ' + body.reference;
  } catch (e) {
    status.textContent = 'ارتباط با سامانه برقرار نشد؛ لطفاً دوباره تلاش کنید.';
  }
})();
