import { chromium } from 'playwright-core';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const page = await browser.newPage();
page.on('console', (m) => console.log('console', m.type(), m.text()));
page.on('pageerror', (e) => console.log('pageerror', e.message));
for (const p of ['index.html', 'about.html', 'conditions.html', 'verify.html?q=CRS1.1.2.3', 'details.html']) {
  await page.goto('http://127.0.0.1:8080/' + p);
  await page.waitForTimeout(800);
  console.log(p, '->', page.url());
}
await browser.close();
