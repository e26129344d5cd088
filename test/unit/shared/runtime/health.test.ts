import { describe, expect, it } from 'vitest';
import { WriteHealth, trackWrites } from '../../../../shared/runtime/health.ts';
import type { Store } from '../../../../shared/store/port.ts';

describe('WriteHealth', () => {
  it('counts a run of failures from its first one, and a success ends it', () => {
    let now = 100;
    const h = new WriteHealth(() => now);
    expect(h.failing()).toBeUndefined();
    expect(h.lastSuccessAt()).toBeUndefined();
    h.failed(new Error('disk full'));
    now = 200;
    h.failed('still full');
    expect(h.failing()).toEqual({ since: 100, failures: 2, error: 'still full' });
    now = 300;
    h.succeeded();
    expect(h.failing()).toBeUndefined();
    expect(h.lastSuccessAt()).toBe(300);
    now = 400;
    h.failed(42);
    expect(h.failing()).toEqual({ since: 400, failures: 1, error: '42' });
    expect(h.lastSuccessAt()).toBe(300);
  });

  it('keeps at most 500 characters of the error', () => {
    const h = new WriteHealth(() => 0);
    h.failed(new Error('x'.repeat(600)));
    expect(h.failing()?.error).toBe('x'.repeat(500));
  });

  it('reads the wall clock by default', () => {
    const before = Date.now();
    const h = new WriteHealth();
    h.succeeded();
    expect(h.lastSuccessAt()).toBeGreaterThanOrEqual(before);
    expect(h.lastSuccessAt()).toBeLessThanOrEqual(Date.now());
  });
});

describe('trackWrites', () => {
  /** A store that records calls and fails inserts on demand: enough for the wrapper, which only forwards. */
  function fakeStore(log: string[], failInsert: { error?: Error } = {}): Store {
    const store = {
      kind: 'fake',
      database: 'db1',
      table: (name: string) => `db1.${name}`,
      insert: async (table: string, rows: unknown[]) => {
        log.push(`insert ${table} ${rows.length}`);
        if (failInsert.error) throw failInsert.error;
      },
      query: async (sql: string) => {
        log.push(`query ${sql}`);
        return [{ x: 1 }];
      },
      queryText: async (sql: string, format: string) => {
        log.push(`queryText ${sql} ${format}`);
        return 'text';
      },
      command: async (sql: string) => {
        log.push(`command ${sql}`);
      },
      ping: async () => {
        log.push('ping');
        return true;
      },
      isolated: async () => fakeStore(log, failInsert),
      close: async () => {
        log.push('close');
      },
    };
    return store as unknown as Store;
  }

  it('reports an insert with rows as a success and a failed insert as a failure, rethrowing it', async () => {
    const log: string[] = [];
    const fail: { error?: Error } = {};
    let now = 1;
    const health = new WriteHealth(() => now);
    const s = trackWrites(fakeStore(log, fail), health);
    await s.insert('news', [{ a: 1 }]);
    expect(health.lastSuccessAt()).toBe(1);
    now = 2;
    fail.error = new Error('NOT_ENOUGH_SPACE');
    await expect(s.insert('news', [{ a: 1 }])).rejects.toThrow('NOT_ENOUGH_SPACE');
    expect(health.failing()).toEqual({ since: 2, failures: 1, error: 'NOT_ENOUGH_SPACE' });
    // An empty insert writes nothing, so it proves nothing about the disk.
    fail.error = undefined;
    now = 3;
    await s.insert('news', []);
    expect(health.failing()).toMatchObject({ failures: 1 });
    expect(health.lastSuccessAt()).toBe(1);
    await s.insert('news', [{ a: 1 }]);
    expect(health.failing()).toBeUndefined();
    expect(health.lastSuccessAt()).toBe(3);
    expect(log).toEqual(['insert news 1', 'insert news 1', 'insert news 0', 'insert news 1']);
  });

  it('forwards everything else unchanged, and tracks an isolated store too', async () => {
    const log: string[] = [];
    const fail: { error?: Error } = {};
    const health = new WriteHealth(() => 9);
    const s = trackWrites(fakeStore(log, fail), health);
    expect(s.kind).toBe('fake');
    expect(s.database).toBe('db1');
    expect(s.table('t')).toBe('db1.t');
    expect(await s.query('SELECT 1')).toEqual([{ x: 1 }]);
    expect(await s.queryText('SELECT 2', 'CSV' as never)).toBe('text');
    await s.command('OPTIMIZE');
    expect(await s.ping()).toBe(true);
    await s.close();
    const iso = await s.isolated('x' as never);
    fail.error = new Error('boom');
    await expect(iso.insert('t', [{}])).rejects.toThrow('boom');
    expect(health.failing()).toMatchObject({ failures: 1, error: 'boom' });
    expect(log).toEqual(['query SELECT 1', 'queryText SELECT 2 CSV', 'command OPTIMIZE', 'ping', 'close', 'insert t 1']);
  });
});

describe('trackWrites: damage', () => {
  it("forwards the inner store's damage report, and none when the store cannot tell", () => {
    const damage = { since: 1, engineError: 'CORRUPTED_DATA', error: 'bad part', broken: [], repair: 'running' as const, attempts: 0 };
    const base = { kind: 'chdb', database: 'd', table: (n: string) => n, close: async () => undefined };
    const withDamage = trackWrites({ ...base, damage: () => damage } as unknown as Store, new WriteHealth(() => 0));
    expect(withDamage.damage?.()).toBe(damage);
    const without = trackWrites(base as unknown as Store, new WriteHealth(() => 0));
    expect(without.damage?.()).toBeUndefined();
  });
});
