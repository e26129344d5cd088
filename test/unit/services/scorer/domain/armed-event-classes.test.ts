import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../../../../services/scorer/domain/analyze.ts';

// Headlines written for these tests (docs/taxonomy.md: military, oil_direction, relevance).
describe('armed events reach crude only through an oil channel', () => {
  it('gives no oil direction to an armed event the relevance bands place under the line of a clear oil channel', () => {
    for (const t of [
      'India and Pakistan exchange fire in Kashmir',
      'Ethiopian troops advance on Tigray capital',
      'North Korea fires two short-range missiles into sea',
      'Myanmar army kills dozens of protesters',
      'Gunmen kill soldiers in attack on army base in Burkina Faso',
    ]) {
      const a = analyzeText(t);
      expect([a.topics, a.oil_direction.label, a.oil_direction.strength], t).toEqual([['military'], 'neutral', 0]);
      expect(a.relevance, t).toBeLessThan(60);
    }
  });

  it('keeps the supply-risk reading of an armed event with an oil channel', () => {
    for (const t of [
      'Israel strikes Hezbollah targets in Lebanon',
      'Houthis fire missile at Saudi Arabia',
      'Russian missiles hit Ukrainian energy sites',
      'Militants attack oil pipeline in Nigeria',
      'Clashes erupt near Libya oilfield',
    ]) {
      const a = analyzeText(t);
      expect(a.topics, t).toContain('military');
      expect(a.oil_direction.label, t).toBe('bullish');
      expect(a.relevance, t).toBeGreaterThanOrEqual(60);
    }
  });

  it('reads the other topics of a remote armed event by the same line', () => {
    // Sanctions on a state that is no producer, a grain convoy: no oil channel either, so no direction.
    for (const t of ['Sanctions imposed on North Korea after missile launch', 'Navy escorts grain ships in Black Sea']) {
      const a = analyzeText(t);
      expect(a.topics, t).toContain('military');
      expect([a.oil_direction.label, a.oil_direction.strength], t).toEqual(['neutral', 0]);
      expect(a.relevance, t).toBeLessThan(60);
    }
    // A tanker seized is shipping news with its channel: its supply-risk reading stays.
    const a = analyzeText('Pirates seize tanker off Somalia');
    expect(a.topics).toEqual(expect.arrayContaining(['shipping']));
    expect(a.oil_direction.label).toBe('bullish');
  });

  it('leaves a remote armed event that already reads neutral as it was', () => {
    // Its leaning, too weak for a label, is kept (the rule only takes a direction away).
    expect(analyzeText('US troops leave Afghanistan').oil_direction).toMatchObject({ label: 'neutral', strength: expect.any(Number) });
    expect(analyzeText('US troops leave Afghanistan').oil_direction.strength).toBeGreaterThan(0);
  });

  it('reads a ship that hits a mine, and a force that hits an armed target, as an armed event, not its end', () => {
    for (const t of ['Tanker hits mine in Gulf of Oman', 'Israel hits Hezbollah weapons depot']) {
      const a = analyzeText(t);
      expect([a.oil_direction.label, a.sentiment.label], t).toEqual(['bullish', 'negative']);
    }
    // What weighs on or hits a market, a flow or talks still moves it down.
    expect(analyzeText('Tariffs hit oil demand').oil_direction.label).toBe('bearish');
    expect(analyzeText('Strong dollar weighs on crude').oil_direction.label).toBe('bearish');
  });
});

describe('words that share a trigger with military', () => {
  it('reads a mine of metals or coal as mining, not an armed event', () => {
    for (const t of ['Glencore cuts cobalt output at Congo mine', 'Gunmen attack copper mine in Congo, killing five', 'Coal mine output falls in Colombia', 'Lithium miners in Chile halt output']) {
      expect(analyzeText(t).topics, t).toEqual([]);
    }
    // A mine at sea is still one.
    expect(analyzeText('Tanker damaged by mine off UAE coast').topics).toEqual(['military', 'shipping']);
  });

  it('reads a "war on" an abstract foe as a metaphor', () => {
    for (const t of ["Mexico's president launches war on fuel theft", 'Duterte vows to continue war on drugs', 'EU launches war on plastic waste', 'Central bank steps up war on inflation']) {
      const a = analyzeText(t);
      expect(a.topics, t).not.toContain('military');
      expect(a.oil_direction.label, t).toBe('neutral');
      expect(a.relevance, t).toBeLessThan(60);
    }
    // A central bank's "war" is macro news, the others no topic at all.
    expect(analyzeText('Central bank steps up war on inflation').topics).toEqual(['macro']);
    expect(analyzeText('Duterte vows to continue war on drugs').topics).toEqual([]);
  });
});

describe('markets reacting to an attack', () => {
  it('keeps the attack a market wrap reports: military, with its oil channel', () => {
    for (const t of ['Asian shares fall after Iran fires missiles at U.S. forces in Iraq', 'Stocks slide after U.S. kills top Iranian general in air strike']) {
      const a = analyzeText(t);
      expect(a.topics, t).toContain('military');
      expect(a.relevance, t).toBeGreaterThanOrEqual(60);
    }
  });

  it("leaves a defence maker's shares and a market metaphor without the military topic", () => {
    for (const t of ['Drone maker shares soar', 'Defence stocks rally after missile strike', 'World stocks rebound, Brexit blow-up levels sterling', 'Deal talks blow up over price']) {
      expect(analyzeText(t).topics, t).not.toContain('military');
    }
    expect(analyzeText('Militants blow up oil pipeline in Nigeria').topics).toContain('military');
  });
});

describe('an air-refuelling tanker is a plane', () => {
  it('gives a refuelling tanker and its maker no shipping topic, and keeps a ship tanker', () => {
    for (const t of ['Air Force to take delivery of Boeing tanker by year end', 'Airbus wins aerial refuelling tanker order']) expect(analyzeText(t).topics, t).not.toContain('shipping');
    expect(analyzeText('Houthis attack oil tanker in Red Sea').topics).toContain('shipping');
  });
});
