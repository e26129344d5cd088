import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../../../../services/scorer/domain/analyze.ts';

const dir = (t: string) => analyzeText(t).oil_direction.label;

describe('oil direction on the failure classes of issue 12', () => {
  it('reads an attacked tanker as supply risk', () => {
    expect(dir('Tanker hit by missile in Gulf of Aden, crew evacuated')).toBe('bullish');
    expect(dir('Iran seizes foreign tanker in Strait of Hormuz')).toBe('bullish');
  });

  it('reads a deal that is very close as progress, not a closure', () => {
    expect(dir('US and Iran very close to nuclear deal, diplomats say')).toBe('bearish');
    expect(dir('Iran deal very close, negotiators say')).toBe('bearish');
  });

  it('reads extended cuts as tighter supply and a collapsing producer pact as more supply', () => {
    expect(dir('OPEC+ to extend voluntary cuts through second quarter')).toBe('bullish');
    expect(dir('OPEC+ pact falls apart as Russia refuses deeper cuts')).toBe('bearish');
    expect(dir('Gaza ceasefire falls apart as airstrikes resume')).toBe('bullish');
  });

  it('gives no direction to a bare oil word or to news without an oil implication', () => {
    expect(dir('Shell oil')).toBe('neutral');
    for (const t of ['Disney merger talks with Comcast collapse over price', 'German train drivers strike for third time', 'Apple stock climbs to all-time high on strong iPhone demand']) expect(dir(t), t).toBe('neutral');
  });
});

describe('a balance of supply and demand', () => {
  it('reads supply outstripping demand as a glut and demand outpacing supply as a shortfall', () => {
    expect(dir('IEA says global oil supply to outstrip demand')).toBe('bearish');
    expect(dir('Oil supply to exceed demand next year, agency says')).toBe('bearish');
    expect(dir('Demand for crude outpaces supply as refiners scramble')).toBe('bullish');
    expect(dir('Global oil demand growth to outstrip supply growth: OPEC')).toBe('bullish');
    expect(analyzeText('IEA says global oil supply to outstrip demand').sentiment.label).toBe('negative');
  });

  it('reads one quantity past a level as its rise, and a company overtaking a rival as a gain', () => {
    expect(dir('U.S. crude output exceeds 11 million bpd')).toBe('bearish');
    expect(analyzeText('Huawei overtakes Samsung as top smartphone seller').sentiment.label).toBe('positive');
    expect(analyzeText('Company profit exceeds forecasts').sentiment.label).toBe('positive');
  });

  it('does not give a company quantity the supply sign of the producer that owns it', () => {
    for (const t of ["Saudi Aramco's market value surpasses Apple", 'Aramco shares rise', 'Rosneft profit jumps']) expect(dir(t), t).toBe('neutral');
  });
});

describe('company prose (Financial PhraseBank style) does not fire oil and geopolitics entries', () => {
  it('stays neutral and unrelated on phrases that share words with oil entries', () => {
    for (const t of ['The transaction value is over EUR 25mn .', 'The system provides dilution control for pulp mills .', 'The construction concern will build the terminal one block at a time .', "The group 's Mid Cap fund invests in Nordic companies .", 'The firm supplies lifting equipment to ports and shipyards .']) {
      const a = analyzeText(t);
      expect(a.oil_direction.label, t).toBe('neutral');
      expect(a.topics, t).toEqual([]);
      expect(a.relevance, t).toBeLessThan(60);
    }
    for (const t of ['The transaction value is over EUR 25mn .', 'The system provides dilution control for pulp mills .', 'The construction concern will build the terminal one block at a time .']) expect(analyzeText(t).sentiment.label, t).toBe('neutral');
  });

  it('reads split decimals as one number and compares them', () => {
    expect(analyzeText('Earnings per share were EUR0 .07 compared with EUR0 .04 a year ago .').sentiment.label).toBe('positive');
    expect(analyzeText('Net profit rose to 71.2 mn from 57.1 mn in the corresponding period in 2007 , the company said in a statement on Thursday .').sentiment.label).toBe('positive');
  });
});

describe('de-escalation and attacks in diplomacy wire headlines', () => {
  it('reads accepting a truce, stopping attacks and releasing a tanker as bearish, blowing up a pipeline as bullish', () => {
    expect(dir('Hamas says it accepts Egyptian-Qatari truce proposal')).toBe('bearish');
    expect(dir('Houthis say they will stop attacking ships')).toBe('bearish');
    expect(dir('Iran releases crew of seized tanker')).toBe('bearish');
    expect(dir('Nigeria militants blow up oil pipeline')).toBe('bullish');
    expect(dir('Hamas rejects ceasefire proposal')).toBe('bullish');
  });
});
