// Shared code of the CRS bank simulators (sadad.mjs, parsian.mjs, demo.mjs).
// Node.js only, no dependencies. See tools/banksim/README.md for the protocols, the
// control API (POST /__control, GET /__control/orders) and the failure modes.
import http from 'node:http';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// ------------------------------------------------------------------ command line, logging

/** Value of `--name VALUE` on the command line, else `fallback`. */
export function cliArg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

/** True when `--name` is on the command line. */
export function cliFlag(name) {
  return process.argv.includes(`--${name}`);
}

/** First defined, non-empty value among the arguments. */
export function pick(...values) {
  for (const v of values) if (v !== undefined && v !== null && v !== '') return v;
  return undefined;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------ small helpers

export function escapeHtml(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

/** XML text/attribute escaping (the five predefined entities). */
export function escapeXml(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }[c]));
}

/** "1234567" → "1,234,567" (digits only; a leading minus is kept). */
export function formatThousands(digits) {
  const s = String(digits);
  const neg = s.startsWith('-');
  const d = neg ? s.slice(1) : s;
  return (neg ? '-' : '') + d.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A random string of n decimal digits whose first digit is not 0. */
export function randomDigits(n) {
  let out = String(1 + crypto.randomInt(9));
  while (out.length < n) out += String(crypto.randomInt(10));
  return out;
}

/** A fake card: masked PAN (first 6 + last 4) and an uppercase SHA-256 hex "hash". */
export function fakeCard(bin = '603799') {
  const pan = bin + randomDigits(10);
  return {
    masked: `${pan.slice(0, 6)}******${pan.slice(-4)}`,
    hash: crypto.createHash('sha256').update(pan).digest('hex').toUpperCase(),
  };
}

/** Canonical decimal form of an unsigned integer given as digits ("007" → "7"), or null. */
export function canonUint(digits) {
  if (typeof digits !== 'string' || !/^\d+$/.test(digits)) return null;
  return BigInt(digits).toString();
}

export const INT64_MAX = (1n << 63n) - 1n;

/** Number for JSON listings when it is exactly representable, else the decimal string. */
export function jsNum(digits) {
  if (digits === null || digits === undefined) return null;
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : String(digits);
}

// ------------------------------------------------------------------ strict JSON with raw numbers

/** A JSON number as written on the wire (e.g. "1000", "1e3", "12345678901234567890"). */
export class JsonNumber {
  constructor(raw) { this.raw = raw; }
  valueOf() { return Number(this.raw); }
  toString() { return this.raw; }
}

export class JsonSyntaxError extends Error {}

/**
 * Strict RFC 8259 parser. Numbers come back as JsonNumber (their exact text is kept, which
 * Sadad's SignData needs and which int64 values need); objects have no prototype.
 */
export function parseJson(text, { maxDepth = 64 } = {}) {
  let s = String(text);
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  let i = 0;
  const fail = (msg) => { throw new JsonSyntaxError(`${msg} at offset ${i}`); };
  const ws = () => { while (i < s.length && ' \t\n\r'.includes(s[i])) i++; };
  const NUM = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  function str() {
    i++; // opening quote
    let out = '';
    for (;;) {
      if (i >= s.length) fail('unterminated string');
      const c = s[i];
      if (c === '"') { i++; return out; }
      if (c.charCodeAt(0) < 0x20) fail('control character in string');
      if (c === '\\') {
        const e = s[i + 1];
        const simple = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }[e];
        if (simple !== undefined) { out += simple; i += 2; continue; }
        if (e === 'u') {
          const h = s.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(h)) fail('bad \\u escape');
          out += String.fromCharCode(parseInt(h, 16));
          i += 6;
          continue;
        }
        fail('bad escape');
      }
      out += c;
      i++;
    }
  }
  function value(depth) {
    if (depth > maxDepth) fail('nesting too deep');
    ws();
    const c = s[i];
    if (c === '{') {
      i++;
      const obj = Object.create(null);
      ws();
      if (s[i] === '}') { i++; return obj; }
      for (;;) {
        ws();
        if (s[i] !== '"') fail('expected a property name');
        const k = str();
        ws();
        if (s[i] !== ':') fail('expected ":"');
        i++;
        obj[k] = value(depth + 1);
        ws();
        if (s[i] === ',') { i++; continue; }
        if (s[i] === '}') { i++; return obj; }
        fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const arr = [];
      ws();
      if (s[i] === ']') { i++; return arr; }
      for (;;) {
        arr.push(value(depth + 1));
        ws();
        if (s[i] === ',') { i++; continue; }
        if (s[i] === ']') { i++; return arr; }
        fail('expected "," or "]"');
      }
    }
    if (c === '"') return str();
    if (s.startsWith('true', i)) { i += 4; return true; }
    if (s.startsWith('false', i)) { i += 5; return false; }
    if (s.startsWith('null', i)) { i += 4; return null; }
    NUM.lastIndex = i;
    const m = NUM.exec(s);
    if (m) { i += m[0].length; return new JsonNumber(m[0]); }
    return fail('unexpected character');
  }
  const v = value(0);
  ws();
  if (i !== s.length) fail('trailing characters');
  return v;
}

