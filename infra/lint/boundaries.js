// Import boundaries of the house layout (docs/contributing.md), as ESLint's own
// no-restricted-imports / no-restricted-properties / no-restricted-syntax with per-folder blocks.
//
// no-restricted-imports matches the import text, not the resolved file, so a relative import is
// judged by how far it climbs: a file N folders below services/<name>/ that climbs N+1 times
// stands in services/ and must come back down into its own service. One block per depth makes that
// exact (a later block replaces an earlier block's options for the same rule, so each block
// carries every pattern that applies to its files).

export const SERVICES = ['ingest-news', 'ingest-prices', 'scorer', 'correlator', 'api'];
const MAX_DEPTH = 4;

// Node modules that do I/O or reach the outside world, and the vendor clients that do.
const IO_MODULES = ['fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'tls', 'dgram', 'dns', 'dns/promises', 'child_process', 'cluster', 'worker_threads', 'readline', 'os', 'process'];
const IO_PACKAGES = ['kafkajs', '@clickhouse/client', 'chdb', 'ws', 'fastify', 'pino', 'prom-client', 'rss-parser', '@huggingface/transformers', 'sharp'];

// The patterns compile with the u flag, where only syntax characters may be escaped.
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const ups = (n) => `(\\.\\./){${n}}`;

/** Outside services/: only `services/<name>/index.ts`. */
const onlyIndex = {
  regex: '^(\\./|(\\.\\./)*)services/[^/]+/(?!index\\.ts$)',
  message: 'Import a service only through its index.ts (services/<name>/index.ts); expose a narrow helper there if you need one.',
};

/** A file `depth` folders below services/<self>/ importing another service, relatively or by a longer path. */
function crossService(self, depth) {
  return {
    regex: `^(${ups(depth + 1)}(?!${escape(self)}/)[^./][^/]*/|(\\.\\./)+services/(?!${escape(self)}/))`,
    message: `services/${self} must not import another service: share through shared/ (topics, contracts) instead.`,
  };
}

const domainPatterns = [
  { regex: '(^|/)adapters/', message: 'domain/ imports no adapter: declare a port in ports.ts and let main.ts wire the adapter.' },
  { regex: '^\\.\\./(main|config|index)\\.ts$', message: 'domain/ does not import the composition root or the zod config: pass plain values in.' },
  {
    regex: `^(node:)?(${IO_MODULES.map(escape).join('|')})$`,
    message: 'domain/ does no I/O: put it behind a port in ports.ts with an adapter in adapters/.',
  },
  { regex: `^(${IO_PACKAGES.map(escape).join('|')})(/|$)`, message: 'domain/ does no I/O: vendor clients live in adapters/.' },
];

const restrict = (patterns) => ['error', { patterns }];

const blocks = [
  // Everything outside services/ (cli, bench, tests, shared, infra): through index.ts only.
  { files: ['**/*.{ts,js,mjs}'], rules: { 'no-restricted-imports': restrict([onlyIndex]) } },
  {
    files: ['shared/**/*.{ts,js,mjs}'],
    rules: { 'no-restricted-imports': restrict([{ regex: '^(\\.\\./)*services/', message: 'shared/ never imports a service.' }]) },
  },
];

for (const self of SERVICES) {
  // A service's own unit and integration tests may reach its internals, no other service's.
  blocks.push({
    files: [`test/unit/services/${self}/**`, `test/integration/services/${self}/**`],
    rules: { 'no-restricted-imports': restrict([{ ...onlyIndex, regex: `^(\\.\\./)*services/(?!${escape(self)}/)[^/]+/(?!index\\.ts$)` }]) },
  });
  for (let depth = 0; depth <= MAX_DEPTH; depth++) {
    const dirs = '*/'.repeat(depth);
    blocks.push({
      files: [`services/${self}/${dirs}*.{ts,js,mjs}`],
      rules: { 'no-restricted-imports': restrict([crossService(self, depth)]) },
    });
    if (depth >= 1) {
      const domainDirs = 'domain/' + '*/'.repeat(depth - 1);
      blocks.push({
        files: [`services/${self}/${domainDirs}*.ts`],
        rules: { 'no-restricted-imports': restrict([crossService(self, depth), ...domainPatterns]) },
      });
    }
  }
}

// Pure domain: time and environment come in as arguments (a Clock, a config value).
const wallClock = 'domain/ never reads the wall clock: take a Clock (shared/runtime/clock.ts) or a time argument.';
blocks.push({
  files: ['services/*/domain/**/*.ts'],
  rules: {
    'no-restricted-properties': [
      'error',
      { object: 'Date', property: 'now', message: wallClock },
      { object: 'performance', property: 'now', message: wallClock },
      { object: 'process', property: 'hrtime', message: wallClock },
      { object: 'process', property: 'env', message: 'domain/ never reads process.env: config.ts reads it and passes values in.' },
    ],
    'no-restricted-syntax': [
      'error',
      { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: wallClock },
      { selector: "CallExpression[callee.name='Date']", message: wallClock },
      { selector: "MemberExpression[object.name='globalThis'][property.name=/^(Date|performance|process)$/]", message: wallClock },
    ],
  },
});

export const boundaries = blocks;
