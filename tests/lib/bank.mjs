// A citizen's browser at the bank, without a browser: open the redirect the
// core describes, press a button on the simulator's page, and carry the
// auto-submitting callback form back to CRS. Each step can be skipped to play
// "the browser never comes back".
function decode(s) {
  return s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The first <form> of an HTML page: {action, method, fields}. */
export function parseForm(html, base) {
  const f = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
  if (!f) throw new Error(`no form in page: ${html.slice(0, 300)}`);
  const attr = (tag, name) => {
    const m = new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"`, 'i').exec(tag);
    return m ? decode(m[1]) : undefined;
  };
  const fields = {};
  for (const m of f[2].matchAll(/<input\b[^>]*>/gi)) {
    const name = attr(m[0], 'name');
    if (name) fields[name] = attr(m[0], 'value') ?? '';
  }
  return {
    action: new URL(attr(f[1], 'action') ?? '', base).toString(),
    method: (attr(f[1], 'method') ?? 'get').toUpperCase(),
    fields,
  };
}

/** Opens the bank page the payment's redirect describes. */
export async function openBank(redirect) {
  const url = new URL(redirect.url);
  let res;
  if (redirect.method === 'POST') {
    res = await fetch(url, { method: 'POST', body: new URLSearchParams(redirect.fields || {}) });
  } else {
    for (const [k, v] of Object.entries(redirect.fields || {})) {
      if (!url.searchParams.has(k)) url.searchParams.set(k, v);
    }
    res = await fetch(url);
  }
  const html = await res.text();
  if (res.status !== 200) throw new Error(`bank page ${url}: ${res.status} ${html.slice(0, 200)}`);
  return { url: url.toString(), html };
}

/** Presses pay | cancel | decline; returns the callback form the bank's
 *  answer would auto-submit to CRS. */
export async function press(page, action = 'pay') {
  const form = parseForm(page.html, page.url);
  const res = await fetch(form.action, { method: 'POST', body: new URLSearchParams({ ...form.fields, action }) });
  const html = await res.text();
  if (res.status !== 200) throw new Error(`bank ${action}: ${res.status} ${html.slice(0, 200)}`);
  return parseForm(html, form.action);
}

/** Delivers the callback to CRS (through nginx) as the browser would. */
export async function deliver(callback, overrides = {}) {
  const res = await fetch(callback.action, {
    method: 'POST', redirect: 'manual',
    body: new URLSearchParams({ ...callback.fields, ...overrides }),
  });
  return { status: res.status, location: res.headers.get('location') };
}

export const SIM = {
  sadad: `http://127.0.0.1:${process.env.CRS_SADAD_PORT || 8091}`,
  parsian: `http://127.0.0.1:${process.env.CRS_PARSIAN_PORT || 8092}`,
  demo: `http://127.0.0.1:${process.env.CRS_DEMO_BANK_PORT || 8095}`,
};

/** Sets a simulator failure mode for an order, or for the next order. */
export async function simMode(gateway, body) {
  const res = await fetch(`${SIM[gateway]}/__control`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`control ${gateway}: ${res.status} ${await res.text()}`);
  return res.json();
}

export async function simOrders(gateway, query = '') {
  const res = await fetch(`${SIM[gateway]}/__control/orders${query}`);
  return res.json();
}
