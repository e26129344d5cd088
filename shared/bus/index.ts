export * from './port.ts';
export { MemoryBus, type MemoryBusOptions } from './memory-bus.ts';
export { busMetrics, type BusMetrics } from './bus-metrics.ts';
export { backoffMs, countFailure, deadLetterMessage, decideFailure, deliverBatch, NO_FAILURES, type DeadLetterReason, type DeliveryPolicy, type FailureDecision, type Failures } from './delivery.ts';
export { Journal, decodeRecords, encodeRecord, type JournalRecord } from './journal.ts';
export * from './typed.ts';
export { KafkaBus, OFFSET_RESET_LOG, kafkajsLogCreator, wrapKafkaError, type KafkaBusHealth, type KafkaBusOptions, type TopicCreator } from './kafka-bus.ts';
export { busConfigSchema, openBus, type BusConfig, type BusConfigInput, type OpenBusDeps } from './open-bus.ts';
export {
  buildDevBroker,
  defaultDevBrokerTopics,
  devBrokerArgs,
  startDevBroker,
  DEV_BROKER_BINARY,
  DEV_BROKER_SOURCE,
  type BuildDevBrokerOptions,
  type DevBroker,
  type DevBrokerOptions,
  type TopicSpec,
} from './dev-broker.ts';
