/* global uPlot, localStorage, location, history, TextDecoderStream, getComputedStyle */
// oilwire dashboard: plain browser JavaScript, no build step, nothing loaded from elsewhere.
// The chart is uPlot (served from the installed npm package); headlines are DOM markers over
// it, so each one can be clicked, filtered and tested. Headlines and their measured moves
// arrive on GET /stream (read through fetch so a bearer token can travel in a header) and are
// drawn from the event itself, without waiting for the store.

const HOUR = 3_600_000;
const RANGES = { '1h': HOUR, '6h': 6 * HOUR, '1d': 24 * HOUR, '1w': 7 * 24 * HOUR, all: 0 };
const CLUSTER_PX = 14;
// Delayed bars are about 10 minutes old; much older ones mean no trading since.
const STALE_MS = 30 * 60_000;

const state = {
  token: null,
  symbol: 'BRENT',
  windowHours: 6,
  horizons: [],
  horizon: '15m',
  range: null,
  view: null, // [fromMs, toMs] shown, or null: follow the latest tick
  prices: { points: [], from: null, to: null },
  headlines: new Map(),
  topicStats: new Map(),
  sources: null,
  selected: null,
  lastEventId: null,
  streamUp: false,
  authNeeded: false,
  plot: null,
};

const $ = (id) => document.getElementById(id);
const fmtDateTime = (ms) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
const fmtBps = (v) => (v === null || v === undefined ? '–' : (v > 0 ? '+' : '') + v.toFixed(1));
const fmtZ = (v) => (v === null || v === undefined ? '–' : v.toFixed(2));
/** The false discovery rate the by-topic table calls significant at (impact_tests.tests_agree uses the same). */
const Q_ALPHA = 0.05;
const signClass = (v) => (v === null || v === undefined ? '' : v > 0 ? 'pos' : v < 0 ? 'neg' : '');
const direction = (h) => (['bullish', 'bearish'].includes(h.oil_direction) ? h.oil_direction : 'neutral');
function ago(ms, now) {
  if (ms === null || ms === undefined) return 'never';
  const s = Math.round((now - ms) / 1000);
  return s < 90 ? `${s}s ago` : s < 5400 ? `${Math.round(s / 60)} min ago` : s < 172_800 ? `${Math.round(s / 3600)} h ago` : `${Math.round(s / 86_400)} d ago`;
}

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
  state.range ??= meta.windowHours <= 1 ? '1h' : meta.windowHours <= 6 ? '6h' : meta.windowHours <= 24 ? '1d' : '1w';
  $('symbol').textContent = state.symbol;
  renderHorizonChoices();
}

function renderHorizonChoices() {
  if (!state.horizons.includes(state.horizon) && state.horizons.length) state.horizon = state.horizons[Math.min(2, state.horizons.length - 1)];
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
  const q = state.view ? `from=${Math.floor(state.view[0])}&to=${Math.ceil(state.view[1])}` : `hours=${RANGES[state.range] / HOUR}`;
  state.prices = await api(`/api/prices?symbol=${encodeURIComponent(state.symbol)}&${q}&points=1500`);
  const pts = state.prices.points;
  if (pts.length) {
    const last = pts[pts.length - 1][1];
    const first = pts[0][1];
    $('last-price').textContent = last.toFixed(2);
    const chg = (last / first - 1) * 1e4;
    const c = $('last-change');
    c.textContent = `${fmtBps(chg)} bps in view`;
    c.className = `change ${chg >= 0 ? 'up' : 'down'}`;
  }
}

async function refreshHeadlines() {
  const p = state.prices;
  const range = p.from !== null ? `&from=${p.from - HOUR}&to=${p.to + HOUR}` : '';
  const rows = await api(`/api/headlines?symbol=${encodeURIComponent(state.symbol)}&limit=5000${range}`);
  for (const h of rows) {
    const known = state.headlines.get(h.id);
    // Moves that came over the stream stay until the store has them too.
    state.headlines.set(h.id, known ? { ...h, impacts: { ...known.impacts, ...h.impacts } } : h);
  }
  renderFilterChoices();
}

