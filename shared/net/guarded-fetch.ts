/**
 * Outbound HTTP through the address policy (address-policy.ts): an undici connector that
 * refuses, before any packet leaves, to connect to an address the policy refuses. A literal
 * IP host is checked as written (undici hands it over already normalised by the WHATWG URL
 * parser), a name through `lookupThroughPolicy` on every DNS answer. Every connection of the
 * agent goes through it, so every redirect hop does too.
 */
import { isIP } from 'node:net';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { AddressRefusedError, lookupThroughPolicy, type AddressPolicy } from './address-policy.ts';

export function guardedConnector(policy: AddressPolicy, timeoutMs: number): buildConnector.connector {
  const connect = buildConnector({ lookup: lookupThroughPolicy(policy), timeout: timeoutMs });
  return (options, callback) => {
    const host = options.hostname.startsWith('[') ? options.hostname.slice(1, -1) : options.hostname;
    if (isIP(host)) {
      const verdict = policy.check(host);
      if (!verdict.ok) return callback(new AddressRefusedError(verdict.reason), null);
    }
    connect(options, callback);
  };
}

/** The policy's refusal somewhere in an error's cause chain (undici wraps it as `fetch failed`). */
export function addressRefusal(err: unknown): AddressRefusedError | undefined {
  for (let e = err as { cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as typeof e, i++) if (e instanceof AddressRefusedError) return e;
  return undefined;
}

export interface GuardedFetch {
  /** `fetch` whose every connection (redirect hops included) the policy admitted; a refusal rejects with the AddressRefusedError. */
  fetch: typeof globalThis.fetch;
  /** Closes the pooled connections. */
  close(): Promise<void>;
}

export function guardedFetch(policy: AddressPolicy, timeoutMs: number): GuardedFetch {
  const dispatcher = new Agent({ connect: guardedConnector(policy, timeoutMs) });
  const guarded = async (input: Parameters<typeof globalThis.fetch>[0], init?: RequestInit): Promise<Response> => {
    try {
      return (await undiciFetch(input as never, { ...(init as object), dispatcher } as never)) as unknown as Response;
    } catch (err) {
      throw addressRefusal(err) ?? err;
    }
  };
  return { fetch: guarded as typeof globalThis.fetch, close: () => dispatcher.close() };
}
