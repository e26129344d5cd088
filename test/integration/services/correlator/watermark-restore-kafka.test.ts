import { describe } from 'vitest';
import { useWireHarness } from '../../kafka/helpers.ts';
import { watermarkRestartScenario } from './watermark-scenario.ts';

/** Kafka mode: the same scenario over the wire, against the dev broker. */
describe('correlator watermarks across a restart (Kafka over the wire)', () => {
  const wire = useWireHarness('watermark');
  let bus: ReturnType<typeof wire.bus> | undefined;
  watermarkRestartScenario('kafka', { store: () => wire.store, bus: () => (bus ??= wire.bus('watermark')), waitMs: 30_000 });
});
