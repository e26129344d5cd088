/**
 * The statistics step of `oilwire study`, pure: headlines and price series in, events
 * (clustered and attributed) and every test per topic, direction and source with q-values out.
 * docs/prices-and-impact.md, "Event-study statistics", says what each number is.
 */
import { clusterEvents, type AttributableHeadline, type EventCluster } from './attribution.ts';
import { familyQValues, groupTests, type EventObservation, type GroupTests, type QValues } from './statistics/event-tests.ts';
import { dailyObservation, dailyStartIndex, observation, returnOver, timeOfDayVolatility, windowReturns, type DailyMeasure, type PricePoint } from './statistics/windows.ts';

export interface StudyHeadlineRow extends AttributableHeadline {
  precision: 'date' | 'time';
  topics: string[];
  direction: string;
  /** The feed or file the headline came from: the study's source family groups causes by it. */
  source?: string;
}

export interface EngineMeasurement {
  pre: number;
  post: number;
  r: number;
}

export interface StudyInput {
  headlines: readonly StudyHeadlineRow[];
  /** `event` measure: the correlator's measurement per horizon label and article id. */
  measured?: ReadonlyMap<string, ReadonlyMap<string, EngineMeasurement>>;
  /** Daily closes (daily measures), one-minute bar closes (intraday), each sorted by time. */
  daily?: readonly PricePoint[];
  minute?: readonly PricePoint[];
  horizons: readonly { label: string; ms: number }[];
  measure: DailyMeasure | 'event';
  minRelevance: number;
  includeReports: boolean;
  estimationWindows: number;
  todSessions?: number;
  preEventMs?: number;
  seed?: number;
  resamples?: number;
  /** Fewer events than this get no test (default 5): two near-equal moves make a t of 160. */
  minEvents?: number;
}

const MIN_EVENTS = 5;

export interface StudyEvent {
  horizon: string;
  cluster: EventCluster<StudyHeadlineRow>;
  obs: EventObservation & { r: number };
  z: number | null;
  sameDayBps: number | null;
  todZ: number | null;
  preEventBps: number | null;
}

export interface StudyGroup {
  horizon: string;
  key: string;
  headlines: number;
  tests: GroupTests;
  q: QValues;
  directional: number;
  hitRate: number | null;
  meanSignedBps: number | null;
}

export interface StudyResult {
  events: StudyEvent[];
  byTopic: StudyGroup[];
  byDirection: StudyGroup[];
  /** By source of the cause, a family of its own (q-values across its rows and horizons only). */
  bySource: StudyGroup[];
  /** Headlines with no measurement (no price early enough, or none after), per horizon label. */
  unmeasured: Record<string, number>;
}

type Measured = { h: StudyHeadlineRow; start: number; end: number; obs: EventObservation & { r: number } };

function measureDaily(input: StudyInput, measure: DailyMeasure): Measured[] {
  const closes = input.daily ?? [];
  const out: Measured[] = [];
  for (const h of input.headlines) {
    const s = dailyStartIndex(closes, h, measure);
    const obs = s < 0 ? null : dailyObservation(closes, s, input.estimationWindows);
    if (obs) out.push({ h, start: obs.start, end: obs.end, obs });
  }
  return out;
}

function measureEvent(input: StudyInput, horizon: { label: string; ms: number }): Measured[] {
  const rows = input.measured?.get(horizon.label);
  const minute = input.minute ?? [];
  const out: Measured[] = [];
  for (const h of input.headlines) {
    const m = rows?.get(h.id);
    if (!m) continue;
    const est = windowReturns(minute, m.pre, horizon.ms, input.estimationWindows);
    out.push({ h, start: h.ts, end: Math.max(m.post, h.ts + 1), obs: observation(m.r, est, m.pre, m.post) });
  }
  return out;
}

