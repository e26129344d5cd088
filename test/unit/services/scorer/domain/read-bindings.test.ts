import { describe, expect, it } from 'vitest';
import { bindPairs } from '../../../../../services/scorer/domain/read-bindings.ts';
import { buildItems } from '../../../../../services/scorer/domain/read-items.ts';
import { tokenize } from '../../../../../services/scorer/domain/text.ts';

const bound = (text: string) => {
  const t = tokenize(text);
  const items = buildItems(t);
  const word = (k: number) => t.low.slice(items[k].start, items[k].end).join(' ');
  return bindPairs(items, t).pairs.map((p) => [word(p.pred), word(p.concept), p.sense.d]);
};

describe('reading phase 3: bindings', () => {
  it('returns the roles by item index and leaves the items untouched', () => {
    const t = tokenize('OPEC cuts output');
    const items = buildItems(t);
    const before = JSON.stringify(items);
    const b = bindPairs(items, t);
    expect(b.asPred).toEqual([false, true, false]);
    expect(b.used).toEqual([false, false, true]);
    expect(JSON.stringify(items)).toBe(before);
  });

  it('binds a verb to its subject before it and a transitive verb to its object', () => {
    expect(bound('Losses narrowed')).toEqual([['narrowed', 'losses', -1]]);
    expect(bound('OPEC cuts output')).toEqual([['cuts', 'output', -1]]);
  });

  it('binds only the classes a predicate accepts ("draw" binds stocks, not prices; "close" a flow, not shares)', () => {
    expect(bound('US crude stocks draw')).toEqual([['draw', 'crude stocks', -1]]);
    expect(bound('Brent prices draw')).toEqual([]);
    expect(bound('Iran closes Strait of Hormuz')).toEqual([['closes', 'strait of hormuz', -1]]);
    expect(bound('Shares close higher')).toEqual([['higher', 'shares', 1]]);
  });

  it('binds the head of a noun compound', () => {
    expect(bound('Ceasefire collapses')).toEqual([['collapses', 'ceasefire', -1]]);
    expect(bound('Gaza ceasefire talks collapse')).toEqual([['collapse', 'talks', -1]]);
  });

  it('binds the direct object a verb names before a name standing for a concept (a producer as its supply) on the subject side', () => {
    // Both sides at one position: the preferred side (before) would take the name.
    expect(bound('Aramco opens plant')).toEqual([['opens', 'plant', 1]]);
    // The name is nearer than the object.
    expect(bound('Aramco opens new gas plant')).toContainEqual(['opens', 'plant', 1]);
    // With no concept named after the verb, the name is what opens; behind a preposition the concept is no direct object.
    expect(bound('Strait of Hormuz reopens')).toEqual([['reopens', 'strait of hormuz', 1]]);
    expect(bound('Strait of Hormuz reopens to tanker traffic')).toContainEqual(['reopens', 'strait of hormuz', 1]);
    // A name after the verb is its object already: a concept named before it does not take its place.
    expect(bound('Evergreen ship blocks Suez Canal')).toEqual([['blocks', 'suez canal', -1]]);
  });

  it('does not bind across a clause connector', () => {
    expect(bound('Oil falls as ceasefire holds')).toEqual([
      ['falls', 'oil', -1],
      ['holds', 'ceasefire', 1],
    ]);
  });
});

