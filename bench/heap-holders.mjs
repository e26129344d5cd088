// Net V8 heap growth per holder between two heap snapshots of one process (as bench/soak.ts --heap-snapshot-at writes them):
//   node bench/heap-holders.mjs a.heapsnapshot b.heapsnapshot [top]
// Objects are matched by their snapshot id: born in b minus died from a, each object's self size credited to its holder,
// the first ancestor on a shortest retainer path from the root that is an instance of a named class, or a closure context
// (named by its variable). What a slope only says grows, this names: a bounded ring shows as born about equal to died.
import { readFileSync } from 'node:fs';

const GENERIC = new Set(['Object', 'Array', 'Map', 'Set', '(object elements)', '', 'Generator', 'Promise']);

function load(file) {
  const snap = JSON.parse(readFileSync(file, 'utf8'));
  const m = snap.snapshot.meta;
  const h = {
    snap, nf: m.node_fields.length, ef: m.edge_fields.length, types: m.node_types[0], etypes: m.edge_types[0],
    iT: m.node_fields.indexOf('type'), iN: m.node_fields.indexOf('name'), iId: m.node_fields.indexOf('id'), iS: m.node_fields.indexOf('self_size'), iEC: m.node_fields.indexOf('edge_count'),
    eT: m.edge_fields.indexOf('type'), eN: m.edge_fields.indexOf('name_or_index'), eTo: m.edge_fields.indexOf('to_node'),
  };
  const N = snap.nodes, E = snap.edges;
  h.count = N.length / h.nf;
  h.parent = new Int32Array(h.count).fill(-1);
  h.parentEdge = new Int32Array(h.count).fill(-1);
  // Breadth-first from the root, so each object's retainer is on a shortest path (what DevTools shows first).
  const firstEdge = new Uint32Array(h.count + 1);
  for (let i = 0, e = 0; i < h.count; i++) {
    firstEdge[i] = e;
    e += N[i * h.nf + h.iEC] * h.ef;
  }
  firstEdge[h.count] = E.length;
  const queue = new Int32Array(h.count);
  const seen = new Uint8Array(h.count);
  let qh = 0, qt = 0;
  queue[qt++] = 0;
  seen[0] = 1;
  while (qh < qt) {
    const i = queue[qh++];
    for (let e = firstEdge[i]; e < firstEdge[i + 1]; e += h.ef) {
      const et = h.etypes[E[e + h.eT]];
      if (et === 'weak' || et === 'shortcut') continue;
      const to = E[e + h.eTo] / h.nf;
      if (seen[to]) continue;
      seen[to] = 1;
      h.parent[to] = i;
      h.parentEdge[to] = e;
      queue[qt++] = to;
    }
  }
  h.ids = new Map();
  for (let i = 0; i < h.count; i++) h.ids.set(N[i * h.nf + h.iId], i);
  return h;
}

const name = (h, i) => String(h.snap.strings[h.snap.nodes[i * h.nf + h.iN]]);
const type = (h, i) => h.types[h.snap.nodes[i * h.nf + h.iT]];
const edgeName = (h, e) => {
  const et = h.etypes[h.snap.edges[e + h.eT]];
  return et === 'element' || et === 'hidden' ? `[${et}]` : String(h.snap.strings[h.snap.edges[e + h.eN]] ?? h.snap.edges[e + h.eN]).replace(/^\d+$/, '#');
};

function holder(h, i) {
  let cur = i;
  for (let d = 0; d < 40; d++) {
    const p = h.parent[cur];
    if (p === -1) return '(root or unreachable)';
    const t = type(h, p);
    const n = name(h, p);
    if (t === 'object' && n === 'system / Context') return `Context.${edgeName(h, h.parentEdge[cur])}`;
    if (t === 'object' && !GENERIC.has(n) && !n.startsWith('system /')) return `${n}.${edgeName(h, h.parentEdge[cur])}`;
    if (t === 'synthetic') return `(${n})`;
    cur = p;
  }
  return '(deep)';
}

const [fa, fb, topArg] = process.argv.slice(2);
const a = load(fa);
const b = load(fb);
const net = new Map();
const add = (k, bytes, n) => {
  const v = net.get(k) ?? { bytes: 0, born: 0, died: 0 };
  v.bytes += bytes;
  if (n > 0) v.born++;
  else v.died++;
  net.set(k, v);
};
for (let i = 0; i < b.count; i++) if (!a.ids.has(b.snap.nodes[i * b.nf + b.iId])) add(holder(b, i), b.snap.nodes[i * b.nf + b.iS], 1);
for (let i = 0; i < a.count; i++) if (!b.ids.has(a.snap.nodes[i * a.nf + a.iId])) add(holder(a, i), -a.snap.nodes[i * a.nf + a.iS], -1);
const rows = [...net].sort((x, y) => y[1].bytes - x[1].bytes);
const total = rows.reduce((s, [, v]) => s + v.bytes, 0);
console.log(`net self size ${(total / 1e6).toFixed(2)} MB`);
for (const [k, v] of rows.slice(0, Number(topArg ?? 30))) console.log(`${(v.bytes / 1e3).toFixed(1).padStart(9)} kB  born ${String(v.born).padStart(7)} died ${String(v.died).padStart(7)}  ${k}`);
console.log('...shrank most:');
for (const [k, v] of rows.slice(-8)) console.log(`${(v.bytes / 1e3).toFixed(1).padStart(9)} kB  born ${String(v.born).padStart(7)} died ${String(v.died).padStart(7)}  ${k}`);
