import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../../../../services/scorer/domain/analyze.ts';
import { compileGateRules, gateTopics } from '../../../../../services/scorer/domain/topic-gate.ts';

const topics = (t: string) => analyzeText(t).topics;

describe('topic gating (docs/taxonomy.md)', () => {
  it('reads mediation only in a conflict or nuclear context, not in merger, trade, labour or debt talks', () => {
    expect(topics('Iran and US to hold indirect nuclear talks in Oman')).toContain('mediation');
    expect(topics('Qatar says Gaza ceasefire talks at a critical stage')).toEqual(expect.arrayContaining(['ceasefire', 'mediation']));
    for (const t of ['Disney merger talks with Comcast collapse over price', 'Union and automaker resume contract talks as strike deadline looms', 'Greece and creditors resume debt talks in Brussels', 'US and China resume trade talks in Beijing', 'Hollywood writers end strike after reaching deal with studios']) {
      expect(topics(t), t).not.toContain('mediation');
    }
  });

  it('does not read metaphors, labour strikes or cyber crime as military', () => {
    for (const t of ['Uber and Lyft locked in price war in key US cities', 'Bidding war erupts for British pub chain', 'Microsoft launches charm offensive in Brussels over cloud deal', 'Coronavirus crisis hits airline bookings', 'German train drivers strike for third time', 'Ransomware attack hits British Library', 'Carlsberg strikes deal to buy Britvic']) {
      expect(topics(t), t).not.toContain('military');
    }
    for (const t of ['Houthis attack commercial ship in Red Sea', 'Israel strikes military sites in Iran', 'Ukraine strikes Russian oil refinery with drones']) expect(topics(t), t).toContain('military');
  });

  it('keeps sanctions for state measures and drops them for tariffs and fines', () => {
    expect(topics('US Treasury imposes new sanctions on Iran oil sector')).toContain('sanctions');
    expect(topics('G7 agrees $60 price cap on Russian oil')).toContain('sanctions');
    for (const t of ['EU fines Google 4.3 billion euros over Android antitrust abuse', 'US slaps 25% tariffs on steel and aluminium imports', 'Judge sanctions lawyers for AI-generated citations']) {
      expect(topics(t), t).not.toContain('sanctions');
    }
  });

  it('passes a strong trigger, gates a weak one on context and block words, and never counts a trigger as its own context', () => {
    const rules = compileGateRules({ conflictEntities: ['Iran'], topics: { mediation: { strong: ['peace talks'], context: ['nuclear', 'talks'], block: ['merger'], entityContext: true } } });
    expect([...gateTopics([{ topic: 'mediation', key: 'peace talks' }], ['merger', 'peace', 'talks'], [], rules)]).toEqual(['mediation']);
    expect([...gateTopics([{ topic: 'mediation', key: 'talks' }], ['nuclear', 'talks'], [], rules)]).toEqual(['mediation']);
    expect([...gateTopics([{ topic: 'mediation', key: 'talks' }], ['talks'], [], rules)]).toEqual([]);
    expect([...gateTopics([{ topic: 'mediation', key: 'talks' }], ['talks'], ['Iran'], rules)]).toEqual(['mediation']);
    expect([...gateTopics([{ topic: 'mediation', key: 'talks' }], ['merger', 'nuclear', 'talks'], ['Iran'], rules)]).toEqual([]);
    // A topic with no rule passes as read.
    expect([...gateTopics([{ topic: 'macro', key: 'gdp' }], ['gdp'], [], rules)]).toEqual(['macro']);
  });

  it('vetoes even a strong trigger in defence-industry or space news, and reads a producer policy as OPEC without OPEC named', () => {
    expect(topics('Lockheed wins contract for missile warning satellites')).not.toContain('military');
    expect(topics('Space firm details plans for rockets')).not.toContain('military');
    expect(topics('Saudi Arabia pledges extra oil output cut')).toContain('opec');
    expect(topics('Saudi Arabia plans $500 billion megacity')).not.toContain('opec');
  });

  it('never reads economy-class seats or contract manufacturing as macro', () => {
    expect(topics('Airline finds premium economy a tougher sell on new routes')).not.toContain('macro');
    expect(topics('Carmaker reviews investing in contract manufacturing')).not.toContain('macro');
    expect(topics('US economy grew at 3.3% rate in fourth quarter')).toContain('macro');
  });
});
