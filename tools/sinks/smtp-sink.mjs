#!/usr/bin/env node
// SMTP sink for the CRS local stack: accepts every message and stores it, never delivers.
//   node tools/sinks/smtp-sink.mjs [--port 2525] [--dir $CRS_STACK_DIR/mail]
// Each message is written as DIR/<epoch-ms>-<seq>.eml (atomically: temp file + rename), the
// DATA exactly as received (dot-unstuffed) after two added headers carrying the envelope:
//   X-Sink-Envelope-From: <sender>
//   X-Sink-Envelope-To: <rcpt>[, <rcpt>…]
// Speaks plain SMTP/ESMTP (EHLO, HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT, AUTH PLAIN/LOGIN
// accepting any credentials); no TLS. No dependencies beyond Node.js.
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const port = Number(arg('port', process.env.CRS_SMTP_PORT || 2525));
const dir = path.resolve(arg('dir', path.join(process.env.CRS_STACK_DIR || '.stack', 'mail')));
const MAX_SIZE = 10 * 1024 * 1024;
fs.mkdirSync(dir, { recursive: true });

let seq = 0;
const log = (...a) => console.log(new Date().toISOString(), ...a);

function save(from, rcpts, data) {
  const name = `${Date.now()}-${String(++seq).padStart(5, '0')}.eml`;
  const head = `X-Sink-Envelope-From: <${from}>\r\nX-Sink-Envelope-To: ${rcpts.map((r) => `<${r}>`).join(', ')}\r\n`;
  const tmp = path.join(dir, `.${name}.tmp`);
  fs.writeFileSync(tmp, Buffer.concat([Buffer.from(head), data]));
  fs.renameSync(tmp, path.join(dir, name));
  log(`stored ${name} from <${from}> to ${rcpts.join(', ')} (${data.length} bytes)`);
  return name;
}

const server = net.createServer((sock) => {
  let buf = Buffer.alloc(0);
  let from = null;
  let rcpts = [];
  let inData = false;
  let dataLines = [];
  let dataSize = 0;
  let authStep = null; // 'plain' | 'login-user' | 'login-pass'
  const reply = (s) => sock.write(s + '\r\n');
  const reset = () => { from = null; rcpts = []; inData = false; dataLines = []; dataSize = 0; };

  reply('220 crs-smtp-sink ESMTP ready');

  function onLine(raw) {
    if (inData) {
      if (raw.length === 1 && raw[0] === 0x2e) { // "."
        inData = false;
        if (dataSize > MAX_SIZE) { reply('552 message too large'); reset(); return; }
        const name = save(from, rcpts, Buffer.concat(dataLines.flatMap((l) => [l, Buffer.from('\r\n')])));
        reply(`250 OK queued as ${name}`);
        reset();
        return;
      }
      const line = raw[0] === 0x2e ? raw.subarray(1) : raw; // dot-unstuffing
      dataSize += line.length + 2;
      if (dataSize <= MAX_SIZE) dataLines.push(line);
      return;
    }
    const line = raw.toString('utf8');
    if (authStep) {
      authStep = authStep === 'login-user' ? 'login-pass' : null;
      reply(authStep ? '334 UGFzc3dvcmQ6' : '235 2.7.0 Authentication successful');
      return;
    }
    const [verb, ...rest] = line.split(' ');
    const argText = rest.join(' ');
    switch (verb.toUpperCase()) {
      case 'EHLO':
        sock.write('250-crs-smtp-sink\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250-PIPELINING\r\n' +
          `250-SIZE ${MAX_SIZE}\r\n250-AUTH PLAIN LOGIN\r\n250 ENHANCEDSTATUSCODES\r\n`);
        break;
      case 'HELO': reply('250 crs-smtp-sink'); break;
      case 'MAIL': {
        const m = /^FROM:\s*<([^>]*)>/i.exec(argText);
        if (!m) { reply('501 5.5.4 syntax: MAIL FROM:<address>'); break; }
        reset(); from = m[1]; reply('250 2.1.0 OK');
        break;
      }
      case 'RCPT': {
        const m = /^TO:\s*<([^>]+)>/i.exec(argText);
        if (from === null) { reply('503 5.5.1 MAIL first'); break; }
        if (!m) { reply('501 5.5.4 syntax: RCPT TO:<address>'); break; }
        rcpts.push(m[1]); reply('250 2.1.5 OK');
        break;
      }
      case 'DATA':
        if (from === null || rcpts.length === 0) { reply('503 5.5.1 MAIL and RCPT first'); break; }
        inData = true; reply('354 end data with <CR><LF>.<CR><LF>');
        break;
      case 'AUTH': {
        const [mech, initial] = argText.split(' ');
        if (/^PLAIN$/i.test(mech)) {
          if (initial) reply('235 2.7.0 Authentication successful');
          else { authStep = 'plain'; reply('334 '); }
        } else if (/^LOGIN$/i.test(mech)) {
          authStep = initial ? 'login-pass' : 'login-user';
          reply(initial ? '334 UGFzc3dvcmQ6' : '334 VXNlcm5hbWU6');
        } else reply('504 5.5.4 unrecognised authentication type');
        break;
      }
      case 'RSET': reset(); reply('250 2.0.0 OK'); break;
      case 'NOOP': reply('250 2.0.0 OK'); break;
      case 'VRFY': reply('252 2.0.0 cannot verify'); break;
      case 'QUIT': reply('221 2.0.0 bye'); sock.end(); break;
      default: reply('502 5.5.2 command not implemented');
    }
  }

  sock.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    let i;
    while ((i = buf.indexOf(0x0a)) >= 0) {
      let line = buf.subarray(0, i);
      if (line.length && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
      buf = buf.subarray(i + 1);
      onLine(line);
    }
  });
  sock.on('error', () => {});
  sock.setTimeout(120000, () => sock.destroy());
});

server.listen(port, '127.0.0.1', () => log(`smtp sink on 127.0.0.1:${port}, writing ${dir}`));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => { server.close(); process.exit(0); });
