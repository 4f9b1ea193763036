// LLM calls that bypass a configured gateway: with aiGateway.gateways set,
// a host reaching api.openai.com itself is an alert whose filter selects
// exactly its ClientHellos; the gateway's own calls are not; with no gateway
// configured the rule is off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scenario, tlsClientHello } from '../craft';
import { framesMatching, runScenario } from '../pipeline';

const T0 = 1_760_000_000;

function traffic(s: Scenario): number[] {
  const hellos: number[] = [];
  for (let i = 0; i < 3; i++) {
    hellos.push(s.connection(T0 + i * 10, '198.18.90.5', '162.159.140.245', 43000 + i, 443, { request: tlsClientHello('api.openai.com') }).frames[3]);
    s.connection(T0 + i * 10 + 1, '198.18.90.2', '162.159.140.245', 44000 + i, 443, { request: tlsClientHello('api.openai.com') });
  }
  return hellos;
}

test('a host calling an LLM API directly, not through the gateway, is named', async () => {
  const s = new Scenario();
  const hellos = traffic(s);
  const { path, alerts } = await runScenario('ai-bypass', s, { aiGateway: { gateways: ['198.18.90.2'] } });
  const a = alerts.filter((x) => x.kind === 'ai-gateway-bypass');
  assert.deepEqual(a.map((x) => x.title), ['198.18.90.5 calls OpenAI directly, bypassing the LLM gateway']);
  assert.equal(a[0].severity, 'medium');
  assert.deepEqual(await framesMatching(path, a[0].filter), hellos);
});

test('without a configured gateway the rule is off', async () => {
  const s = new Scenario();
  traffic(s);
  const { alerts } = await runScenario('ai-no-gateway', s);
  assert.deepEqual(alerts.filter((x) => x.kind === 'ai-gateway-bypass').map((x) => x.title), []);
});