async function refreshTopics() {
  const data = await api(`/api/topics?symbol=${encodeURIComponent(state.symbol)}&horizon=${encodeURIComponent(state.horizon)}`);
  state.topicStats = new Map(data.topics.map((t) => [t.topic, t]));
  renderTopics(data.topics);
  if (state.selected) renderDetail();
}

async function refreshAlerts() {
  renderAlerts(await api(`/api/alerts?limit=12`));
}

async function refreshSources() {
  state.sources = await api(`/api/sources`);
  renderSources();
  renderStatus();
}

async function refreshAll() {
  await Promise.all([refreshPrices(), refreshSources()]);
  await refreshHeadlines();
  renderChart();
  renderHeadlines();
  await Promise.all([refreshTopics(), refreshAlerts()]);
}

// ---- stream events ------------------------------------------------------------------------

function onScored(e) {
  const known = state.headlines.get(e.id);
  state.headlines.set(e.id, {
    id: e.id,
    published_at: Date.parse(e.published_at),
    title: e.title,
    source: e.source,
    url: e.url,
    topics: e.topics,
    entities: e.entities,
    oil_direction: e.oil_direction.label,
    oil_strength: e.oil_direction.strength,
    sentiment: e.sentiment.label,
    relevance: Math.round(e.relevance),
    novelty: Math.round(e.novelty),
    price_report: Boolean(e.price_report),
    pre_price: known?.pre_price ?? null,
    impacts: known?.impacts ?? {},
    max_abs_z: known?.max_abs_z ?? null,
  });
  renderFilterChoices();
  scheduleRender();
}

function onImpact(e) {
  if (e.symbol !== state.symbol) return;
  const h = state.headlines.get(e.article_id) ?? {
    id: e.article_id,
    published_at: Date.parse(e.published_at),
    title: e.title,
    source: e.source,
    url: null,
    topics: e.topics,
    entities: [],
    oil_direction: e.oil_direction,
    relevance: Math.round(e.relevance),
    impacts: {},
    pre_price: null,
    max_abs_z: null,
  };
  h.impacts = { ...h.impacts, [e.horizon]: { return_bps: Math.round(e.return_bps * 10) / 10, z: e.z === null ? null : Math.round(e.z * 100) / 100 } };
  h.pre_price ??= e.pre_price;
  const zs = Object.values(h.impacts).map((i) => i.z).filter((z) => z !== null);
  h.max_abs_z = zs.length ? Math.max(...zs.map(Math.abs)) : null;
  state.headlines.set(h.id, h);
  if (!state.horizons.includes(e.horizon)) {
    state.horizons = [...state.horizons, e.horizon];
    renderHorizonChoices();
  }
  scheduleRender();
  scheduleTopics();
}

let renderTimer = null;
function scheduleRender() {
  if (renderTimer) return;
  renderTimer = setTimeout(() => {
    renderTimer = null;
    renderMarkers();
    renderHeadlines();
    if (state.selected) renderDetail();
  }, 50);
}

let topicsTimer = null;
function scheduleTopics() {
  if (topicsTimer) return;
  topicsTimer = setTimeout(() => {
    topicsTimer = null;
    refreshTopics().catch(console.warn);
  }, 1000);
}

// ---- filters ----------------------------------------------------------------------------

function filters() {
  return {
    topic: $('f-topic').value,
    direction: $('f-direction').value,
    minRelevance: Number($('f-relevance').value) || 0,
    source: $('f-source').value,
    priceReports: $('f-price-reports').checked,
  };
}

function passes(h, f) {
  if (f.topic && !h.topics.includes(f.topic)) return false;
  if (f.direction && direction(h) !== f.direction) return false;
  if (h.relevance < f.minRelevance) return false;
  if (f.source && h.source !== f.source) return false;
  // The scorer marks headlines that report a move ("Oil rises 2% as ...") rather than cause one.
  if (!f.priceReports && h.price_report) return false;
  return true;
}

