// The integrators' path (issue: payments, docs/payment-plugins.md): the
// template gateway plugin is built out of tree against the installed SDK
// with its own Makefile, installed atomically, loaded into the running crsd
// with crsctl, and a citizen pays through it at the demo bank.
// expect: 1 test
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { REPO, admin, ctl } from '../lib/stack.mjs';
import { PREFIX } from '../lib/plugins.mjs';
import {
  DAY, jalali, serverNow, nextWorkingDay, makeOffice, newCityCode, readyCitizen,
} from '../lib/citizens.mjs';
import { openBank, press, deliver } from '../lib/bank.mjs';

test('a gateway plugin built out of tree with pkg-config crs-plugin loads at run time and takes a payment', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pay-template-'));
  for (const f of ['pay_template.c', 'Makefile']) {
    fs.copyFileSync(path.join(REPO, 'examples', 'pay_template', f), path.join(dir, f));
  }
  const env = { ...process.env, PKG_CONFIG_PATH: path.join(PREFIX, 'lib', 'pkgconfig') };
  const plugindir = execFileSync('pkg-config', ['--variable=plugindir', 'crs-plugin'], { env, encoding: 'utf8' }).trim();
  assert.equal(plugindir, path.join(PREFIX, 'lib', 'crs', 'plugins'));
  execFileSync('make', ['-C', dir, 'all', 'check', 'install'], { env, stdio: 'pipe' });
  assert.ok(fs.existsSync(path.join(plugindir, 'pay_template.so')));
  fs.rmSync(dir, { recursive: true, force: true });

  const loaded = (await admin('GET', '/admin/v1/modules')).json.modules.some((m) => m.name === 'pay_template');
  const r = ctl('modules', loaded ? 'reload' : 'load', 'pay_template');
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const gw = await (await fetch(`${process.env.CRS_URL || 'http://127.0.0.1:8080'}/api/v1/gateways`)).json();
  assert.ok(gw.gateways.some((g) => g.name === 'demo'), JSON.stringify(gw));

  const office = makeOffice({ cityCode: newCityCode() });
  const now = await serverNow();
  const date = jalali(nextWorkingDay(new Date(now.getTime() + 4 * DAY)));
  const { client } = await readyCitizen();
  assert.equal((await client.post('/api/v1/application/appointment', { office_id: office, date, shift: 'morning' })).status, 200);
  const p = await client.post('/api/v1/payments', { gateway: 'demo' });
  assert.equal(p.status, 201, p.text);
  const cb = await press(await openBank(p.json.redirect), 'pay');
  assert.match(cb.action, /\/pay\/demo\/callback$/);
  const d = await deliver(cb);
  assert.equal(d.status, 303);
  const st = await client.get(`/api/v1/payments/${p.json.payment_id}`);
  assert.equal(st.json.state, 'verified');
  const app = (await client.get('/api/v1/application')).json.application;
  assert.equal(app.stage, 'paid');
  assert.equal(app.payment.gateway, 'demo');
});
