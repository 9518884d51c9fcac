#!/usr/bin/env node
// SMS sink for the CRS local stack: an SMS gateway that sends nothing.
//   node tools/sinks/sms-sink.mjs [--port 8093] [--dir $CRS_STACK_DIR/sms]
// HTTP API:
//   POST /send      JSON {"to":"09…","text":"…"} (a form with the same fields also works)
//                   → 200 {"ok":true,"id":N}; appends {"id","at","to","text"} as one JSON line
//                     to DIR/messages.jsonl. 400 when to/text are missing.
//   GET  /messages[?to=09…]  → 200 JSON array of stored messages, oldest first
//   POST /control   JSON {"fail_next":N} → the next N sends answer 503 (to test retries)
//   GET  /health    → 200 {"ok":true}
// No dependencies beyond Node.js.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const port = Number(arg('port', process.env.CRS_SMS_PORT || 8093));
const dir = path.resolve(arg('dir', path.join(process.env.CRS_STACK_DIR || '.stack', 'sms')));
const file = path.join(dir, 'messages.jsonl');
fs.mkdirSync(dir, { recursive: true });

const log = (...a) => console.log(new Date().toISOString(), ...a);

function readAll() {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).flatMap((l) => {
    try { return [JSON.parse(l)]; } catch { return []; }
  });
}

let nextId = readAll().reduce((m, r) => Math.max(m, Number(r.id) || 0), 0) + 1;
let failNext = 0;

function send(res, status, body) {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(data) });
  res.end(data);
}

function parseBody(req, raw) {
  const type = (req.headers['content-type'] || '').toLowerCase();
  if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  return JSON.parse(raw);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const chunks = [];
  let size = 0;
  req.on('data', (c) => { size += c.length; if (size <= 1 << 20) chunks.push(c); });
  req.on('end', () => {
    const raw = Buffer.concat(chunks).toString('utf8');
    if (req.method === 'POST' && url.pathname === '/send') {
      if (failNext > 0) { failNext--; log('failing a send on purpose'); return send(res, 503, { error: 'unavailable (fail_next)' }); }
      let body;
      try { body = parseBody(req, raw); } catch { return send(res, 400, { error: 'body must be JSON' }); }
      if (typeof body?.to !== 'string' || !body.to || typeof body.text !== 'string') {
        return send(res, 400, { error: 'fields "to" and "text" are required strings' });
      }
      const msg = { id: nextId++, at: new Date().toISOString(), to: body.to, text: body.text };
      fs.appendFileSync(file, JSON.stringify(msg) + '\n');
      log(`sms #${msg.id} to ${msg.to}: ${msg.text}`);
      return send(res, 200, { ok: true, id: msg.id });
    }
    if (req.method === 'GET' && url.pathname === '/messages') {
      const to = url.searchParams.get('to');
      return send(res, 200, readAll().filter((m) => to === null || m.to === to));
    }
    if (req.method === 'POST' && url.pathname === '/control') {
      try { failNext = Math.max(0, Number(JSON.parse(raw || '{}').fail_next) || 0); } catch { return send(res, 400, { error: 'body must be JSON' }); }
      return send(res, 200, { ok: true, fail_next: failNext });
    }
    if (req.method === 'GET' && url.pathname === '/health') return send(res, 200, { ok: true });
    return send(res, 404, { error: 'not found' });
  });
});

server.listen(port, '127.0.0.1', () => log(`sms sink on 127.0.0.1:${port}, writing ${file}`));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => { server.close(); process.exit(0); });