function setOptions(select, values) {
  const current = select.value;
  const have = [...select.options].map((o) => o.value).slice(1);
  if (have.length === values.length && have.every((v, i) => v === values[i])) return;
  select.replaceChildren(el('option', { value: '', text: 'all' }), ...values.map((v) => el('option', { value: v, text: v })));
  select.value = values.includes(current) ? current : '';
}

function renderFilterChoices() {
  const all = [...state.headlines.values()];
  setOptions($('f-topic'), [...new Set(all.flatMap((h) => h.topics))].sort());
  setOptions($('f-source'), [...new Set(all.map((h) => h.source))].sort());
}

$('filters').addEventListener('input', () => {
  renderMarkers();
  renderHeadlines();
});
$('filters').addEventListener('submit', (e) => e.preventDefault());

// ---- chart ------------------------------------------------------------------------------

function priceAt(points, t) {
  // Last price at or before t (no look-ahead, like the correlator's pre-event price).
  if (!points.length) return null;
  if (t < points[0][0]) return points[0][1];
  let lo = 0;
  let hi = points.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (points[mid][0] <= t) lo = mid;
    else hi = mid - 1;
  }
  return points[lo][1];
}

function chartSize() {
  const wrap = $('chart-wrap');
  return { width: Math.max(200, wrap.clientWidth), height: Math.max(200, wrap.clientHeight) };
}

function createPlot() {
  const css = getComputedStyle(document.documentElement);
  const color = (name) => css.getPropertyValue(name).trim();
  const axis = { stroke: color('--muted'), grid: { stroke: color('--line'), width: 1 }, ticks: { stroke: color('--line'), width: 1 } };
  const opts = {
    ...chartSize(),
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
    // A drag selects a span; the setSelect hook below zooms to it (uPlot's own zoom would be indistinguishable from ours).
    cursor: { drag: { x: true, y: false, setScale: false } },
    legend: { show: false },
    scales: { x: { time: true } },
    series: [{}, { label: state.symbol, stroke: color('--accent'), width: 1.6, fill: 'rgba(240, 180, 41, 0.08)', points: { show: false } }],
    axes: [{ ...axis, space: 80, values: timeLabels }, { ...axis, size: 56, values: (u, vals) => vals.map((v) => v.toFixed(2)) }],
    hooks: {
      setSelect: [
        (u) => {
          if (u.select.width < 2) return;
          // The user's zoom: hold this view (no longer following the latest tick).
          const from = u.posToVal(u.select.left, 'x');
          const to = u.posToVal(u.select.left + u.select.width, 'x');
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          setView([from * 1000, to * 1000]);
        },
      ],
      // uPlot applies a scale at its next commit: the axis as drawn is known here (tests read it from the body's data attributes).
      setScale: [
        (u, key) => {
          if (key !== 'x' || u.scales.x.min === null) return;
          document.body.dataset.axisFrom = String(Math.round(u.scales.x.min * 1000));
          document.body.dataset.axisTo = String(Math.round(u.scales.x.max * 1000));
        },
      ],
      draw: [() => renderMarkers()],
    },
  };
  state.plot = new uPlot(opts, [[], []], $('chart'));
  state.plot.over.addEventListener('wheel', (e) => {
    e.preventDefault();
    const u = state.plot;
    const { min, max } = u.scales.x;
    if (min === null) return;
    const at = u.posToVal(e.offsetX, 'x');
    const k = e.deltaY < 0 ? 0.75 : 1 / 0.75;
    setView([(at - (at - min) * k) * 1000, (at + (max - at) * k) * 1000]);
  });
  state.plot.over.addEventListener('dblclick', () => selectRange(state.range));
}

const fmtDay = uPlot.fmtDate('{MM}-{DD}');
const fmtDayTime = uPlot.fmtDate('{MM}-{DD} {HH}:{mm}');
const fmtClock = uPlot.fmtDate('{HH}:{mm}');