/** Object → Map keyed by lowercased property names (the banks match JSON keys case-insensitively). */
export function ciMap(obj) {
  const m = new Map();
  if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
    for (const [k, v] of Object.entries(obj)) m.set(k.toLowerCase(), v);
  }
  return m;
}

/**
 * An unsigned integer field that may arrive as a JSON number or a string of digits.
 * → {raw, canon} (raw = the text exactly as sent, canon = canonical decimal) or null.
 */
export function uintField(v) {
  let raw = null;
  if (v instanceof JsonNumber) raw = v.raw;
  else if (typeof v === 'string') raw = v;
  if (raw === null || !/^\d+$/.test(raw)) return null;
  const big = BigInt(raw);
  if (big > INT64_MAX) return null;
  return { raw, canon: big.toString() };
}

/** Text of a JSON scalar exactly as sent (number text, string value), or null. */
export function scalarText(v) {
  if (v instanceof JsonNumber) return v.raw;
  if (typeof v === 'string') return v;
  return null;
}

/** Marks a value to be written into JSON as a bare number from its decimal text. */
export class RawNumber {
  constructor(digits) { this.digits = String(digits); }
}

/** JSON.stringify that writes RawNumber values as bare numbers (int64-safe). */
export function stringifyJson(obj) {
  const raws = [];
  const text = JSON.stringify(obj, (k, v) => {
    if (v instanceof RawNumber) { raws.push(v.digits); return `\u0000RAW${raws.length - 1}\u0000`; }
    return v;
  });
  return text.replace(/"\\u0000RAW(\d+)\\u0000"/g, (_, n) => raws[Number(n)]);
}

// ------------------------------------------------------------------ strict XML reader

