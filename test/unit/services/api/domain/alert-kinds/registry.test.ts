import { describe, expect, it } from 'vitest';
import { ruleId } from '../../../../../../services/api/domain/alert-kinds/define.ts';
import { createEvaluator } from '../../../../../../services/api/domain/alert-kinds/registry.ts';
import { AppError } from '../../../../../../shared/errors.ts';

describe('alert rule ids', () => {
  it('take letters, digits, _ . - and up to 64 of them, nothing around them', () => {
    for (const id of ['a', 'Rule_1.v2-b', 'x'.repeat(64)]) expect(ruleId.safeParse(id).success, id).toBe(true);
    for (const id of ['', 'x'.repeat(65), 'has space', ' lead', 'trail ', 'a/b', 'é']) expect(ruleId.safeParse(id).success, id).toBe(false);
  });
});

describe('createEvaluator', () => {
  it('refuses an unknown kind as a configuration error that lists the kinds it knows', () => {
    let err: unknown;
    try {
      createEvaluator({ id: 'x', kind: 'astrology' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('CONFIG_INVALID');
    expect((err as AppError).message).toBe('no alert rule of kind astrology: known kinds are headline, unexplained_move');
  });
});
