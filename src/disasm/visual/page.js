// bpfscope CFG page (src/disasm/visual/page.js): pan, zoom, search, the
// block panel, folding of subprograms and the verifier's path. All text
// from the program goes through textContent, never through HTML.
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('cfg-data').textContent);
  const $ = (id) => document.getElementById(id);
  const view = $('view');
  const svg = $('graph');
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const node = (id) => document.getElementById(id);
  const blockOfInsn = (i) =>
    data.blocks.findIndex((b) => b.start <= i && i < b.end);

  // ---- pan and zoom: the viewBox follows a scale (px per unit) and origin.
  const vb0 = svg.viewBox.baseVal;
  const full = { x: vb0.x, y: vb0.y, w: vb0.width, h: vb0.height };
  let scale = 1, ox = full.x, oy = full.y;
  function apply() {
    const w = view.clientWidth / scale, h = view.clientHeight / scale;
    svg.setAttribute('viewBox', ox + ' ' + oy + ' ' + w + ' ' + h);
  }
  function fitAll() {
    scale = Math.min(view.clientWidth / full.w, view.clientHeight / full.h);
    ox = full.x; oy = full.y; apply();
  }
  function oneToOne() { scale = 1; ox = full.x; oy = full.y; apply(); }
  // The box of an SVG element in viewBox units.
  function boxOf(g) {
    const r = g.getBoundingClientRect(), v = svg.getBoundingClientRect();
    return { x: ox + (r.left - v.left) / scale, y: oy + (r.top - v.top) / scale,
             w: r.width / scale, h: r.height / scale };
  }
  function centerOn(g) {
    const b = boxOf(g);
    if (scale < 0.6) scale = 1;
    ox = b.x + b.w / 2 - view.clientWidth / scale / 2;
    oy = b.y + Math.min(b.h, view.clientHeight / scale) / 2 - view.clientHeight / scale / 2;
    apply();
  }
  view.addEventListener('wheel', (e) => {
    e.preventDefault();
    const v = svg.getBoundingClientRect();
    const px = ox + (e.clientX - v.left) / scale, py = oy + (e.clientY - v.top) / scale;
    const f = Math.exp(-e.deltaY * 0.0015);
    scale = Math.min(8, Math.max(0.02, scale * f));
    ox = px - (e.clientX - v.left) / scale; oy = py - (e.clientY - v.top) / scale;
    apply();
  }, { passive: false });
  let drag = null;
  view.addEventListener('pointerdown', (e) => {
    drag = { x: e.clientX, y: e.clientY, ox, oy, moved: false };
    view.classList.add('dragging');
  });
  window.addEventListener('pointermove', (e) => {
    if (!drag) return;
    const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    ox = drag.ox - dx / scale; oy = drag.oy - dy / scale; apply();
  });
  window.addEventListener('pointerup', () => {
    view.classList.remove('dragging');
    setTimeout(() => { drag = null; }, 0);
  });
  window.addEventListener('resize', apply);
  $('fit').addEventListener('click', fitAll);
  $('top').addEventListener('click', oneToOne);

  // ---- folding of functions: their blocks and local edges hide.
  const folded = new Set();
  function setFolded(f, on) {
    if (on) folded.add(f); else folded.delete(f);
    const c = node('f' + f);
    if (c) c.classList.toggle('folded', on);
    const fn = data.funcs[f];
    for (let b = fn.first; b < fn.last; b++) {
      const g = node('b' + b);
      if (g) g.classList.toggle('folded-away', on);
    }
    data.edges.forEach((e, k) => {
      if (e.kind !== 'call' && e.ff === f) {
        const g = node('e' + k);
        if (g) g.classList.toggle('folded-away', on);
      }
    });
    const btn = document.querySelector('button.fold[data-f="' + f + '"]');
    if (btn) btn.textContent = on ? 'unfold' : 'fold';
  }
  function funcList() {
    const s = $('funcs');
    s.append(el('h3', '', 'Functions'));
    const ul = el('ul');
    data.funcs.forEach((fn, f) => {
      const li = el('li', 'mono');
      const b = el('button', 'fold', 'fold');
      b.type = 'button';
      b.dataset.f = String(f);
      b.addEventListener('click', () => setFolded(f, !folded.has(f)));
      const a = el('button', 'link', fn.name);
      a.type = 'button';
      a.addEventListener('click', () => { if (fn.first < fn.last) select(fn.first); });
      li.append(b, a, document.createTextNode('  insns ' + fn.start + '\u2013' + (fn.end - 1)));
      ul.append(li);
    });
    s.append(ul);
  }

  // ---- the block panel.
  let selected = -1;
  const v = data.verifier || null;
  const steps = new Map();
  if (v) for (const s of v.steps) steps.set(s.insn, s);
  function nodeName(id) {
    let m = /^b(\d+)$/.exec(id);
    if (m) return 'block ' + m[1];
    m = /^f(\d+)_(entry|exit)$/.exec(id);
    return m ? data.funcs[+m[1]].name + ' ' + m[2].toUpperCase() : id;
  }
  function goTo(id) {
    const m = /^b(\d+)$/.exec(id);
    if (m) { select(+m[1]); return; }
    const f = /^f(\d+)_entry$/.exec(id);
    if (f) {
      const fn = data.funcs[+f[1]];
      if (fn.first < fn.last) select(fn.first);
    }
  }
  function edgeList(title, list, end) {
    const d = el('div', 'nav');
    d.append(el('b', '', title + ': '));
    if (!list.length) d.append(document.createTextNode('none'));
    list.forEach((k, n) => {
      const e = data.edges[k];
      const id = e[end];
      const label = e.kind === 'call' && end === 'to'
        ? 'call ' + data.funcs[e.tf].name
        : nodeName(id) + ' (' + e.kind + ')';
      const a = el('button', 'link', label);
      a.type = 'button';
      a.addEventListener('click', () => goTo(id));
      if (n) d.append(document.createTextNode(', '));
      d.append(a);
    });
    return d;
  }
  function showPanel(bi, target) {
    const b = data.blocks[bi];
    const p = $('panel');
    p.replaceChildren();
    p.append(el('h3', '', 'Block ' + bi + ': insns ' + b.start + '\u2013' + (b.end - 1) +
      ' in ' + data.funcs[b.func].name));
    p.append(edgeList('predecessors', b.in, 'from'));
    for (const ins of b.insns) {
      if (ins.src) p.append(el('div', 'src', '; ' + ins.src + (ins.at ? '   [' + ins.at + ']' : '')));
      const row = el('div', 'insn', ins.i + ': ' + ins.t);
      row.id = 'insn-' + ins.i;
      const st = steps.get(ins.i);
      if (st) {
        row.classList.add('onpath');
        row.title = 'verifier state before ' + ins.i + ':\n' + st.state +
          (st.changed ? '\nafter: ' + st.changed : '');
      }
      if (ins.i === target) row.classList.add('target');
      p.append(row);
      if (st) p.append(el('div', 'state', st.state + (st.changed ? '\n\u2192 ' + st.changed : '')));
      if (v && !v.accepted && ins.i === v.insn) {
        row.classList.add('failing');
        p.append(el('div', 'msg', '\u2191 verifier: ' + v.message.join('\n')));
      }
    }
    p.append(edgeList('successors', b.out, 'to'));
    const t = target !== undefined && document.getElementById('insn-' + target);
    if (t) t.scrollIntoView({ block: 'nearest' });
  }
  function select(bi, insn) {
    if (bi < 0 || bi >= data.blocks.length) return;
    const f = data.blocks[bi].func;
    if (folded.has(f)) setFolded(f, false);
    if (selected >= 0) { const o = node('b' + selected); if (o) o.classList.remove('selected'); }
    selected = bi;
    const g = node('b' + bi);
    if (g) { g.classList.add('selected'); centerOn(g); }
    showPanel(bi, insn);
  }
  svg.addEventListener('click', (e) => {
    if (drag && drag.moved) return;
    const g = e.target.closest('g.node, g.edge');
    if (!g) return;
    if (g.classList.contains('node')) { goTo(g.id); return; }
    const k = /^e(\d+)$/.exec(g.id);
    if (k) goTo(data.edges[+k[1]].to);
  });

  // ---- search by instruction index, instruction text (helpers) or source.
  let hits = [];
  function search(q) {
    for (const bi of new Set(hits.map((h) => h[0]))) {
      const g = node('b' + bi);
      if (g) g.classList.remove('hit');
    }
    hits = [];
    const r = $('results');
    r.replaceChildren();
    q = q.trim();
    if (!q) { $('count').textContent = ''; return hits; }
    const num = /^#?(\d+)$/.exec(q);
    const lq = q.toLowerCase();
    data.blocks.forEach((b, bi) => {
      for (const ins of b.insns) {
        const ok = num ? ins.i === +num[1]
          : ins.t.toLowerCase().includes(lq) || (ins.src || '').toLowerCase().includes(lq);
        if (ok) hits.push([bi, ins]);
      }
    });
    $('count').textContent = hits.length + (hits.length === 1 ? ' match' : ' matches');
    r.append(el('h3', '', 'Search results'));
    const ul = el('ul');
    for (const [bi, ins] of hits.slice(0, 300)) {
      const g = node('b' + bi);
      if (g) g.classList.add('hit');
      const li = el('li', '', ins.i + ': ' + ins.t + (ins.src ? '   ; ' + ins.src : ''));
      li.dataset.insn = String(ins.i);
      li.addEventListener('click', () => select(bi, ins.i));
      ul.append(li);
    }
    if (hits.length > 300) ul.append(el('li', 'hint', '\u2026 ' + (hits.length - 300) + ' more'));
    r.append(ul);
    return hits;
  }
  const input = $('search');
  input.addEventListener('input', () => search(input.value));
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && hits.length) select(hits[0][0], hits[0][1].i);
  });

  // ---- the verifier's verdict.
  function verdict() {
    if (!v) return;
    const d = $('verdict');
    d.hidden = false;
    for (const b of v.walked) { const g = node('b' + b); if (g) g.classList.add('walked'); }
    for (const b of v.path_blocks) { const g = node('b' + b); if (g) g.classList.add('onpath'); }
    for (const k of v.path_edges) { const g = node('e' + k); if (g) g.classList.add('path'); }
    if (v.accepted) {
      d.classList.add('ok');
      d.textContent = 'Accepted by the verifier.';
      return;
    }
    if (v.block !== null && v.block !== undefined) {
      const g = node('b' + v.block);
      if (g) g.classList.add('failing');
    }
    d.append(el('b', '', 'Rejected: ' + v.title));
    d.append(document.createTextNode(' \u2014 ' + v.message.join(' ')));
    if (v.insn !== null && v.insn !== undefined) {
      const a = el('button', '', 'go to insn ' + v.insn);
      a.type = 'button';
      a.addEventListener('click', () => select(blockOfInsn(v.insn), v.insn));
      d.append(a);
    }
    let note = ' Path: ' + v.path_len + ' insns through ' + v.path_blocks.length + ' blocks';
    if (!v.steps.length) note += ' (register states need --log-level 2)';
    else if (v.steps_omitted) note += ' (states of the last ' + v.steps.length + ' shown)';
    d.append(el('span', 'hint', note));
  }

  // ---- start: #insn=N or #search=TEXT select; a verdict shows its failure.
  funcList();
  verdict();
  oneToOne();
  const h = decodeURIComponent(location.hash.slice(1));
  let m;
  if ((m = /^insn=(\d+)$/.exec(h))) {
    select(blockOfInsn(+m[1]), +m[1]);
  } else if ((m = /^search=(.*)$/.exec(h))) {
    input.value = m[1];
    const found = search(m[1]);
    if (found.length) select(found[0][0], found[0][1].i);
  } else if (v && !v.accepted && v.insn !== null && v.insn !== undefined) {
    select(blockOfInsn(v.insn), v.insn);
  }
  // For tests and tools: how many blocks the browser laid out.
  let shown = 0;
  for (const g of svg.querySelectorAll('g.node')) {
    const r = g.getBoundingClientRect();
    if (r.width > 0 && r.height > 0) shown++;
  }
  document.body.dataset.nodes = String(shown);
  document.body.dataset.ready = '1';
})();