export class XmlError extends Error {}

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
const NCNAME = '[A-Za-z_\\u00C0-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD][A-Za-z0-9_.\\-\\u00B7\\u00C0-\\u02FF\\u0300-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u203F-\\u2040\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD]*';
const QNAME_RE = new RegExp(`(${NCNAME})(?::(${NCNAME}))?`, 'y');
// Characters XML 1.0 does not allow anywhere (surrogate pairs are checked separately).
const BAD_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function validCodePoint(cp) {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/**
 * Parses a complete XML 1.0 document (with namespaces) strictly: well-formedness errors,
 * undeclared prefixes, duplicate attributes, unknown entities, DTDs and non-UTF-8 encoding
 * declarations throw XmlError. Returns the root element:
 *   {qname, prefix, local, ns, attrs:[{qname, prefix, local, ns, value}], children:[element],
 *    text (the element's own character data, entities decoded), hasText (non-blank text seen)}
 */
export function parseXml(input, { maxDepth = 64 } = {}) {
  let s = String(input);
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  if (BAD_CHARS.test(s) || LONE_SURROGATE.test(s)) throw new XmlError('character not allowed in XML');
  s = s.replace(/\r\n?/g, '\n');
  let i = 0;
  const fail = (msg) => { throw new XmlError(`${msg} (offset ${i})`); };
  const isWs = (c) => c === ' ' || c === '\t' || c === '\n';
  const ws = () => { const st = i; while (i < s.length && isWs(s[i])) i++; return i > st; };
  const expect = (lit) => { if (!s.startsWith(lit, i)) fail(`expected "${lit}"`); i += lit.length; };

  function qname() {
    QNAME_RE.lastIndex = i;
    const m = QNAME_RE.exec(s);
    if (!m) fail('expected a name');
    i += m[0].length;
    return m[2] === undefined ? { qname: m[0], prefix: '', local: m[1] } : { qname: m[0], prefix: m[1], local: m[2] };
  }

  function reference() {
    // at '&'
    const end = s.indexOf(';', i);
    if (end < 0 || end - i > 12) fail('bad entity reference');
    const body = s.slice(i + 1, end);
    i = end + 1;
    const named = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[body];
    if (named !== undefined) return named;
    let cp = null;
    if (/^#[0-9]+$/.test(body)) cp = parseInt(body.slice(1), 10);
    else if (/^#x[0-9a-fA-F]+$/.test(body)) cp = parseInt(body.slice(2), 16);
    else fail(`unknown entity "&${body};"`);
    if (!validCodePoint(cp)) fail('character reference to a character XML does not allow');
    return String.fromCodePoint(cp);
  }

  function comment() {
    // at '<!--'
    const end = s.indexOf('-->', i + 4);
    if (end < 0) fail('unterminated comment');
    const body = s.slice(i + 4, end);
    if (body.includes('--') || body.endsWith('-')) fail('"--" inside a comment');
    i = end + 3;
  }

  function pi() {
    // at '<?'
    i += 2;
    const t = qname();
    if (t.qname.toLowerCase() === 'xml') fail('XML declaration not at the start of the document');
    if (t.prefix) fail('colon in a processing-instruction target');
    const end = s.indexOf('?>', i);
    if (end < 0) fail('unterminated processing instruction');
    if (end > i && !isWs(s[i])) fail('bad processing instruction');
    i = end + 2;
  }

  function misc() {
    for (;;) {
      ws();
      if (s.startsWith('<!--', i)) comment();
      else if (s.startsWith('<?', i)) pi();
      else return;
    }
  }

  function xmlDecl() {
    const end = s.indexOf('?>');
    if (end < 0) fail('unterminated XML declaration');
    const decl = s.slice(5, end);
    const m = /^\s+version\s*=\s*(["'])1\.[0-9]+\1(\s+encoding\s*=\s*(["'])([A-Za-z][A-Za-z0-9._-]*)\3)?(\s+standalone\s*=\s*(["'])(yes|no)\6)?\s*$/.exec(decl);
    if (!m) fail('malformed XML declaration');
    if (m[4] && !/^utf-?8$/i.test(m[4])) fail(`encoding "${m[4]}" not supported (UTF-8 only)`);
    i = end + 2;
  }

  function element(scope, depth) {
    if (depth > maxDepth) fail('elements nested too deeply');
    expect('<');
    const name = qname();
    const rawAttrs = [];
    for (;;) {
      const hadWs = ws();
      if (s.startsWith('/>', i) || s[i] === '>') break;
      if (!hadWs) fail('whitespace required before an attribute');
      const an = qname();
      ws();
      expect('=');
      ws();
      const q = s[i];
      if (q !== '"' && q !== "'") fail('attribute value must be quoted');
      i++;
      let v = '';
      for (;;) {
        if (i >= s.length) fail('unterminated attribute value');
        const c = s[i];
        if (c === q) { i++; break; }
        if (c === '<') fail('"<" in an attribute value');
        if (c === '&') { v += reference(); continue; }
        v += (c === '\t' || c === '\n') ? ' ' : c;
        i++;
      }
      if (rawAttrs.some((a) => a.qname === an.qname)) fail(`duplicate attribute "${an.qname}"`);
      rawAttrs.push({ ...an, value: v });
    }
    // namespace declarations
    const ns = new Map(scope);
    for (const a of rawAttrs) {
      if (a.prefix === '' && a.local === 'xmlns') {
        if (a.value === XML_NS || a.value === XMLNS_NS) fail('reserved namespace as default');
        ns.set('', a.value);
      } else if (a.prefix === 'xmlns') {
        if (a.local === 'xmlns') fail('prefix "xmlns" must not be declared');
        if (a.value === '') fail(`empty namespace for prefix "${a.local}"`);
        if (a.local === 'xml' ? a.value !== XML_NS : a.value === XML_NS || a.value === XMLNS_NS) fail('reserved namespace misuse');
        ns.set(a.local, a.value);
      }
    }
    const resolve = (prefix, isAttr) => {
      if (prefix === '') return isAttr ? '' : (ns.get('') || '');
      if (prefix === 'xml') return XML_NS;
      if (prefix === 'xmlns') return XMLNS_NS;
      if (!ns.has(prefix)) fail(`undeclared namespace prefix "${prefix}"`);
      return ns.get(prefix);
    };
    const el = { ...name, ns: resolve(name.prefix, false), attrs: [], children: [], text: '', hasText: false };
    const seen = new Set();
    for (const a of rawAttrs) {
      const isDecl = (a.prefix === '' && a.local === 'xmlns') || a.prefix === 'xmlns';
      const ans = isDecl ? XMLNS_NS : resolve(a.prefix, true);
      const key = `${ans}\u0000${a.local}`;
      if (seen.has(key)) fail(`duplicate attribute "${a.qname}"`);
      seen.add(key);
      el.attrs.push({ ...a, ns: ans });
    }
    if (s.startsWith('/>', i)) { i += 2; return el; }
    expect('>');
    for (;;) {
      if (i >= s.length) fail(`unclosed element <${name.qname}>`);
      if (s.startsWith('</', i)) {
        i += 2;
        const end = qname();
        if (end.qname !== name.qname) fail(`end tag </${end.qname}> does not match <${name.qname}>`);
        ws();
        expect('>');
        return el;
      }
      if (s.startsWith('<!--', i)) { comment(); continue; }
      if (s.startsWith('<![CDATA[', i)) {
        const end = s.indexOf(']]>', i + 9);
        if (end < 0) fail('unterminated CDATA section');
        const t = s.slice(i + 9, end);
        el.text += t;
        if (t.trim()) el.hasText = true;
        i = end + 3;
        continue;
      }
      if (s.startsWith('<?', i)) { pi(); continue; }
      if (s.startsWith('<!', i)) fail('markup declaration not allowed here');
      if (s[i] === '<') { el.children.push(element(ns, depth + 1)); continue; }
      if (s[i] === '&') { const t = reference(); el.text += t; if (t.trim()) el.hasText = true; continue; }
      let j = i;
      while (j < s.length && s[j] !== '<' && s[j] !== '&') j++;
      const t = s.slice(i, j);
      if (t.includes(']]>')) fail('"]]>" in character data');
      el.text += t;
      if (t.trim()) el.hasText = true;
      i = j;
    }
  }

  if (s.startsWith('<?xml', i) && /[\s?]/.test(s[5] || '')) xmlDecl();
  misc();
  if (s.startsWith('<!DOCTYPE', i) || s.startsWith('<!doctype', i)) fail('DTDs are not allowed');
  if (s[i] !== '<') fail('no root element');
  const root = element(new Map(), 1);
  misc();
  if (i !== s.length) fail('content after the root element');
  return root;
}

// ------------------------------------------------------------------ HTML pages

const PAGE_CSS = 'body{font-family:Tahoma,Vazirmatn,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;line-height:1.8}' +
  '.sim{background:#fee;border:1px solid #c99;padding:.3rem .6rem;font-size:.85rem}dl{display:grid;grid-template-columns:auto 1fr;gap:.2rem 1rem}' +
  'dt{font-weight:bold}button{font:inherit;padding:.4rem 1.2rem;margin:.3rem}';

function page(title, body, { dir = 'rtl' } = {}) {
  return `<!DOCTYPE html>\n<html lang="fa" dir="${dir}">\n<head>\n<meta charset="utf-8">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>${escapeHtml(title)}</title>\n` +
    `<style>${PAGE_CSS}</style>\n</head>\n<body>\n${body}\n</body>\n</html>\n`;
}

/**
 * The purchase page: amount and order, and a form (POST to `action`) with hidden fields and the
 * buttons `<button name="action" value="pay">`, `value="decline"`, `value="cancel"`.
 */
export function purchasePageHtml({ title, bank, merchant, amount, orderId, action, hidden, note }) {
  const inputs = Object.entries(hidden).map(([k, v]) =>
    `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join('\n');
  return page(title, `<p class="sim">شبیه‌ساز آزمایشی؛ بانک واقعی نیست (SIMULATOR, not a real bank).</p>
<h1>${escapeHtml(bank)}</h1>
<dl>
<dt>پذیرنده</dt><dd id="merchant">${escapeHtml(merchant)}</dd>
<dt>مبلغ</dt><dd id="amount" data-amount="${escapeHtml(amount)}">${escapeHtml(formatThousands(amount))} ریال</dd>
<dt>شماره سفارش</dt><dd id="order-id">${escapeHtml(orderId)}</dd>
</dl>
${note ? `<p>${escapeHtml(note)}</p>` : ''}
<form id="purchase" method="post" action="${escapeHtml(action)}">
${inputs}
<button type="submit" name="action" value="pay">پرداخت</button>
<button type="submit" name="action" value="decline">رد شدن کارت (آزمایشی)</button>
<button type="submit" name="action" value="cancel">انصراف</button>
</form>`);
}

/** An error page of the bank (no form). `code` is also put in a data attribute for tests. */
export function errorPageHtml({ title, code, message }) {
  return page(title, `<p class="sim">شبیه‌ساز آزمایشی؛ بانک واقعی نیست (SIMULATOR, not a real bank).</p>
<h1>${escapeHtml(title)}</h1>
<p id="error" data-code="${escapeHtml(code)}">${escapeHtml(message)} (${escapeHtml(code)})</p>`);
}

/**
 * The answer to the purchase form: a page whose form POSTs `fields` (an array of [name, value]
 * pairs, in that order) to the merchant's return URL and submits itself.
 */
export function autoPostHtml({ title, url, fields }) {
  const inputs = fields.map(([k, v]) =>
    `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join('\n');
  return page(title, `<p>در حال بازگشت به سایت پذیرنده…</p>
<form id="callback" method="post" action="${escapeHtml(url)}" enctype="application/x-www-form-urlencoded">
${inputs}
<noscript><button type="submit">بازگشت به سایت پذیرنده</button></noscript>
</form>
<script>document.getElementById('callback').submit();</script>`);
}

// ------------------------------------------------------------------ HTTP replies

export function sendBody(res, status, type, body, headers = {}) {
  if (res.writableEnded || res.destroyed) return;
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(String(body), 'utf8');
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': buf.length, 'Cache-Control': 'no-store', ...headers });
  res.end(buf);
}

export function sendJson(res, status, obj, headers) {
  sendBody(res, status, 'application/json; charset=utf-8', stringifyJson(obj), headers);
}

export function sendHtml(res, status, html, headers) {
  sendBody(res, status, 'text/html; charset=utf-8', html, headers);
}

/** Query-string parameter looked up case-insensitively (`Token` / `token`). */
export function queryCI(url, name) {
  const want = name.toLowerCase();
  for (const [k, v] of url.searchParams) if (k.toLowerCase() === want) return v;
  return null;
}

/** Parses an application/x-www-form-urlencoded body into a Map keyed by lowercased names. */
export function parseFormCI(raw) {
  const m = new Map();
  for (const [k, v] of new URLSearchParams(raw)) if (!m.has(k.toLowerCase())) m.set(k.toLowerCase(), v);
  return m;
}

export function mediaType(req) {
  return String(req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
}

// ------------------------------------------------------------------ orders, modes, control API

export const MODES = [
  'decline', 'cancel', 'slow_token', 'slow_verify', 'verify_fails', 'verify_hangs',
  'double_confirm_ok', 'confirm_already', 'amount_mismatch', 'token_error',
  // extra fault injection (README): dropped connection / HTTP 500 on the token or verify call
  'token_drop', 'token_500', 'verify_drop', 'verify_500',
];

const MIN = 60 * 1000;

function parseModes(v) {
  if (v === null || v === undefined || v === '' || v === 'none') return [];
  const list = Array.isArray(v) ? v : String(v).split(',');
  const out = list.map((x) => String(x).trim()).filter(Boolean);
  const bad = out.filter((m) => !MODES.includes(m));
  if (bad.length) throw new Error(`unknown mode(s) ${bad.join(', ')}; modes: ${MODES.join(', ')}`);
  return out;
}

/**
 * In-memory state of one simulator: orders (by canonical order id), tokens, per-order modes set
 * before the order exists, a FIFO of modes for the next orders, and the runtime configuration.
 */
export class SimState {
  constructor({ config, schema, describe }) {
    this.initialConfig = { ...config };
    this.config = { ...config };
    this.schema = schema;           // key → (value) => normalised value (throws on bad input)
    this.describe = describe;       // order → JSON for GET /__control/orders
    this.clear();
  }

  clear() {
    this.orders = new Map();        // orderId → order
    this.byToken = new Map();       // token → order
    this.pending = new Map();       // orderId → {modes, code}
    this.next = [];                 // [{modes, code}]
  }

  reset() {
    this.clear();
    this.config = { ...this.initialConfig };
  }

  /** Modes for an order about to be created: the ones set for its id, else the next queued ones. */
  takeModes(orderId) {
    const p = this.pending.get(orderId);
    if (p) return { modes: new Set(p.modes), code: p.code };
    const n = this.next.shift();
    if (n) return { modes: new Set(n.modes), code: n.code };
    return { modes: new Set(), code: undefined };
  }

  /** A new order record; `m` = the result of takeModes(orderId). Not stored until store(). */
  newOrder(fields, m) {
    const now = Date.now();
    const { modes, code } = m;
    const o = {
      state: 'created', createdAt: now, paidAt: null, verifiedAt: null, reversedAt: null,
      verifyCount: 0, callback: null, modes, modeCode: code, ...fields,
    };
    return o;
  }

  store(o) {
    this.orders.set(o.orderId, o);
    if (o.token) this.byToken.set(String(o.token), o);
    return o;
  }

  /** POST /__control body → reply object; throws {status, message} on bad input. */
  control(body) {
    const bad = (status, message) => { const e = new Error(message); e.status = status; throw e; };
    if (!body || typeof body !== 'object' || Array.isArray(body)) bad(400, 'body must be a JSON object');
    const b = {};
    for (const [k, v] of Object.entries(body)) b[k] = v instanceof JsonNumber ? v.raw : v;
    const known = ['reset', 'order_id', 'mode', 'code', 'next', 'age_minutes', 'config'];
    const unknown = Object.keys(b).filter((k) => !known.includes(k));
    if (unknown.length) bad(400, `unknown key(s) ${unknown.join(', ')}; known: ${known.join(', ')}`);
    const reply = { ok: true };
    if (b.reset === true) { this.reset(); reply.reset = true; }
    let code;
    if (b.code !== undefined && b.code !== null) {
      if (!/^-?\d+$/.test(String(b.code))) bad(400, '"code" must be an integer');
      code = String(b.code);
    }
    if (b.config !== undefined) {
      if (!b.config || typeof b.config !== 'object') bad(400, '"config" must be an object');
      for (const [k, v0] of Object.entries(b.config)) {
        const v = v0 instanceof JsonNumber ? v0.raw : v0;
        if (!this.schema[k]) bad(400, `unknown config key "${k}"; known: ${Object.keys(this.schema).join(', ')}`);
        try { this.config[k] = this.schema[k](v); } catch (e) { bad(400, `config ${k}: ${e.message}`); }
      }
      reply.config = this.config;
    }
    if (b.next !== undefined) {
      let modes;
      try { modes = parseModes(b.next); } catch (e) { bad(400, e.message); }
      this.next.push({ modes, code });
      reply.next_queue = this.next.map((n) => n.modes);
    }
    if (b.order_id !== undefined) {
      const id = canonUint(String(b.order_id));
      if (id === null) bad(400, '"order_id" must be an unsigned integer');
      if (b.mode !== undefined) {
        let modes;
        try { modes = parseModes(b.mode); } catch (e) { bad(400, e.message); }
        this.pending.set(id, { modes, code });
        const o = this.orders.get(id);
        if (o) { o.modes = new Set(modes); o.modeCode = code; }
        reply.order_id = id;
        reply.mode = modes;
      }
      if (b.age_minutes !== undefined) {
        const n = Number(b.age_minutes);
        if (!Number.isFinite(n)) bad(400, '"age_minutes" must be a number');
        const o = this.orders.get(id);
        if (!o) bad(404, `no order ${id}`);
        const d = n * MIN;
        for (const k of ['createdAt', 'paidAt', 'verifiedAt', 'reversedAt']) if (o[k] !== null && o[k] !== undefined) o[k] -= d;
        reply.order_id = id;
        reply.aged_minutes = n;
      }
      if (b.mode === undefined && b.age_minutes === undefined) bad(400, '"order_id" needs "mode" or "age_minutes"');
    } else if (b.mode !== undefined || b.age_minutes !== undefined) {
      bad(400, '"mode" and "age_minutes" need "order_id" (or use "next")');
    }
    return reply;
  }

  listOrders(filterId) {
    const out = [];
    for (const o of this.orders.values()) if (filterId === null || o.orderId === filterId) out.push(this.describe(o));
    return out;
  }
}

/** Common JSON description of an order (each simulator adds its own fields). */
export function describeCommon(o) {
  const iso = (t) => (t === null || t === undefined ? null : new Date(t).toISOString());
  return {
    order_id: jsNum(o.orderId),
    amount: jsNum(o.amount),
    token: o.token === undefined || o.token === null ? null : String(o.token),
    state: o.state,
    modes: [...o.modes],
    created_at: iso(o.createdAt),
    paid_at: iso(o.paidAt),
    verified_at: iso(o.verifiedAt),
    reversed_at: iso(o.reversedAt),
    verify_count: o.verifyCount,
    return_url: o.returnUrl ?? null,
    callback: o.callback,          // {url, fields:{…}} of the last auto-form, or null
  };
}

/** Config value parsers for SimState schemas. */
export const cfg = {
  int: (min = -Infinity, max = Infinity) => (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`an integer in [${min}, ${max}] expected`);
    return n;
  },
  num: (min = 0) => (v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new Error(`a number ≥ ${min} expected`);
    return n;
  },
  oneOf: (...values) => (v) => {
    const s = String(v);
    if (!values.includes(s)) throw new Error(`one of ${values.join(', ')} expected`);
    return s;
  },
  bool: () => (v) => {
    if (v === true || v === 'true' || v === '1' || v === 1) return true;
    if (v === false || v === 'false' || v === '0' || v === 0) return false;
    throw new Error('a boolean expected');
  },
};

/**
 * Startup configuration: for each key of `defaults`, `--kebab-key VALUE` on the command line,
 * else the environment variable (`aliases[key]`, else PREFIX_KEY uppercased), else the default.
 * Values go through `schema[key]`; a bad value exits with status 2.
 */
export function loadConfig(envPrefix, defaults, schema, aliases = {}) {
  const out = {};
  for (const [key, def] of Object.entries(defaults)) {
    const flag = key.replace(/_/g, '-');
    const envs = [].concat(aliases[key] || [], `${envPrefix}_${key.toUpperCase()}`);
    const raw = pick(cliArg(flag), ...envs.map((e) => process.env[e]));
    if (raw === undefined) { out[key] = def; continue; }
    try { out[key] = schema[key](raw); } catch (e) {
      console.error(`bad value for --${flag} / ${envs.join(' / ')}: ${e.message}`);
      process.exit(2);
    }
  }
  return out;
}

/** True when the module is the program being run (not imported by a test). */
export function isMain(metaUrl) {
  if (!process.argv[1]) return false;
  const real = (p) => { try { return fs.realpathSync(p); } catch { return path.resolve(p); } };
  return real(fileURLToPath(metaUrl)) === real(process.argv[1]);
}

// ------------------------------------------------------------------ the server

/**
 * Starts a simulator.
 *   name      short name for the log ("sadad")
 *   port      TCP port (0 = any; the chosen one is printed)
 *   state     a SimState
 *   handle    async (req, res, ctx) → handles the bank's own routes; ctx = {url, path (lowercased
 *             pathname), body (Buffer), hang(), note(text)}; must send a reply (or hang)
 *   bodyLimit request body limit in bytes (413 beyond)
 * Control routes served here: POST /__control, GET /__control/orders[?order_id=&token=], GET /__control/health.
 * One log line per call on stdout unless --quiet. SIGTERM/SIGINT close everything and exit 0.
 */
export function startSim({ name, port, host = '127.0.0.1', state, handle, bodyLimit = 64 * 1024 }) {
  const quiet = cliFlag('quiet') || process.env.CRS_BANKSIM_QUIET === '1';
  const hanging = new Set();

  const server = http.createServer((req, res) => {
    const started = Date.now();
    const url = new URL(req.url, 'http://localhost');
    let note = '';
    let hung = false;
    res.on('close', () => {
      hanging.delete(res);
      if (quiet) return;
      const status = res.writableFinished ? res.statusCode : (hung ? 'hung-then-closed' : 'closed');
      console.log(`${new Date().toISOString()} ${name} ${req.method} ${url.pathname}${url.search} -> ${status} ${Date.now() - started}ms${note ? ' ' + note : ''}`);
    });
    const chunks = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c) => {
      size += c.length;
      if (size > bodyLimit) tooBig = true; else chunks.push(c);
    });
    req.on('error', () => {});
    req.on('end', async () => {
      if (tooBig) return sendJson(res, 413, { error: `request body over ${bodyLimit} bytes` });
      const body = Buffer.concat(chunks);
      const path = url.pathname.toLowerCase();
      const ctx = {
        url, path, body,
        note: (t) => { note = note ? `${note} ${t}` : t; },
        hang: () => { hung = true; hanging.add(res); },
      };
      try {
        if (path === '/__control' || path.startsWith('/__control/')) return controlRoute(req, res, ctx);
        await handle(req, res, ctx);
      } catch (e) {
        console.error(`${name}: internal error on ${req.method} ${url.pathname}:`, e);
        if (!res.headersSent) sendJson(res, 500, { error: `simulator bug: ${e.message}` });
        else res.destroy();
      }
    });
  });

  function controlRoute(req, res, ctx) {
    if (req.method === 'POST' && ctx.path === '/__control') {
      let body;
      try { body = ctx.body.length ? parseJson(ctx.body.toString('utf8')) : {}; } catch (e) {
        return sendJson(res, 400, { error: `body must be JSON: ${e.message}` });
      }
      try {
        const reply = state.control(body);
        if (reply.reset) for (const r of hanging) r.destroy();
        ctx.note(JSON.stringify(body, (k, v) => (v instanceof JsonNumber ? Number(v.raw) : v)));
        return sendJson(res, 200, reply);
      } catch (e) {
        return sendJson(res, e.status || 400, { error: e.message });
      }
    }
    if (req.method === 'GET' && ctx.path === '/__control/orders') {
      const f = ctx.url.searchParams.get('order_id');
      const tok = ctx.url.searchParams.get('token');
      const id = f === null ? null : (canonUint(f) ?? '-');
      let orders = state.listOrders(id);
      if (tok !== null) orders = orders.filter((o) => o.token === tok || (/^\d+$/.test(tok) && o.token === canonUint(tok)));
      return sendJson(res, 200, { orders, config: state.config, next_queue: state.next.map((n) => n.modes) });
    }
    if (req.method === 'GET' && ctx.path === '/__control/health') return sendJson(res, 200, { ok: true, name });
    return sendJson(res, 404, { error: 'control routes: POST /__control, GET /__control/orders, GET /__control/health' });
  }

  server.keepAliveTimeout = 5000;
  server.requestTimeout = 0;       // verify_hangs keeps requests open on purpose

  const shutdown = () => {
    for (const r of hanging) r.destroy();
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  server.on('error', (e) => {
    console.error(`${name}: cannot listen on ${host}:${port}: ${e.message}`);
    process.exit(1);
  });
  server.listen(port, host, () => {
    const p = server.address().port;
    console.log(`${name} simulator listening on http://${host}:${p}`);
  });
  return server;
}

/** HTML body of the simulated HTTP 500 (IIS style). */
export const HTTP_500_HTML = '<html><body><h1>500 - Internal server error.</h1></body></html>';

/**
 * Failure modes applied before a verify/confirm call is processed: slow_verify (answer after
 * slowMs), verify_hangs (never answer; the socket stays open until the client gives up),
 * verify_500 (HTTP 500, nothing processed). Returns true when the reply is taken care of.
 */
export async function beforeVerify(o, res, ctx, slowMs) {
  if (o.modes.has('slow_verify')) { ctx.note('slow_verify'); await sleep(slowMs); }
  if (o.modes.has('verify_hangs')) { ctx.note('verify_hangs'); ctx.hang(); return true; }
  if (o.modes.has('verify_500')) { ctx.note('verify_500'); sendBody(res, 500, 'text/html; charset=utf-8', HTTP_500_HTML); return true; }
  return false;
}

/** verify_drop: the call was processed but the connection is dropped instead of answering. */
export function dropAfterVerify(o, res, ctx) {
  if (!o.modes.has('verify_drop')) return false;
  ctx.note('verify_drop');
  res.destroy();
  return true;
}