function groups(events: StudyEvent[], keys: (e: StudyEvent) => string[], input: StudyInput): Omit<StudyGroup, 'q'>[] {
  const by = new Map<string, StudyEvent[]>();
  for (const e of events) for (const k of keys(e)) by.set(`${e.horizon}\u0000${k}`, [...(by.get(`${e.horizon}\u0000${k}`) ?? []), e]);
  return [...by.entries()].map(([id, evs]) => {
    const [horizon, key] = id.split('\u0000');
    const directional = evs.filter((e) => e.cluster.cause!.direction === 'bullish' || e.cluster.cause!.direction === 'bearish');
    const signed = directional.map((e) => (e.cluster.cause!.direction === 'bullish' ? e.obs.r : -e.obs.r));
    return {
      horizon,
      key,
      headlines: evs.reduce((a, e) => a + 1 + e.cluster.sameMove.length, 0),
      tests: groupTests(
        evs.map((e) => e.obs),
        { seed: input.seed, resamples: input.resamples, minEvents: input.minEvents ?? MIN_EVENTS },
      ),
      directional: directional.length,
      hitRate: directional.length ? signed.filter((x) => x > 0).length / directional.length : null,
      meanSignedBps: directional.length ? signed.reduce((a, b) => a + b, 0) / directional.length : null,
    };
  });
}

export function analyzeStudy(input: StudyInput): StudyResult {
  const events: StudyEvent[] = [];
  const unmeasured: Record<string, number> = {};
  for (const horizon of input.horizons) {
    const measured = input.measure === 'event' ? measureEvent(input, horizon) : measureDaily(input, input.measure);
    unmeasured[horizon.label] = input.headlines.length - measured.length;
    const byId = new Map(measured.map((m) => [m.h.id, m]));
    const clusters = clusterEvents(
      measured.map((m) => m.h),
      (h) => byId.get(h.id)!,
      // Relevant: the scorer's relevance and something oil-related read in it (a topic or a direction); a carmaker's
      // deliveries can score on words alone.
      { minRelevance: input.minRelevance, includeReports: input.includeReports, isRelevant: (h) => h.relevance >= input.minRelevance && (h.topics.length > 0 || h.direction !== 'neutral') },
    );
    const closes = input.daily ?? [];
    for (const c of clusters) {
      // The move is the cluster's first window; its cause may be a later headline of it.
      const first = [...c.sameMove, ...c.reports, ...c.irrelevant, ...(c.cause ? [c.cause] : [])].map((h) => byId.get(h.id)!).sort((a, b) => a.start - b.start)[0];
      const obs = first.obs;
      let sameDayBps: number | null = null;
      if (input.measure === 'next-session' && c.cause?.precision === 'date') {
        const s = dailyStartIndex(closes, c.cause, 'same-day');
        sameDayBps = s >= 0 && s + 1 < closes.length ? (closes[s + 1].close / closes[s].close - 1) * 10_000 : null;
      }
      let todZ: number | null = null;
      let preEventBps: number | null = null;
      if (input.measure === 'event' && input.minute?.length) {
        const vol = timeOfDayVolatility(input.minute, first.start, horizon.ms, input.todSessions ?? 20);
        todZ = vol && vol > 0 ? obs.ar / vol : null;
        preEventBps = returnOver(input.minute, first.start - (input.preEventMs ?? 15 * 60_000), first.start);
      }
      events.push({ horizon: horizon.label, cluster: c, obs, z: obs.sigma && obs.sigma > 0 ? obs.ar / obs.sigma : null, sameDayBps, todZ, preEventBps });
    }
  }
  const attributed = events.filter((e) => e.cluster.cause);
  const topicRows = groups(attributed, (e) => (e.cluster.cause!.topics.length ? e.cluster.cause!.topics : ['none']), input);
  const directionRows = groups(attributed, (e) => [e.cluster.cause!.direction], input);
  const sourceRows = groups(attributed, (e) => [e.cluster.cause!.source ?? 'unknown'], input);
  const withQ = (rows: Omit<StudyGroup, 'q'>[]): StudyGroup[] => {
    const q = familyQValues(rows.map((r) => r.tests));
    return rows.map((r, i) => ({ ...r, q: q[i] }));
  };
  return { events, byTopic: withQ(topicRows), byDirection: withQ(directionRows), bySource: withQ(sourceRows), unmeasured };
}
