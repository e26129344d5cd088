/** One way to drive Debian's chromium with playwright-core, shared by the dashboard's browser tests. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** `extraArgs`: further chromium switches (the drive-by test maps attacker names to 127.0.0.1 with --host-resolver-rules). */
export async function launchBrowser(workDir: string, viewport = { width: 1400, height: 1000 }, extraArgs: string[] = []): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  return chromium.launchPersistentContext(join(workDir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}
