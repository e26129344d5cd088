import { afterEach, describe, expect, it, vi } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { alertPayload, deliveryId, webhookSigner } from '../../../../../services/api/alerts/dispatcher.ts';

/** The test vector published with the Standard Webhooks specification (spec/standard-webhooks.md, "Signature scheme"). */
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  payload: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('Standard Webhooks signatures', () => {
  afterEach(() => vi.useRealTimers());

  it('signs the published test vector to the published signature', () => {
    expect(new Webhook(VECTOR.secret).sign(VECTOR.id, new Date(VECTOR.timestamp * 1000), VECTOR.payload)).toBe(VECTOR.signature);
  });

  it("the dispatcher's native signer gives the vector's signature too", () => {
    expect(webhookSigner(VECTOR.secret)(VECTOR.id, VECTOR.timestamp, VECTOR.payload)).toBe(VECTOR.signature);
  });

  it("the native signer matches the library's on other secrets, ids, times and bodies (multi-byte text included), and the library's verifier accepts it", () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const secrets = [VECTOR.secret, 'whsec_' + Buffer.from('oilwire-bench-secret-0123456789').toString('base64'), 'whsec_' + Buffer.alloc(64, 0xa5).toString('base64')];
    const bodies = ['', '{}', '{"title":"Brent – OPEC+ cuts €, 原油 ↑ \\u2028"}', JSON.stringify({ t: 'x'.repeat(5000) })];
    for (const secret of secrets) {
      for (const [i, body] of bodies.entries()) {
        const id = `msg_${i}${secret.length}`;
        const ts = 1_700_000_000 + i * 97;
        const signature = webhookSigner(secret)(id, ts, body);
        expect(signature).toBe(new Webhook(secret).sign(id, new Date(ts * 1000), body));
        vi.setSystemTime(ts * 1000);
        if (body !== '') expect(() => new Webhook(secret).verify(body, { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signature })).not.toThrow();
      }
    }
    expect(webhookSigner(secrets[1])('msg_a', 1, '{}')).not.toBe(webhookSigner(secrets[2])('msg_a', 1, '{}'));
  });

  it('the verifier accepts the vector at its time and refuses a tampered body or a stale timestamp', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(VECTOR.timestamp * 1000 + 10_000);
    const headers = { 'webhook-id': VECTOR.id, 'webhook-timestamp': String(VECTOR.timestamp), 'webhook-signature': VECTOR.signature };
    const wh = new Webhook(VECTOR.secret);
    expect(wh.verify(VECTOR.payload, headers)).toEqual({ test: 2432232314 });
    expect(() => wh.verify('{"test": 2432232315}', headers)).toThrow();
    vi.setSystemTime(VECTOR.timestamp * 1000 + 3_600_000);
    expect(() => wh.verify(VECTOR.payload, headers)).toThrow(/too old/);
  });

  it('delivery ids are stable per alert and endpoint and look like message ids', () => {
    expect(deliveryId('alr_1', 'desk')).toBe(deliveryId('alr_1', 'desk'));
    expect(deliveryId('alr_1', 'desk')).not.toBe(deliveryId('alr_1', 'ops'));
    expect(deliveryId('alr_1', 'desk')).toMatch(/^msg_[A-Za-z0-9_-]{27}$/);
  });

  it('wraps an alert in the envelope the spec recommends', () => {
    const body = JSON.parse(alertPayload({ alertId: 'alr_1', ruleId: 'r', kind: 'headline', symbol: 'BRENT', eventTs: 0, firedAt: 1000, articleId: 'a', title: 't', data: { z: 3 } }));
    expect(body).toEqual({ type: 'alert.headline', timestamp: '1970-01-01T00:00:01.000Z', data: { alert_id: 'alr_1', rule_id: 'r', symbol: 'BRENT', title: 't', event_ts: '1970-01-01T00:00:00.000Z', z: 3 } });
  });
});
