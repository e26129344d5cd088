import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const servicesDir = fileURLToPath(new URL('../../../../services/', import.meta.url));

describe('SERVICE_NAMES', () => {
  // Imported inside the test: the list is built while the module loads, and a mutant of it must fail a test.
  it('names every service folder once, each with the index.ts the CLI starts it through', async () => {
    const { SERVICE_NAMES } = await import('../../../../shared/runtime/service.ts');
    const folders = readdirSync(servicesDir).filter((n) => statSync(servicesDir + n).isDirectory());
    expect([...SERVICE_NAMES].sort()).toEqual(folders.sort());
    expect(new Set(SERVICE_NAMES).size).toBe(SERVICE_NAMES.length);
    for (const name of SERVICE_NAMES) expect(statSync(`${servicesDir}${name}/index.ts`).isFile(), name).toBe(true);
  });
});
