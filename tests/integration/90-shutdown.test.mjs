// Graceful shutdown: SIGTERM lets requests in flight finish, then crsd exits;
// `./stack up` brings it back.
// expect: 1 test
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { admin, api } from '../lib/stack.mjs';
import { ensureHello, crsdPid, alive, stackUp, sleep } from '../lib/plugins.mjs';

test('SIGTERM: the request in flight completes, crsd exits, ./stack up restarts it', async () => {
  await ensureHello();
  const pid = crsdPid();
  const slow = api('GET', '/api/v1/t/slow?ms=1500');
  await sleep(300);
  process.kill(pid, 'SIGTERM');
  const r = await slow;
  assert.equal(r.status, 200, 'the in-flight request finished');
  assert.equal(r.json.slept_ms, 1500);
  const t0 = Date.now();
  while (alive(pid) && Date.now() - t0 < 10000) await sleep(50);
  assert.ok(!alive(pid), 'crsd exited after draining');
  stackUp();
  const h = await admin('GET', '/admin/v1/health');
  assert.equal(h.status, 200);
  assert.notEqual(crsdPid(), pid);
  await ensureHello();
});