/** UTC labels: the date at the first tick and wherever the day changes, the time of day between (dates alone beyond a few days). */
function timeLabels(u, splits) {
  const span = splits.length > 1 ? splits[splits.length - 1] - splits[0] : 0;
  let day = null;
  const labels = splits.map((s) => {
    const d = uPlot.tzDate(new Date(s * 1e3), 'Etc/UTC');
    const today = fmtDay(d);
    if (span > 3 * 86_400) return today;
    const label = today !== day ? fmtDayTime(d) : fmtClock(d);
    day = today;
    return label;
  });
  document.body.dataset.xLabels = labels.join('|');
  return labels;
}

let viewTimer = null;
function setView(view) {
  state.view = view;
  document.querySelectorAll('.ranges [data-range]').forEach((b) => b.classList.remove('active'));
  applyScale();
  clearTimeout(viewTimer);
  // Finer prices for the zoomed span, fetched once the zoom settles.
  viewTimer = setTimeout(async () => {
    try {
      await refreshPrices();
      await refreshHeadlines();
      renderChart();
      renderHeadlines();
    } catch (err) {
      console.warn(err);
    }
  }, 250);
}

function selectRange(range) {
  state.range = range;
  state.view = null;
  document.querySelectorAll('.ranges [data-range]').forEach((b) => b.classList.toggle('active', b.dataset.range === range));
  refreshAll().catch(console.warn);
}

function currentScale() {
  if (state.view) return state.view;
  const p = state.prices;
  if (p.from === null) return null;
  const span = RANGES[state.range];
  // A preset longer than the tape starts at its first tick rather than over an empty stretch.
  return span ? [Math.max(p.from, p.to - span), p.to] : [p.from, p.to];
}

function applyScale() {
  const s = currentScale();
  if (!s || !state.plot) return;
  state.plot.setScale('x', { min: s[0] / 1000, max: s[1] / 1000 });
}

document.querySelectorAll('.ranges [data-range]').forEach((b) => b.addEventListener('click', () => selectRange(b.dataset.range)));
function pan(fraction) {
  const s = currentScale();
  if (!s) return;
  const d = (s[1] - s[0]) * fraction;
  setView([s[0] + d, s[1] + d]);
}
$('pan-left').addEventListener('click', () => pan(-0.5));
$('pan-right').addEventListener('click', () => pan(0.5));

function renderChart() {
  if (!state.plot) createPlot();
  const pts = state.prices.points;
  renderEmpty();
  state.plot.setData([pts.map((p) => p[0] / 1000), pts.map((p) => p[1])], false);
  applyScale();
  renderMarkers();
}

function renderEmpty() {
  const box = $('chart-empty');
  const pts = state.prices.points;
  if (pts.length) {
    box.hidden = true;
    return;
  }
  const s = state.sources;
  let text = 'No prices yet for this symbol.';
  if (s?.state === 'unreachable') text = `No price source reachable. ${describeFailures(s.sources)} Configure ingestPrices.sources (a licensed WebSocket feed for real time); headlines are still stored and will be measured once prices arrive.`;
  else if (s?.state === 'none') text = 'No price source configured: set ingestPrices.sources (the default polls Yahoo for BZ=F). Headlines are stored but cannot be measured.';
  else if (s?.state === 'waiting') text = `Waiting for the first prices from ${s.sources.map((x) => x.name).join(', ')}.`;
  box.textContent = text;
  box.hidden = false;
}

function describeFailures(sources) {
  return sources
    .filter((x) => x.lastError)
    .map((x) => `${x.name}: ${x.lastError}.`)
    .join(' ');
}

