/* global localStorage, location, history, TextDecoderStream */
// oilwire dashboard: plain browser JavaScript, no build step, nothing loaded from elsewhere.
// Reads /api/* for the picture and follows GET /stream (Server-Sent Events read through
// fetch, so a bearer token can travel in a header) to redraw as headlines and impacts land.

const SVG = 'http://www.w3.org/2000/svg';
const state = {
  token: null,
  symbol: 'BRENT',
  windowHours: 6,
  horizons: [],
  horizon: '15m',
  prices: { points: [], from: null, to: null },
  headlines: [],
  lastEventId: null,
  refreshTimer: null,
  authNeeded: false,
};

const $ = (id) => document.getElementById(id);
const fmtTime = (ms) => new Date(ms).toISOString().slice(11, 16);
const fmtDateTime = (ms) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
const fmtBps = (v) => (v === null || v === undefined ? '–' : (v > 0 ? '+' : '') + v.toFixed(1));
const signClass = (v) => (v === null || v === undefined ? '' : v > 0 ? 'pos' : v < 0 ? 'neg' : '');

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

// ---- auth -------------------------------------------------------------------------------

function loadToken() {
  const m = /(?:^|[#&])token=([^&]+)/.exec(location.hash);
  if (m) {
    state.token = decodeURIComponent(m[1]);
    localStorage.setItem('oilwire.token', state.token);
    history.replaceState(null, '', location.pathname + location.search);
  } else {
    state.token = localStorage.getItem('oilwire.token');
  }
}

function askForToken() {
  state.authNeeded = true;
  $('token-form').hidden = false;
  setStatus('down', 'token needed');
}

$('token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  state.token = $('token-input').value.trim() || null;
  if (state.token) localStorage.setItem('oilwire.token', state.token);
  $('token-form').hidden = true;
  state.authNeeded = false;
  start();
});

async function api(path) {
  const headers = { Accept: 'application/json' };
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  const res = await fetch(path, { headers });
  if (res.status === 401 || res.status === 403) {
    askForToken();
    throw new Error('unauthorised');
  }
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

// ---- data -------------------------------------------------------------------------------

async function loadMeta() {
  const meta = await api(`/api/meta`);
  state.symbol = meta.symbol;
  state.windowHours = meta.windowHours;
  state.horizons = meta.horizons;
  if (!state.horizons.includes(state.horizon) && state.horizons.length) state.horizon = state.horizons[Math.min(2, state.horizons.length - 1)];
  $('symbol').textContent = state.symbol;
  const select = $('horizon');
  select.replaceChildren(...state.horizons.map((h) => el('option', { value: h, text: h })));
  select.value = state.horizon;
  const [a, b] = pickColumns();
  $('h-col-a').textContent = a ?? '–';
  $('h-col-b').textContent = b ?? '–';
}

function pickColumns() {
  const hs = state.horizons;
  const a = hs.includes('5m') ? '5m' : hs[0];
  const b = hs.includes('15m') ? '15m' : hs[1] ?? hs[0];
  return [a, b];
}

async function refreshPrices() {
  state.prices = await api(`/api/prices?symbol=${encodeURIComponent(state.symbol)}&hours=${state.windowHours}&points=900`);
  const pts = state.prices.points;
  if (pts.length) {
    const last = pts[pts.length - 1][1];
    const first = pts[0][1];
    $('last-price').textContent = last.toFixed(2);
    const chg = ((last / first - 1) * 1e4);
    const c = $('last-change');
    c.textContent = `${fmtBps(chg)} bps over ${state.windowHours} h`;
    c.className = `change ${chg >= 0 ? 'up' : 'down'}`;
  }
}

async function refreshHeadlines() {
  const p = state.prices;
  const range = p.from !== null ? `&from=${p.from}&to=${p.to + 3_600_000}` : '';
  state.headlines = await api(`/api/headlines?symbol=${encodeURIComponent(state.symbol)}&limit=200${range}`);
}

async function refreshTopics() {
  const data = await api(`/api/topics?symbol=${encodeURIComponent(state.symbol)}&horizon=${encodeURIComponent(state.horizon)}`);
  renderTopics(data.topics);
}

async function refreshAlerts() {
  renderAlerts(await api(`/api/alerts?limit=12`));
}

async function refreshAll() {
  await refreshPrices();
  await refreshHeadlines();
  renderChart();
  renderHeadlines();
  await Promise.all([refreshTopics(), refreshAlerts()]);
}

/** Many events arrive together: redraw once they settle. */
function scheduleRefresh() {
  if (state.refreshTimer) return;
  state.refreshTimer = setTimeout(async () => {
    state.refreshTimer = null;
    try {
      await refreshAll();
    } catch (err) {
      console.warn(err);
    }
  }, 400);
}

// ---- chart ------------------------------------------------------------------------------

function priceAt(points, t) {
  // Last price at or before t (no look-ahead, like the correlator's pre-event price).
  let lo = 0;
  let hi = points.length - 1;
  if (hi < 0 || t < points[0][0]) return points.length ? points[0][1] : null;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (points[mid][0] <= t) lo = mid;
    else hi = mid - 1;
  }
  return points[lo][1];
}

function niceTicks(min, max, count) {
  const span = max - min || 1;
  const step0 = span / count;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? step0;
  const ticks = [];
  for (let v = Math.ceil(min / step) * step; v <= max + 1e-9; v += step) ticks.push(v);
  return ticks;
}

function renderChart() {
  const chart = $('chart');
  const wrap = $('chart-wrap');
  const width = Math.max(300, wrap.clientWidth);
  const height = Math.max(200, wrap.clientHeight);
  chart.setAttribute('viewBox', `0 0 ${width} ${height}`);
  chart.setAttribute('preserveAspectRatio', 'xMidYMid meet');
  chart.replaceChildren();
  const pts = state.prices.points;
  $('chart-empty').hidden = pts.length > 0;
  if (!pts.length) return;

  const m = { left: 56, right: 16, top: 14, bottom: 26 };
  const t0 = state.prices.from ?? pts[0][0];
  const t1 = state.prices.to ?? pts[pts.length - 1][0];
  let lo = Math.min(...pts.map((p) => p[1]));
  let hi = Math.max(...pts.map((p) => p[1]));
  const pad = (hi - lo) * 0.08 || hi * 0.001;
  lo -= pad;
  hi += pad;
  const x = (t) => m.left + ((t - t0) / (t1 - t0 || 1)) * (width - m.left - m.right);
  const y = (v) => m.top + (1 - (v - lo) / (hi - lo || 1)) * (height - m.top - m.bottom);

  const axes = svg('g', { id: 'axes' });
  for (const v of niceTicks(lo, hi, 6)) {
    axes.append(svg('line', { class: 'grid-line', x1: m.left, x2: width - m.right, y1: y(v), y2: y(v) }));
    const label = svg('text', { class: 'axis-label', x: m.left - 8, y: y(v) + 4, 'text-anchor': 'end' });
    label.textContent = v.toFixed(2);
    axes.append(label);
  }
  const hourMs = 3_600_000;
  const stepMs = (t1 - t0) / hourMs > 8 ? 2 * hourMs : (t1 - t0) / hourMs > 3 ? hourMs : hourMs / 2;
  for (let t = Math.ceil(t0 / stepMs) * stepMs; t <= t1; t += stepMs) {
    const label = svg('text', { class: 'axis-label', x: x(t), y: height - 8, 'text-anchor': 'middle' });
    label.textContent = fmtTime(t);
    axes.append(label);
    axes.append(svg('line', { class: 'grid-line', x1: x(t), x2: x(t), y1: height - m.bottom, y2: height - m.bottom + 4 }));
  }
  chart.append(axes);

  const d = pts.map((p, i) => `${i ? 'L' : 'M'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join('');
  chart.append(svg('path', { id: 'price-area', d: `${d}L${x(pts[pts.length - 1][0]).toFixed(1)},${height - m.bottom}L${x(pts[0][0]).toFixed(1)},${height - m.bottom}Z` }));
  chart.append(svg('path', { id: 'price-line', d }));

  const markers = svg('g', { id: 'markers' });
  const visible = state.headlines.filter((h) => h.published_at >= t0 && h.published_at <= t1).sort((a, b) => a.published_at - b.published_at);
  for (const h of visible) {
    const price = priceAt(pts, h.published_at) ?? h.pre_price;
    if (price === null) continue;
    const dir = ['bullish', 'bearish'].includes(h.oil_direction) ? h.oil_direction : 'neutral';
    const cx = x(h.published_at);
    const cy = y(price);
    markers.append(svg('line', { class: `stem ${dir}`, x1: cx, x2: cx, y1: cy, y2: height - m.bottom }));
    const r = 5 + Math.min(6, (h.max_abs_z ?? 0) * 0.8);
    const c = svg('circle', { class: `marker ${dir}`, cx, cy, r, 'data-id': h.id, tabindex: 0 });
    c.addEventListener('mouseenter', () => showTooltip(h, cx, cy, width));
    c.addEventListener('focus', () => showTooltip(h, cx, cy, width));
    c.addEventListener('mouseleave', hideTooltip);
    c.addEventListener('blur', hideTooltip);
    markers.append(c);
  }
  chart.append(markers);
}

function showTooltip(h, cx, cy, width) {
  const tip = $('tooltip');
  const rows = Object.entries(h.impacts).map(([hz, v]) =>
    el('tr', {}, el('td', { text: hz }), el('td', { class: signClass(v.return_bps), text: `${fmtBps(v.return_bps)} bps` }), el('td', { text: v.z === null ? '' : `z ${v.z.toFixed(1)}` })),
  );
  tip.replaceChildren(
    el('div', { class: 't-title', text: h.title }),
    el('div', { class: 't-meta', text: `${fmtDateTime(h.published_at)} · ${h.source} · ${h.oil_direction} · relevance ${h.relevance}` }),
    el('div', { class: 't-meta', text: h.topics.length ? `topics: ${h.topics.join(', ')}` : 'no topic' }),
    rows.length ? el('table', {}, el('tbody', {}, ...rows)) : el('div', { class: 't-meta', text: 'impact not measured yet' }),
  );
  tip.hidden = false;
  const left = cx + 14 + 360 > width ? cx - 374 : cx + 14;
  tip.style.left = `${Math.max(0, left)}px`;
  tip.style.top = `${Math.max(0, cy - 20)}px`;
  document.querySelectorAll('#chart .marker.active').forEach((n) => n.classList.remove('active'));
  document.querySelector(`#chart .marker[data-id="${h.id}"]`)?.classList.add('active');
}

function hideTooltip() {
  $('tooltip').hidden = true;
  document.querySelectorAll('#chart .marker.active').forEach((n) => n.classList.remove('active'));
}

// ---- tables -----------------------------------------------------------------------------

function renderHeadlines() {
  const [a, b] = pickColumns();
  const measured = state.headlines.filter((h) => Object.keys(h.impacts).length > 0).sort((x, y) => y.published_at - x.published_at).slice(0, 25);
  const body = $('headlines').querySelector('tbody');
  body.replaceChildren(
    ...measured.map((h) => {
      const va = h.impacts[a]?.return_bps ?? null;
      const vb = h.impacts[b]?.return_bps ?? null;
      const dir = ['bullish', 'bearish'].includes(h.oil_direction) ? h.oil_direction : 'neutral';
      return el(
        'tr',
        {},
        el('td', { class: 'num', text: fmtTime(h.published_at) }),
        el('td', { class: 'title', text: h.title }),
        el('td', {}, el('span', { class: `badge ${dir}`, text: dir })),
        el('td', {}, ...h.topics.map((t) => el('span', { class: 'topic', text: t }))),
        el('td', { class: `num ${signClass(va)}`, text: fmtBps(va) }),
        el('td', { class: `num ${signClass(vb)}`, text: fmtBps(vb) }),
        el('td', { class: `num ${(h.max_abs_z ?? 0) >= 2 ? 'strong' : ''}`, text: h.max_abs_z === null ? '–' : h.max_abs_z.toFixed(1) }),
      );
    }),
  );
  if (!measured.length) body.replaceChildren(el('tr', {}, el('td', { colspan: 7, class: 'hint', text: 'No measured headlines yet.' })));
}

function renderTopics(topics) {
  const body = $('topics').querySelector('tbody');
  const scale = Math.max(1, ...topics.map((t) => Math.abs(t.avg_bps)));
  body.replaceChildren(
    ...topics.map((t) => {
      const fill = el('div', { class: `fill ${t.avg_bps >= 0 ? 'pos' : 'neg'}` });
      const half = (Math.abs(t.avg_bps) / scale) * 50;
      fill.style.width = `${half}%`;
      fill.style.left = t.avg_bps >= 0 ? '50%' : `${50 - half}%`;
      return el(
        'tr',
        {},
        el('td', {}, el('span', { class: 'topic', text: t.topic })),
        el('td', { class: 'num', text: String(t.headlines) }),
        el('td', {}, el('div', { class: 'bar' }, el('div', { class: 'track' }, el('div', { class: 'mid' }), fill), el('span', { class: `v ${signClass(t.avg_bps)}`, text: fmtBps(t.avg_bps) }))),
        el('td', { class: 'num', text: t.avg_abs_bps.toFixed(1) }),
        el('td', { class: 'num', text: t.avg_z === null ? '–' : t.avg_z.toFixed(2) }),
        el('td', { class: 'num', text: String(t.significant) }),
      );
    }),
  );
  if (!topics.length) body.replaceChildren(el('tr', {}, el('td', { colspan: 6, class: 'hint', text: `No impact rows at ${state.horizon} yet.` })));
}

function renderAlerts(alerts) {
  const list = $('alerts');
  list.replaceChildren(
    ...alerts.map((a) => el('li', {}, el('span', { class: 'a-time', text: fmtDateTime(a.event_ts) }), el('span', { class: 'a-rule', text: a.rule_id }), document.createTextNode(a.title))),
  );
  if (!alerts.length) list.replaceChildren(el('li', { class: 'none', text: 'No alerts so far.' }));
}

$('horizon').addEventListener('change', (e) => {
  state.horizon = e.target.value;
  refreshTopics().catch(console.warn);
});

// ---- live stream ------------------------------------------------------------------------

function setStatus(kind, text) {
  $('live-dot').className = `dot ${kind}`;
  $('live-status').textContent = text;
}

async function follow() {
  let retryMs = 3000;
  for (;;) {
    if (state.authNeeded) return;
    try {
      const headers = { Accept: 'text/event-stream' };
      if (state.token) headers.Authorization = `Bearer ${state.token}`;
      if (state.lastEventId) headers['Last-Event-ID'] = state.lastEventId;
      const res = await fetch('/stream', { headers, cache: 'no-store' });
      if (res.status === 401 || res.status === 403) return askForToken();
      if (!res.ok || !res.body) throw new Error(`stream: HTTP ${res.status}`);
      setStatus('live', 'live');
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          let id = null;
          let event = 'message';
          for (const line of block.split('\n')) {
            if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('retry: ')) retryMs = Number(line.slice(7)) || retryMs;
          }
          if (id) state.lastEventId = id;
          if (event === 'news.scored' || event === 'news.impact' || event === 'alert') scheduleRefresh();
        }
      }
    } catch (err) {
      console.warn(err);
    }
    setStatus('down', 'reconnecting');
    await new Promise((r) => setTimeout(r, retryMs));
  }
}

// ---- start ------------------------------------------------------------------------------

let pollTimer = null;
async function start() {
  try {
    await loadMeta();
    await refreshAll();
    document.body.dataset.ready = 'true';
  } catch (err) {
    console.warn(err);
    if (state.authNeeded) return;
  }
  follow();
  // Prices keep moving between headlines: poll them, headlines come through the stream.
  if (pollTimer) clearInterval(pollTimer);
  pollTimer = setInterval(async () => {
    if (state.authNeeded) return;
    try {
      await refreshPrices();
      renderChart();
    } catch (err) {
      console.warn(err);
    }
  }, 5000);
}

let resizeTimer = null;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(renderChart, 150);
});

loadToken();
start();
