// The AI-service insight with LLM API calls read from the traffic (gen_ai.*):
// calls to a listed service (api.openai.com by Host) and to a self-hosted
// OpenAI-compatible server (no listed name) say the models and the token
// counts; the alert's filter selects exactly the packets it counted; the
// statistics list models and tokens per host and service.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scenario } from '../craft';
import { framesMatching, runScenario } from '../pipeline';

const T0 = 1_760_000_000;
const ascii = (s: string): number[] => [...Buffer.from(s, 'latin1')];
const post = (host: string, path: string, body: object, key?: string): number[] => {
  const b = JSON.stringify(body);
  return ascii(`POST ${path} HTTP/1.1\r\nHost: ${host}\r\n${key ? `Authorization: Bearer ${key}\r\n` : ''}Content-Type: application/json\r\nContent-Length: ${b.length}\r\n\r\n${b}`);
};
const ok = (body: object): number[] => {
  const b = JSON.stringify(body);
  return ascii(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${b.length}\r\n\r\n${b}`);
};

test('the AI-service insight names the models and token counts of LLM calls', async () => {
  const s = new Scenario();
  const client = '198.18.30.5';
  const openai = s.connection(T0, client, '198.18.40.1', 40001, 80, {
    request: post('api.openai.com', '/v1/chat/completions', { model: 'gpt-4o', messages: [] }, 'sk-proj-abcdefghijklmnopqrstuvwxyz1234'),
    response: ok({ model: 'gpt-4o-2024-08-06', usage: { prompt_tokens: 9, completion_tokens: 3 } }),
  });
  const local: number[] = [];
  for (let i = 0; i < 2; i++) {
    const c = s.connection(T0 + 1 + i, client, '198.18.40.2', 40010 + i, 8000, {
      request: post('198.18.40.2:8000', '/v1/chat/completions', { model: 'llama3', messages: [] }),
      response: ok({ model: 'llama3', usage: { prompt_tokens: 20, completion_tokens: 5 } }),
    });
    local.push(c.frames[3]);
  }
  const { path, alerts, engine } = await runScenario('ai-llm', s);
  const ai = alerts.filter((a) => a.kind === 'ai-service');
  assert.equal(ai.length, 2, ai.map((a) => a.id).join(', '));
  const o = ai.find((a) => a.metrics.service === 'OpenAI')!;
  assert.match(o.detail, /1 LLM API call \(openai\): gpt-4o \(answered by gpt-4o-2024-08-06\) ×1: 9 input \/ 3 output tokens/);
  assert.equal(o.metrics.inputTokens, 9);
  assert.equal(o.metrics.outputTokens, 3);
  assert.deepEqual(await framesMatching(path, o.filter), [openai.frames[3]]);
  assert.equal(o.packets, 1);
  const l = ai.find((a) => a.metrics.service === 'OpenAI-compatible API')!;
  assert.ok(l, ai.map((a) => a.metrics.service).join(', '));
  assert.equal(l.metrics.llmCalls, 2);
  assert.equal(l.metrics.models, 'llama3');
  assert.match(l.detail, /llama3 ×2: 40 input \/ 10 output tokens/);
  assert.deepEqual(await framesMatching(path, l.filter), local);
  assert.equal(l.packets, 2);
  const stats = engine.stats().ai.find((h) => h.host === client)!;
  const rows = stats.services.flatMap((v) => (v.models ?? []).map((m) => `${v.service} ${m.model} ${m.calls} ${m.inputTokens} ${m.outputTokens}`)).sort();
  assert.deepEqual(rows, ['OpenAI gpt-4o 1 9 3', 'OpenAI-compatible API llama3 2 40 10']);
});