function renderMarkers() {
  const u = state.plot;
  if (!u) return;
  const layer = (() => {
    let l = u.over.querySelector('.markers');
    if (!l) u.over.append((l = el('div', { class: 'markers' })));
    return l;
  })();
  const pts = state.prices.points;
  const { min, max } = u.scales.x;
  if (!pts.length || min === null) return layer.replaceChildren();
  const f = filters();
  const visible = [...state.headlines.values()].filter((h) => h.published_at >= min * 1000 && h.published_at <= max * 1000 && passes(h, f)).sort((a, b) => a.published_at - b.published_at);
  // Headlines closer than a marker's width join one cluster (its count shown), so a burst stays readable.
  const groups = [];
  for (const h of visible) {
    const x = u.valToPos(h.published_at / 1000, 'x');
    const price = priceAt(pts, h.published_at) ?? h.pre_price;
    if (price === null) continue;
    const y = u.valToPos(price, 'y');
    const last = groups[groups.length - 1];
    if (last && x - last.x0 < CLUSTER_PX) last.items.push(h);
    else groups.push({ x0: x, x, y, items: [h] });
  }
  layer.replaceChildren(
    ...groups.map((g) => {
      if (g.items.length === 1) {
        const h = g.items[0];
        const size = 10 + Math.min(12, (h.max_abs_z ?? 0) * 2);
        const m = el('div', { class: `marker ${direction(h)}${state.selected === h.id ? ' active' : ''}`, 'data-id': h.id, title: h.title });
        m.style.left = `${g.x}px`;
        m.style.top = `${g.y}px`;
        m.style.width = m.style.height = `${size}px`;
        m.addEventListener('mouseenter', (e) => showTooltip(h, e));
        m.addEventListener('mouseleave', hideTooltip);
        m.addEventListener('click', () => select(h.id));
        return m;
      }
      const counts = { bullish: 0, bearish: 0, neutral: 0 };
      for (const h of g.items) counts[direction(h)]++;
      const dominant = Object.entries(counts).sort((a, b) => b[1] - a[1])[0][0];
      const c = el('div', { class: `marker cluster ${dominant}`, 'data-ids': g.items.map((h) => h.id).join(','), title: `${g.items.length} headlines`, text: String(g.items.length) });
      c.style.left = `${g.x}px`;
      c.style.top = `${g.y}px`;
      // Zoom into the cluster's minutes.
      c.addEventListener('click', () => {
        const t0 = g.items[0].published_at;
        const t1 = g.items[g.items.length - 1].published_at;
        const pad = Math.max(5 * 60_000, (t1 - t0) * 0.5);
        setView([t0 - pad, t1 + pad]);
      });
      return c;
    }),
  );
  document.body.dataset.markers = String(visible.length);
}

function showTooltip(h, e) {
  const tip = $('tooltip');
  const rows = state.horizons
    .filter((hz) => h.impacts[hz])
    .map((hz) => el('tr', {}, el('td', { text: hz }), el('td', { class: signClass(h.impacts[hz].return_bps), text: `${fmtBps(h.impacts[hz].return_bps)} bps` }), el('td', { text: `z ${fmtZ(h.impacts[hz].z)}` })));
  tip.replaceChildren(
    el('div', { class: 't-title', text: h.title }),
    el('div', { class: 't-meta', text: `${fmtDateTime(h.published_at)} · ${h.source} · oil ${direction(h)} · topics: ${h.topics.join(', ') || 'none'}` }),
    rows.length ? el('table', {}, ...rows) : el('div', { class: 't-meta', text: 'moves not measured yet' }),
  );
  const wrap = $('chart-wrap').getBoundingClientRect();
  tip.hidden = false;
  const x = Math.min(e.clientX - wrap.left + 12, wrap.width - tip.offsetWidth - 4);
  tip.style.left = `${Math.max(0, x)}px`;
  tip.style.top = `${Math.max(0, e.clientY - wrap.top + 12)}px`;
}

function hideTooltip() {
  $('tooltip').hidden = true;
}

// ---- detail, tables, panels ----------------------------------------------------------------

function select(id) {
  state.selected = id;
  renderDetail();
  renderMarkers();
}
$('d-close').addEventListener('click', () => {
  state.selected = null;
  $('detail').hidden = true;
  renderMarkers();
});

