// Turns [data-tabs] (sections with an h2 each) into accessible tabs (WAI-ARIA tabs pattern).
// Without JavaScript every section stays visible.
for (const box of document.querySelectorAll('[data-tabs]')) {
  const panels = [...box.querySelectorAll(':scope > section')];
  const list = document.createElement('div');
  list.setAttribute('role', 'tablist');
  const tabs = panels.map((p, i) => {
    const t = document.createElement('button');
    t.type = 'button';
    t.setAttribute('role', 'tab');
    t.id = `tab-${p.id}`;
    t.setAttribute('aria-controls', p.id);
    t.textContent = p.querySelector('h2').textContent;
    p.setAttribute('role', 'tabpanel');
    p.setAttribute('aria-labelledby', t.id);
    p.tabIndex = 0;
    t.addEventListener('click', () => select(i, false));
    t.addEventListener('keydown', (ev) => {
      // Right to left: ArrowLeft goes to the next tab.
      const step = { ArrowLeft: 1, ArrowRight: -1, Home: -i, End: panels.length - 1 - i }[ev.key];
      if (step === undefined) return;
      ev.preventDefault();
      select((i + step + panels.length) % panels.length, true);
    });
    list.append(t);
    return t;
  });
  function select(n, focus, remember = true) {
    tabs.forEach((t, i) => {
      const on = i === n;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
      panels[i].hidden = !on;
    });
    if (focus) tabs[n].focus();
    if (remember) history.replaceState(null, '', `#${panels[n].id}`);
  }
  box.prepend(list);
  const start = Math.max(0, panels.findIndex((p) => `#${p.id}` === location.hash));
  select(start, false, false);
}
