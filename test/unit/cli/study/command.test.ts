import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseStudyArgs, registerStudy, type StudyArgs } from '../../../../cli/study/command.ts';

const args = (over: Partial<StudyArgs> = {}): StudyArgs => ({ news: 'n.csv', prices: 'p.csv', top: '10', symbol: 'BRENT', minRelevance: '40', seed: '1', ...over });

describe('parseStudyArgs', () => {
  it('turns the text options into numbers and passes the rest on', () => {
    expect(parseStudyArgs(args({ top: '3', minRelevance: '55.5', seed: '-7', from: '2018-01-01', horizon: '1d', measure: 'same-day', includeReports: true, keep: 'k', chart: 'c.PNG' }))).toEqual({
      news: 'n.csv',
      prices: 'p.csv',
      from: '2018-01-01',
      to: undefined,
      top: 3,
      symbol: 'BRENT',
      horizon: '1d',
      keep: 'k',
      measure: 'same-day',
      includeReports: true,
      minRelevance: 55.5,
      seed: -7,
    });
  });

  it.each([
    [{ top: '0' }, /--top must be an integer 1-1000, got 0/],
    [{ top: '1001' }, /--top/],
    [{ top: '2.5' }, /--top/],
    [{ minRelevance: '101' }, /--min-relevance must be 0-100, got 101/],
    [{ minRelevance: '-1' }, /--min-relevance/],
    [{ minRelevance: 'x' }, /--min-relevance/],
    [{ seed: '1.5' }, /--seed must be an integer, got 1.5/],
    [{ chart: 'chart.jpg' }, /--chart file must end in .svg or .png, got chart.jpg/],
  ])('refuses %o before reading anything', (over, message) => {
    expect(() => parseStudyArgs(args(over))).toThrow(message);
  });

  it('accepts the bounds', () => {
    expect(parseStudyArgs(args({ top: '1000', minRelevance: '0' }))).toMatchObject({ top: 1000, minRelevance: 0 });
    expect(parseStudyArgs(args({ top: '1', minRelevance: '100' }))).toMatchObject({ top: 1, minRelevance: 100 });
  });
});

describe('registerStudy', () => {
  it('registers `study` with its defaults and the horizons it can report', () => {
    const program = new Command();
    registerStudy(program);
    const study = program.commands.find((c) => c.name() === 'study')!;
    expect(Object.fromEntries(study.options.map((o) => [o.attributeName(), o.defaultValue]).filter(([, v]) => v !== undefined))).toEqual({ top: '10', symbol: 'BRENT', minRelevance: '40', seed: '1' });
    expect(study.options.find((o) => o.long === '--measure')!.argChoices).toEqual(['next-session', 'same-day']);
    expect(study.options.find((o) => o.long === '--horizon')!.argChoices).toContain('1d');
  });
});