function renderDetail() {
  const h = state.headlines.get(state.selected);
  if (!h) return;
  $('detail').hidden = false;
  $('d-title').textContent = h.title;
  $('d-time').textContent = fmtDateTime(h.published_at);
  $('d-source').textContent = h.source;
  const link = $('d-link');
  link.hidden = !h.url;
  if (h.url && /^https?:\/\//i.test(h.url)) link.href = h.url;
  $('d-direction').textContent = direction(h);
  $('d-direction').className = `badge ${direction(h)}`;
  $('d-relevance').textContent = String(h.relevance);
  $('d-topics').textContent = h.topics.join(', ') || 'none';
  $('d-entities').textContent = (h.entities ?? []).join(', ') || 'none';
  $('d-impacts').tBodies[0].replaceChildren(
    ...state.horizons.map((hz) => {
      const i = h.impacts[hz];
      return el('tr', { 'data-horizon': hz }, el('td', { text: hz }), el('td', { class: `num ${signClass(i?.return_bps)}`, text: i ? fmtBps(i.return_bps) : 'pending' }), el('td', { class: 'num', text: i ? fmtZ(i.z) : '' }));
    }),
  );
  $('d-topic-stats').tBodies[0].replaceChildren(
    ...(h.topics.length ? h.topics : ['untagged']).map((t) => {
      const s = state.topicStats.get(t);
      return el('tr', {}, el('td', { text: `${t} (${state.horizon})` }), el('td', { class: 'num', text: s ? String(s.headlines) : '0' }), el('td', { class: `num ${signClass(s?.avg_bps)}`, text: s ? fmtBps(s.avg_bps) : '–' }), el('td', { class: 'num', text: s ? fmtZ(s.avg_z) : '–' }), el('td', { class: 'num', text: s ? String(s.significant) : '0' }));
    }),
  );
}

function renderHeadlines() {
  const body = $('headlines').tBodies[0];
  const [a, b] = pickColumns();
  const f = filters();
  const s = currentScale();
  const list = [...state.headlines.values()].filter((h) => passes(h, f) && (!s || (h.published_at >= s[0] && h.published_at <= s[1] + HOUR))).sort((x, y) => y.published_at - x.published_at);
  const cell = (h, hz) => {
    const i = hz ? h.impacts[hz] : undefined;
    return el('td', { class: `num ${signClass(i?.return_bps)}${i && i.z !== null && Math.abs(i.z) >= 2 ? ' strong' : ''}`, text: i ? fmtBps(i.return_bps) : '…' });
  };
  body.replaceChildren(
    ...list.map((h) => {
      const title = el('td', { class: 'title' }, h.url && /^https?:\/\//i.test(h.url) ? el('a', { href: h.url, target: '_blank', rel: 'noopener noreferrer', text: h.title }) : document.createTextNode(h.title));
      const tr = el('tr', { 'data-id': h.id }, el('td', { class: 'num', text: fmtDateTime(h.published_at).slice(5, 16) }), title, el('td', {}, el('span', { class: `badge ${direction(h)}`, text: direction(h) })), cell(h, a), cell(h, b), el('td', { class: 'num', text: fmtZ(h.max_abs_z) }));
      tr.addEventListener('click', (e) => {
        if (e.target.tagName !== 'A') select(h.id);
      });
      return tr;
    }),
  );
  if (!list.length) body.replaceChildren(el('tr', {}, el('td', { colspan: 6, class: 'hint', text: state.headlines.size ? 'No headline in view passes the filters.' : 'No headlines yet: ingest-news polls the configured feeds (oilwire feeds shows their status).' })));
}

function renderTopics(topics) {
  const body = $('topics').tBodies[0];
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
        el('td', { class: 'num', text: fmtZ(t.avg_z) }),
        el('td', { class: 'num', text: String(t.significant) }),
        el('td', { class: 'num', text: t.events === null ? '' : String(t.events) }),
        el('td', { class: 'num', text: t.kp_t === null ? '' : t.kp_t.toFixed(2) }),
        qCell(t.q_kp, t.p_kp, t.kp_t, 't', 'fewer than 5 events: no test'),
        qCell(t.q_rank, t.p_rank, t.rank_t, 'rank t', 'fewer than 5 events with estimation windows: no rank test'),
        qCell(t.q_sign, t.p_sign, t.sign_z, 'z', 'fewer than 5 events with estimation windows: no sign test'),
        bootCell(t),
        agreementCell(t),
      );
    }),
  );
  if (!topics.length) body.replaceChildren(el('tr', {}, el('td', { colspan: 12, class: 'hint', text: `No impact rows at ${state.horizon} yet.` })));
}

