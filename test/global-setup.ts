import { buildDevBroker } from '../shared/bus/dev-broker.ts';

/**
 * Shared preparation for the whole run. The Kafka dev broker is compiled here, once, before any
 * test file starts: a missing compiler or librdkafka-dev fails the run at once with the install
 * line, instead of as timeouts scattered over the Kafka tests (which then find it up to date).
 */
export default async function setup(): Promise<void> {
  await buildDevBroker();
}
