// Helpers for the CRS integration tests (node:test). The stack under test is described by
// the environment that ./stack test exports: CRS_URL, CRS_ADMIN_URL, CRS_STACK_DIR,
// CRS_SMS_URL, CRS_SMTP_PORT, … (defaults: the ./stack up defaults).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const STACK_DIR = process.env.CRS_STACK_DIR || path.join(REPO, '.stack');
export const BASE = (process.env.CRS_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
export const ADMIN = (process.env.CRS_ADMIN_URL || 'http://127.0.0.1:8081').replace(/\/$/, '');
export const SMS_URL = (process.env.CRS_SMS_URL || `http://127.0.0.1:${process.env.CRS_SMS_PORT || 8093}`).replace(/\/$/, '');
export const MAIL_DIR = path.join(STACK_DIR, 'mail');

// ------------------------------------------------------------------ HTTP

function cookieHeader(cookies) {
  if (!cookies) return undefined;
  if (typeof cookies === 'string') return cookies;
  const pairs = cookies instanceof Map ? [...cookies] : Object.entries(cookies);
  return pairs.map(([k, v]) => `${k}=${v}`).join('; ') || undefined;
}

export async function request(base, method, urlPath, { json, form, body, headers = {}, cookies } = {}) {
  const h = { ...headers };
  let payload = body;
  if (json !== undefined) {
    payload = JSON.stringify(json);
    h['content-type'] ??= 'application/json';
  } else if (form !== undefined) {
    payload = new URLSearchParams(form).toString();
    h['content-type'] ??= 'application/x-www-form-urlencoded';
  }
  const cookie = cookieHeader(cookies);
  if (cookie) h.cookie = cookie;
  const url = /^https?:/.test(urlPath) ? urlPath : base + urlPath;
  const res = await fetch(url, { method, headers: h, body: payload, redirect: 'manual' });
  const text = await res.text();
  let parsed = null;
  if (text && /json/.test(res.headers.get('content-type') || '')) {
    try { parsed = JSON.parse(text); } catch { /* left null */ }
  }
  return { status: res.status, headers: res.headers, json: parsed, text };
}

/** A request to the public listener: api('POST', '/api/v1/track', {json: {...}}).
 *  Options: json | form | body (raw), headers, cookies (object, Map or "a=b; c=d").
 *  Returns {status, headers (a Headers), json (parsed JSON body or null), text}. Redirects
 *  are not followed. */
export function api(method, urlPath, opts = {}) {
  return request(BASE, method, urlPath, opts);
}

/** The Set-Cookie values of a response, one string per cookie. */
export function setCookies(headers) {
  if (typeof headers.getSetCookie === 'function') return headers.getSetCookie();
  const v = headers.get('set-cookie');
  return v ? v.split(/,(?=\s*[A-Za-z0-9_-]+=)/) : [];
}

/** A citizen's browser: keeps cookies (crs_session) and the csrf token, and sends
 *  X-CSRF-Token on every state-changing request (unless the request's options say
 *  `csrf: false`, or bring their own x-csrf-token header). */
export class Client {
  constructor() {
    this.cookies = new Map();
    this.csrf = null;
  }

  get session() {
    return this.cookies.get('crs_session') ?? null;
  }

  async request(method, urlPath, opts = {}) {
    const headers = { ...(opts.headers || {}) };
    if (!['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase()) && this.csrf && opts.csrf !== false &&
      !('x-csrf-token' in headers)) {
      headers['x-csrf-token'] = this.csrf;
    }
    const res = await api(method, urlPath, { ...opts, headers, cookies: opts.cookies ?? this.cookies });
    for (const c of setCookies(res.headers)) {
      const [pair, ...attrs] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    if (res.json && typeof res.json.csrf === 'string') this.csrf = res.json.csrf;
    return res;
  }

  get(p, o) { return this.request('GET', p, o); }
  post(p, json, o = {}) { return this.request('POST', p, { ...o, json }); }
  put(p, json, o = {}) { return this.request('PUT', p, { ...o, json }); }
  delete(p, o) { return this.request('DELETE', p, o); }

  /** POST /api/v1/session with a solved captcha; returns the response. */
  async login(national_id, serial) {
    const c = await captcha(this);
    return this.post('/api/v1/session', { national_id, serial, ...c });
  }
}

// ------------------------------------------------------------------ admin

export function adminToken() {
  return fs.readFileSync(path.join(STACK_DIR, 'secrets', 'admin.token'), 'utf8').trim();
}

/** A request to the admin listener with the admin bearer token. body: JSON (optional). */
export function admin(method, urlPath, body, { headers = {}, token } = {}) {
  return request(ADMIN, method, urlPath, {
    json: body,
    headers: { authorization: `Bearer ${token ?? adminToken()}`, ...headers },
  });
}

/** `./stack ctl ARGS…` (crsctl with the admin token) → {status, stdout, stderr}. */
export function ctl(...args) {
  const r = spawnSync(path.join(REPO, 'stack'), ['ctl', ...args], { env: process.env, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// ------------------------------------------------------------------ database

function unescapeBatch(cell) {
  if (cell === 'NULL') return null;
  return cell.replace(/\\(.)/g, (_, c) => ({ n: '\n', t: '\t', 0: '\0', '\\': '\\' }[c] ?? c));
}

/** Runs SQL on the stack's database (`crs`); returns rows as arrays of strings (NULL →
 *  null). Synchronous; throws with the client's message on error. */
export function sql(query) {
  const out = execFileSync('mariadb', ['--no-defaults', `--socket=${path.join(STACK_DIR, 'run', 'mysql.sock')}`,
    '-u', 'root', '--default-character-set=utf8mb4', '-N', '-B', 'crs', '-e', query],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out.split('\n').filter((l) => l !== '').map((l) => l.split('\t').map(unescapeBatch));
}

/** The first column of the first row, or undefined. */
export function sql1(query) {
  const rows = sql(query);
  return rows.length ? rows[0][0] : undefined;
}

/** Quotes a string for SQL. */
export function q(s) {
  return `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

// ------------------------------------------------------------------ captcha

/** Gets a captcha (through `client` when given, so it shares its cookies) and reads its
 *  answer from captcha_challenge. Returns {captcha_id, captcha_answer}. */
export async function captcha(client) {
  const res = client ? await client.get('/api/v1/captcha') : await api('GET', '/api/v1/captcha');
  if (res.status !== 200 || !res.json?.captcha_id) {
    throw new Error(`GET /api/v1/captcha: ${res.status} ${res.text.slice(0, 200)}`);
  }
  const id = res.json.captcha_id;
  const answer = sql1(`SELECT answer FROM captcha_challenge WHERE id = ${q(id)}`);
  if (answer === undefined) throw new Error(`captcha ${id} not found in captcha_challenge`);
  return { captcha_id: id, captcha_answer: answer };
}

// ------------------------------------------------------------------ waiting

/** Calls fn (may be async) until it returns a truthy value, which is returned; throws after
 *  ms milliseconds. */
export async function waitFor(fn, ms = 5000, { interval = 100, message } = {}) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() >= end) {
      throw new Error(`waitFor: ${message || 'condition'} not met in ${ms} ms${last ? ` (last error: ${last.message})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

// ------------------------------------------------------------------ sinks

/** Messages the SMS sink received (for one number when `to` is given), oldest first:
 *  [{id, at, to, text}]. */
export async function sms(to) {
  const res = await fetch(`${SMS_URL}/messages${to ? `?to=${encodeURIComponent(to)}` : ''}`);
  if (!res.ok) throw new Error(`sms sink: ${res.status}`);
  return res.json();
}

function decodeWords(s) {
  // RFC 2047 encoded words: =?charset?B|Q?text?=
  return s.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=(\s+(?==\?))?/g, (_, cs, enc, txt) => {
    const buf = /b/i.test(enc)
      ? Buffer.from(txt, 'base64')
      : Buffer.from(txt.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (m, h) => String.fromCharCode(parseInt(h, 16))), 'latin1');
    return new TextDecoder(/utf-?8/i.test(cs) ? 'utf-8' : cs).decode(buf);
  });
}

function parseHeaders(block) {
  const headers = {};
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const k = line.slice(0, i).trim().toLowerCase();
    const v = decodeWords(line.slice(i + 1).trim());
    headers[k] = k in headers ? `${headers[k]}, ${v}` : v;
  }
  return headers;
}

function headerParam(value, name) {
  const m = new RegExp(`${name}\\*?=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(value || '');
  if (!m) return undefined;
  const v = m[1] ?? m[2];
  return /^utf-8''/i.test(v) ? decodeURIComponent(v.replace(/^utf-8''/i, '')) : decodeWords(v);
}

function decodeBody(raw, headers) {
  const cte = (headers['content-transfer-encoding'] || '').toLowerCase();
  if (cte === 'base64') return Buffer.from(raw.toString('latin1').replace(/\s+/g, ''), 'base64');
  if (cte === 'quoted-printable') {
    const s = raw.toString('latin1').replace(/=\r?\n/g, '');
    return Buffer.from(s.replace(/=([0-9A-Fa-f]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))), 'latin1');
  }
  return raw;
}

function parsePart(buf) {
  const s = buf.toString('latin1');
  const m = /\r?\n\r?\n/.exec(s);
  const headBlock = m ? s.slice(0, m.index) : s;
  const bodyRaw = m ? buf.subarray(Buffer.byteLength(s.slice(0, m.index + m[0].length), 'latin1')) : Buffer.alloc(0);
  const headers = parseHeaders(Buffer.from(headBlock, 'latin1').toString('utf8'));
  const type = (headers['content-type'] || 'text/plain').split(';')[0].trim().toLowerCase();
  const boundary = headerParam(headers['content-type'], 'boundary');
  if (type.startsWith('multipart/') && boundary) {
    const parts = [];
    const chunks = bodyRaw.toString('latin1').split(new RegExp(`\\r?\\n?--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \\t]*\\r?\\n?`));
    for (const c of chunks.slice(1)) {
      if (c.trim() === '') continue;
      parts.push(...parsePart(Buffer.from(c, 'latin1')).parts);
    }
    return { headers, parts };
  }
  const content = decodeBody(bodyRaw, headers);
  const filename = headerParam(headers['content-disposition'], 'filename') ?? headerParam(headers['content-type'], 'name');
  return { headers, parts: [{ type, filename, headers, content }] };
}

/** Messages the SMTP sink stored, oldest first: [{file, raw, headers (lower-case names,
 *  decoded), from, to (envelope recipients), subject, text (text/plain or text/html parts,
 *  decoded), attachments: [{type, filename, content (Buffer)}]}]. */
export function mails() {
  let names = [];
  try { names = fs.readdirSync(MAIL_DIR).filter((n) => n.endsWith('.eml')).sort(); } catch { return []; }
  return names.map((name) => {
    const file = path.join(MAIL_DIR, name);
    const raw = fs.readFileSync(file);
    const { headers, parts } = parsePart(raw);
    const textParts = parts.filter((p) => p.type.startsWith('text/') && !p.filename);
    return {
      file,
      raw: raw.toString('utf8'),
      headers,
      from: (headers['x-sink-envelope-from'] || '').replace(/[<>]/g, ''),
      to: (headers['x-sink-envelope-to'] || '').split(',').map((s) => s.trim().replace(/[<>]/g, '')).filter(Boolean),
      subject: headers.subject || '',
      text: textParts.map((p) => p.content.toString('utf8')).join('\n'),
      attachments: parts.filter((p) => !textParts.includes(p)).map(({ type, filename, content }) => ({ type, filename, content })),
    };
  });
}