const fmtQ = (q) => (q < 0.001 ? '<0.001' : q.toFixed(3));

/** A test's Benjamini-Hochberg q (bold at q <= 0.05), its statistic and p in the tooltip. */
function qCell(q, p, stat, statName, none) {
  if (q === null || q === undefined) return el('td', { class: 'num', title: none, text: '–' });
  return el('td', { class: `num${q <= Q_ALPHA ? ' strong' : ''}`, title: `${statName} ${stat === null ? '–' : stat.toFixed(2)}, p ${fmtQ(p)}`, text: fmtQ(q) });
}

/** The bootstrap's q (bold at q <= 0.05); its p, resamples and draws per resample in the tooltip (impact_tests, migration 014). */
function bootCell(t) {
  if (t.q_boot === null || t.q_boot === undefined) return el('td', { class: 'num', title: 'fewer than 5 events: no bootstrap', text: '–' });
  return el('td', { class: `num${t.q_boot <= Q_ALPHA ? ' strong' : ''}`, title: `p ${fmtQ(t.p_boot)} from ${t.boot_resamples} resamples of ${t.boot_draws} events`, text: fmtQ(t.q_boot) });
}

/** Whether BMP-KP, rank and sign give one verdict at q <= 0.05 (impact_tests.tests_agree): a check mark, or a split sign. */
function agreementCell(t) {
  if (t.tests_agree === null || t.tests_agree === undefined) return el('td', { class: 'num', title: 'fewer than two tests ran', text: '' });
  const ran = [t.q_kp, t.q_rank, t.q_sign].filter((q) => q !== null).length;
  const n = t.significant_tests ?? 0;
  return t.tests_agree
    ? el('td', { class: 'num agree', 'data-agree': 'yes', title: n ? `all ${ran} tests significant the same way (q ≤ ${Q_ALPHA})` : `no test significant (q ≤ ${Q_ALPHA})`, text: n ? `✓ ${n}/${ran}` : `✓ 0/${ran}` })
    : el('td', { class: 'num split', 'data-agree': 'no', title: `the tests disagree: ${n} of ${ran} significant at q ≤ ${Q_ALPHA}`, text: `≠ ${n}/${ran}` });
}

function renderAlerts(alerts) {
  const list = $('alerts');
  list.replaceChildren(...alerts.map((a) => el('li', {}, el('span', { class: 'a-time', text: fmtDateTime(a.event_ts) }), el('span', { class: 'a-rule', text: a.rule_id }), document.createTextNode(a.title))));
  if (!alerts.length) list.replaceChildren(el('li', { class: 'none', text: 'No alerts so far.' }));
}

