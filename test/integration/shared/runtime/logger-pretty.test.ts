/**
 * Readable logs on a terminal, JSON elsewhere: pino-pretty when stderr is a TTY (a real
 * pseudo-terminal from util-linux's `script`), one JSON object per line on a pipe.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../../shared/runtime/logger.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'oilwire-logger-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function collect(pretty: boolean): { log: ReturnType<typeof createLogger>; text: () => string } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d) => (text += d));
  return { log: createLogger({ pretty, destination: out }), text: () => text };
}

describe('createLogger', () => {
  it('writes one JSON object per line when not pretty, readable lines when pretty', async () => {
    const json = collect(false);
    json.log.info({ horizon: '5m', bps: -12.5 }, 'impact measured');
    await new Promise((r) => setImmediate(r));
    expect(JSON.parse(json.text().trim())).toMatchObject({ level: 30, msg: 'impact measured', horizon: '5m', bps: -12.5 });

    const pretty = collect(true);
    pretty.log.info({ horizon: '5m', bps: -12.5 }, 'impact measured');
    await new Promise((r) => setImmediate(r));
    expect(pretty.text()).toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: impact measured\n\s+horizon: "5m"\n\s+bps: -12.5\n$/);
  });

  it('chooses pino-pretty by itself on a terminal and JSON on a pipe', async () => {
    const script = join(dir, 'log.ts');
    writeFileSync(script, `import { createLogger } from ${JSON.stringify(resolve('shared/runtime/logger.ts'))};\ncreateLogger().info({ horizon: '1m' }, 'impact measured');\n`);
    const cmd = `${process.execPath} --import tsx ${script}`;
    const piped = await run(process.execPath, ['--import', 'tsx', script], { cwd: process.cwd() });
    expect(JSON.parse(piped.stderr.trim())).toMatchObject({ msg: 'impact measured', horizon: '1m' });
    // `script` gives the child a pseudo-terminal for its stdio and copies what it writes to our stdout.
    const tty = await run('script', ['-qec', cmd, '/dev/null'], { cwd: process.cwd(), env: { ...process.env, TERM: 'dumb' } });
    expect(tty.stdout).toMatch(/INFO.*impact measured/);
    expect(tty.stdout).not.toMatch(/"msg"/);
  });
});