describe('reading phase 3: how far and where a predicate binds', () => {
  it('binds within four positions, not five', () => {
    expect(bound('Losses xa xb xc narrowed')).toEqual([['narrowed', 'losses', -1]]);
    expect(bound('Losses xa xb xc xd narrowed')).toEqual([]);
    expect(bound('Ceasefire xa xb xc collapses')).toEqual([['collapses', 'ceasefire', -1]]);
    expect(bound('Ceasefire xa xb xc xd collapses')).toEqual([]);
  });

  it('binds on the other side when the preferred one has nothing, and prefers a near concept there to a far one on the preferred side', () => {
    expect(bound('narrowed losses')).toEqual([['narrowed', 'losses', -1]]);
    expect(bound('OPEC cuts output')).toEqual([['cuts', 'output', -1]]);
    expect(bound('Exports cuts xa xb output')).toEqual([['cuts', 'exports', -1]]);
    // (A name on the preferred side gives way to the verb's direct object: the test above.)
    expect(bound('OPEC cuts xa xb output')).toEqual([['cuts', 'output', -1]]);
    expect(bound('OPEC xa xb cuts output')).toEqual([['cuts', 'output', -1]]);
  });

  it('stops at a sentence end and a clause connector, not at a comma, and forward at "into"', () => {
    expect(bound('Ceasefire . collapses')).toEqual([]);
    expect(bound('Ceasefire as collapses')).toEqual([]);
    expect(bound('Ceasefire , collapses')).toEqual([['collapses', 'ceasefire', -1]]);
    expect(bound('Slips recession')).toEqual([['slips', 'recession', -1]]);
    expect(bound('Slips into recession')).toEqual([]);
  });

  it('looks past a concept inside a prepositional phrase to the head noun before it', () => {
    expect(bound('Talks in Gaza collapse')).toEqual([['collapse', 'talks', -1]]);
    expect(bound('Talks xa on program end')).toEqual([['end', 'talks', -1]]);
  });

  it('after "to", binds the object that follows', () => {
    expect(bound('Ceasefire end standoff')).toEqual([['end', 'ceasefire', -1]]);
    expect(bound('Ceasefire to end standoff')).toEqual([['end', 'standoff', -1]]);
  });

  it('binds a concept once: a second predicate does not take it again', () => {
    expect(bound('Ceasefire collapses ends')).toEqual([['collapses', 'ceasefire', -1]]);
  });

  it('lets a dual word bind as a predicate only when no predicate took it', () => {
    expect(bound('Oil rally')).toEqual([['rally', 'oil', 1]]);
    expect(bound('rally collapses')).toEqual([]);
  });
});

describe('reading phase 3: what a predicate reads of its own senses and of the words between', () => {
  it('keeps to a strict side: a predicate written before its object never binds back, one after its subject never forward', () => {
    expect(bound('Hire xa workers')).toEqual([['hire', 'workers', 1]]);
    expect(bound('Workers hire')).toEqual([]);
    expect(bound('Sanctions hit by xa')).toEqual([['hit by', 'sanctions', -1]]);
    expect(bound('Hit by sanctions')).toEqual([]);
  });

  it('reads a window of its own where the sense has one ("massive" reaches two positions)', () => {
    expect(bound('Massive xa output')).toEqual([['massive', 'output', 1]]);
    expect(bound('Massive xa xb output')).toEqual([]);
  });

  it('reaches two positions further for the head noun once a concept inside a prepositional phrase was passed', () => {
    expect(bound('Talks xa xb xc on sanctions end')).toEqual([['end', 'talks', -1]]);
    expect(bound('Talks xa xb xc xd xe on sanctions end')).toEqual([['end', 'sanctions', -1]]);
    expect(bound('Talks on xa sanctions end')).toEqual([['end', 'sanctions', -1]]);
  });

  it('takes a phrase that starts with a connector word for no clause barrier', () => {
    expect(bound('Output thanks to xa rises')).toEqual([['rises', 'output', 1]]);
  });

  it('in a verb chain lets the last verb take the object', () => {
    expect(bound('Iran agrees to end sanctions')).toEqual([['end', 'sanctions', -1]]);
  });

  it('lets a predicate that found nothing bind a dual word in the second pass', () => {
    expect(bound('Strikes fall')).toEqual([['fall', 'strikes', -1]]);
  });

  it('reads the restricted sense on a tie ("holds" of a ceasefire is good news, not a neutral hold)', () => {
    expect(bound('Ceasefire holds')).toEqual([['holds', 'ceasefire', 1]]);
  });
});

describe('reading phase 3: comparisons', () => {
  it('binds the subject up and the market quantity after the verb down', () => {
    expect(bound('Oil supply outstrips demand')).toEqual([
      ['outstrips', 'oil supply', 1],
      ['outstrips', 'demand', -1],
    ]);
    expect(bound('Demand outpaces crude stocks')).toEqual([
      ['outpaces', 'demand', 1],
      ['outpaces', 'crude stocks', -1],
    ]);
  });

  it('keeps its subject before it after a "to" of the future, where a verb chain would take the object', () => {
    expect(bound('Oil supply to exceed demand')).toEqual([
      ['exceed', 'oil supply', 1],
      ['exceed', 'demand', -1],
    ]);
  });

  it('does not weigh the subject against a forecast it beats, nor against a concept behind a preposition', () => {
    expect(bound('Profit exceeds forecasts')).toEqual([['exceeds', 'profit', 1]]);
    expect(bound('Oil supply outstrips forecasts for demand')).toEqual([['outstrips', 'oil supply', 1]]);
  });

  it('binds nothing without a subject before it', () => {
    expect(bound('Refunds not outpacing deposits')).toEqual([]);
  });
});