function renderSources() {
  const s = state.sources;
  if (!s) return;
  const now = s.now;
  $('sources-summary').textContent =
    { live: 'live', replay: 'replay or simulation, not a live market', waiting: 'waiting for the first prices', unreachable: 'no price source reachable', none: 'no price source configured' }[s.state] ?? s.state;
  $('sources').replaceChildren(
    ...s.sources.map((x) =>
      el(
        'li',
        { class: `src ${x.state}`, 'data-state': x.state },
        el('span', { class: `dot ${x.state === 'ok' || x.state === 'finished' ? 'live' : x.state === 'waiting' ? '' : 'down'}` }),
        el('span', { class: 'src-name', text: x.name }),
        el('span', { class: 'hint', text: ` ${x.state} · last tick ${x.lastTickTs ? fmtDateTime(x.lastTickTs) : 'none'}${x.lastTickTs ? ` (${ago(x.lastTickTs, now)})` : ''}` }),
        x.note ? el('div', { class: 'hint', text: x.note }) : null,
        x.lastError ? el('div', { class: 'neg src-error', text: x.lastError }) : null,
      ),
    ),
  );
  if (!s.sources.length) $('sources').replaceChildren(el('li', { class: 'hint', text: 'ingestPrices.sources is empty: nothing is measured.' }));
}

function setStatus(kind, text) {
  $('live-dot').className = `dot ${kind}`;
  $('live-status').textContent = text;
}

/** Green only when the stream is up and a live market is reached. */
function renderStatus() {
  if (state.authNeeded) return;
  if (!state.streamUp) return setStatus('down', 'reconnecting');
  const s = state.sources?.state;
  if (s === 'unreachable') setStatus('down', 'no price source reachable');
  else if (s === 'none') setStatus('down', 'no price source configured');
  else if (s === 'waiting') setStatus('', 'waiting for prices');
  else if (s === 'replay') setStatus('', 'replay');
  else {
    // Reached, but the market may be shut (weekends, the daily break): say how old the newest bar is.
    if (!state.sources) return setStatus('', 'connected');
    const newest = Math.max(...state.sources.sources.filter((x) => x.live && x.lastTickTs).map((x) => x.lastTickTs), -Infinity);
    const stale = Number.isFinite(newest) && state.sources.now - newest > STALE_MS;
    setStatus('live', stale ? `live, newest bar ${ago(newest, state.sources.now)} (market closed?)` : 'live');
  }
}

$('horizon').addEventListener('change', (e) => {
  state.horizon = e.target.value;
  refreshTopics().catch(console.warn);
});

// ---- live stream ------------------------------------------------------------------------

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
      state.streamUp = true;
      // The server subscribes this stream before it answers: from here on no event is missed.
      document.body.dataset.stream = 'open';
      renderStatus();
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
          const data = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
            else if (line.startsWith('retry: ')) retryMs = Number(line.slice(7)) || retryMs;
          }
          if (id) state.lastEventId = id;
          try {
            if (event === 'news.scored') onScored(JSON.parse(data.join('\n')));
            else if (event === 'news.impact') onImpact(JSON.parse(data.join('\n')));
            else if (event === 'alert') refreshAlerts().catch(console.warn);
          } catch (err) {
            console.warn(err);
          }
        }
      }
    } catch (err) {
      console.warn(err);
    }
    state.streamUp = false;
    document.body.dataset.stream = 'closed';
    renderStatus();
    await new Promise((r) => setTimeout(r, retryMs));
  }
}

// ---- start ------------------------------------------------------------------------------

let pollTimer = null;
let following = false;
async function start() {
  // The stream first, then the picture: a headline scored while the page loads is not lost between the two.
  if (!following) {
    following = true;
    follow().finally(() => (following = false));
  }
  try {
    await loadMeta();
    document.querySelectorAll('.ranges [data-range]').forEach((b) => b.classList.toggle('active', b.dataset.range === state.range));
    await refreshAll();
    document.body.dataset.ready = 'true';
  } catch (err) {
    console.warn(err);
    if (state.authNeeded) return;
  }
  // Prices keep moving between headlines (the stream carries no ticks): poll them and the sources' status.
  if (pollTimer) clearInterval(pollTimer);
  pollTimer = setInterval(async () => {
    if (state.authNeeded) return;
    try {
      await refreshSources();
      if (!state.view) {
        await refreshPrices();
        renderChart();
      }
    } catch (err) {
      console.warn(err);
    }
  }, 5000);
}

let resizeTimer = null;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    state.plot?.setSize(chartSize());
    renderMarkers();
  }, 150);
});

loadToken();
start();
