// Office operators' side of the suites: tokens and a paid citizen with a
// tracking code, whose appointment office the test owns.
import assert from 'node:assert/strict';
import { ctl, request, BASE } from './stack.mjs';
import { openBank, press, deliver } from './bank.mjs';
import { reserved, startPayment, app } from './pay.mjs';

/** A bearer token from `crsctl token issue` (role office|registry|subsidy). */
export function issueToken(role, officeId) {
  const args = ['token', 'issue', '--role', role, ...(officeId ? ['--office', String(officeId)] : [])];
  const r = ctl(...args);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout).token;
}

/** A request with a bearer token to the public listener. */
export function office(token, method, urlPath, json) {
  return request(BASE, method, urlPath, { json, headers: token ? { authorization: `Bearer ${token}` } : {} });
}

/** A citizen who paid (stage paid, tracking code issued), logged in. */
export async function paidCitizen() {
  const c = await reserved();
  const p = await startPayment(c.client, 'sadad');
  await deliver(await press(await openBank(p.redirect), 'pay'));
  const a = await app(c.client);
  assert.equal(a.stage, 'paid', JSON.stringify(a));
  return { ...c, application: a, code: a.tracking_code };
}
