// Resilience bars of the platform: run-time module toggles under load, and a
// MariaDB outage under load.
// expect: 2 tests
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test, before } from 'node:test';
import { BASE, STACK_DIR, admin, api } from '../lib/stack.mjs';
import { ensureHello, crsdPid, alive, stackUp, sleep } from '../lib/plugins.mjs';

const CONNECTIONS = 64;

before(async () => {
  await ensureHello();
});

/** CONNECTIONS loops requesting paths until stop(); tallies "status code" keys. */
function load(paths) {
  const tally = new Map();
  let running = true;
  const one = async (i) => {
    let n = i;
    while (running) {
      const p = paths[n++ % paths.length];
      let key;
      try {
        // Node's fetch pool opens one connection per concurrent request.
        const res = await fetch(BASE + p);
        const text = await res.text();
        let code = '';
        try { code = JSON.parse(text).error?.code ?? ''; } catch { code = 'not-json'; }
        key = `${res.status} ${code}`.trim();
      } catch (e) {
        key = `transport ${e.cause?.code || e.message}`;
      }
      tally.set(key, (tally.get(key) || 0) + 1);
    }
  };
  const loops = Array.from({ length: CONNECTIONS }, (_, i) => one(i));
  return {
    tally,
    async stop() { running = false; await Promise.all(loops); return tally; },
  };
}

test('64 connections for 30 s while t_hello is disabled, enabled and reloaded every 200 ms: only 200 or 503 MODULE_DISABLED', async () => {
  const pid = crsdPid();
  const l = load(['/api/v1/t/hello', '/api/v1/t/db', '/api/v1/t/slow?ms=20']);
  const end = Date.now() + 30000;
  const actions = ['disable', 'enable', 'reload'];
  let i = 0;
  let adminFailures = 0;
  while (Date.now() < end) {
    const r = await admin('POST', `/admin/v1/modules/t_hello/${actions[i++ % actions.length]}`);
    if (r.status !== 200) adminFailures++;
    await sleep(200);
  }
  const tally = await l.stop();
  await admin('POST', '/admin/v1/modules/t_hello/enable');
  const summary = Object.fromEntries(tally);
  const total = [...tally.values()].reduce((a, b) => a + b, 0);
  console.log(`toggle chaos: ${total} requests, ${i} admin actions:`, summary);
  for (const key of tally.keys()) {
    assert.ok(key === '200' || key === '503 MODULE_DISABLED', `unexpected answer ${key} (${tally.get(key)}x)`);
  }
  assert.ok((tally.get('200') || 0) > 1000, 'the module served between toggles');
  assert.ok((tally.get('503 MODULE_DISABLED') || 0) > 0, 'the module was disabled at times');
  assert.equal(adminFailures, 0);
  assert.equal(crsdPid(), pid);
  assert.ok(alive(pid), 'crsd never crashed');
});

test('MariaDB stopped for 10 s under load: 503 DB_UNAVAILABLE meanwhile, recovery within 5 s of its return', async () => {
  const dbPidFile = path.join(STACK_DIR, 'run', 'mariadb.pid');
  const dbPid = Number(fs.readFileSync(dbPidFile, 'utf8').trim());
  const l = load(['/api/v1/t/db', '/api/v1/t/hello']);
  await sleep(1000);
  process.kill(dbPid, 'SIGTERM');
  while (alive(dbPid)) await sleep(50);
  const downAt = Date.now();
  l.tally.clear();
  await sleep(2000);
  const health = await admin('GET', '/admin/v1/health');
  assert.equal(health.status, 503, 'health says the database is unreachable');
  assert.equal(health.json.db, 'unreachable');
  const during = await api('GET', '/api/v1/t/hello');
  assert.equal(during.status, 200, 'routes without the database keep serving');
  while (Date.now() - downAt < 10000) await sleep(100);
  const outage = Object.fromEntries(l.tally);
  stackUp();                              // restarts MariaDB (and anything else dead)
  const backAt = Date.now();
  let recoveredAt = 0;
  while (Date.now() - backAt < 15000) {
    const r = await api('GET', '/api/v1/t/db');
    if (r.status === 200) { recoveredAt = Date.now(); break; }
    await sleep(100);
  }
  await l.stop();
  console.log('outage answers:', outage, `recovered ${recoveredAt - backAt} ms after MariaDB was back`);
  for (const key of Object.keys(outage)) {
    assert.ok(key === '200' || key === '503 DB_UNAVAILABLE', `unexpected answer during the outage: ${key}`);
  }
  assert.ok((outage['503 DB_UNAVAILABLE'] || 0) > 0);
  assert.ok(recoveredAt > 0 && recoveredAt - backAt <= 5000, `recovered in ${recoveredAt - backAt} ms`);
  const healthAfter = await admin('GET', '/admin/v1/health');
  assert.equal(healthAfter.status, 200);
});
