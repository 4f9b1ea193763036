// LLM API calls (gen_ai.* after OpenTelemetry's GenAI conventions): a local
// stand-in server speaking OpenAI-compatible and Anthropic-compatible JSON,
// streaming (server-sent events) and not, over HTTP/1.1 and HTTP/2 (h2c),
// called by real curl clients in network namespaces and captured with
// tcpdump; plus the provider table, key masking and response shapes of the
// other providers on their own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPeers, peersSkipReason } from './peers';
import { ourFields } from './pcap-lib';
import { classify, maskKey, apiKeyOf, readResponse } from '../../../main/engine/dissect/genai';

/** HTTP/1.1 on PORT, h2c on PORT+1: the same answers */
const STANDIN = `
const http = require('node:http'), http2 = require('node:http2'), zlib = require('node:zlib');
function handle(req, res) {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body = {};
    try { body = JSON.parse(Buffer.concat(chunks).toString()); } catch {}
    const model = body.model || 'none';
    const anthropic = req.url.startsWith('/v1/messages');
    if (body.stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (anthropic) {
        res.write('event: message_start\\ndata: ' + JSON.stringify({ type: 'message_start', message: { id: 'msg_1', model: model + '-20250101', usage: { input_tokens: 25, output_tokens: 1 } } }) + '\\n\\n');
        for (const t of ['Hel', 'lo']) res.write('event: content_block_delta\\ndata: ' + JSON.stringify({ type: 'content_block_delta', delta: { type: 'text_delta', text: t } }) + '\\n\\n');
        res.write('event: message_delta\\ndata: ' + JSON.stringify({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 15 } }) + '\\n\\n');
        res.end('event: message_stop\\ndata: {"type":"message_stop"}\\n\\n');
      } else {
        for (const t of ['Hel', 'lo']) res.write('data: ' + JSON.stringify({ id: 'chatcmpl-9', model: model + '-2024-08-06', choices: [{ delta: { content: t } }] }) + '\\n\\n');
        res.write('data: ' + JSON.stringify({ id: 'chatcmpl-9', model: model + '-2024-08-06', choices: [{ delta: {}, finish_reason: 'stop' }] }) + '\\n\\n');
        res.write('data: ' + JSON.stringify({ id: 'chatcmpl-9', model: model + '-2024-08-06', choices: [], usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 } }) + '\\n\\n');
        res.end('data: [DONE]\\n\\n');
      }
      return;
    }
    const out = anthropic
      ? { id: 'msg_2', type: 'message', model: model + '-20250101', stop_reason: 'end_turn', usage: { input_tokens: 30, output_tokens: 12 } }
      : { id: 'chatcmpl-1', model: model + '-2024-08-06', choices: [{ finish_reason: 'stop', message: { content: 'hi' } }], usage: { prompt_tokens: 9, completion_tokens: 3 } };
    const text = JSON.stringify(out);
    if (/gzip/.test(req.headers['accept-encoding'] || '')) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(zlib.gzipSync(text));
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(text);
    }
  });
}
const port = Number(process.env.PORT);
const a = http.createServer(handle), b = http2.createServer(handle);
a.listen(port, process.env.HOST, () => b.listen(port + 1, process.env.HOST, () => console.log('listening')));
process.on('SIGTERM', () => { a.close(); b.close(); a.closeAllConnections(); process.exit(0); });
`;

const KEY = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789WXYZ';
const ANT = 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz-9876';
const call = (h2: boolean, path: string, body: object, headers: string[], extra: string[] = []): string[] => [
  'curl', '-sS', '-o', '/dev/null', ...(h2 ? ['--http2-prior-knowledge'] : ['--http1.1']), ...extra,
  ...headers.flatMap((h) => ['-H', h]), '-H', 'content-type: application/json', '-d', JSON.stringify(body),
  `http://{ip}:${h2 ? 8181 : 8180}${path}`,
];

const FIELDS = ['gen_ai.system', 'gen_ai.operation.name', 'gen_ai.request.model', 'gen_ai.request.stream', 'gen_ai.response.model',
  'gen_ai.usage.input_tokens', 'gen_ai.usage.output_tokens', 'gen_ai.api_key', 'gen_ai.api_key.header', 'gen_ai.response.finish_reasons'];

const skip = peersSkipReason();

test('LLM calls over HTTP/1.1 and h2c, streaming and not: provider, model, tokens and masked key', { skip, timeout: 90_000 }, async () => {
  const clients: string[][] = [];
  for (const h2 of [false, true]) {
    clients.push(call(h2, '/v1/chat/completions', { model: 'gpt-4o', messages: [] }, [`authorization: Bearer ${KEY}`]));
    clients.push(call(h2, '/v1/chat/completions', { model: 'gpt-4o', stream: true, stream_options: { include_usage: true }, messages: [] }, [`authorization: Bearer ${KEY}`]));
    clients.push(call(h2, '/v1/messages', { model: 'claude-x', max_tokens: 64, messages: [] }, [`x-api-key: ${ANT}`, 'anthropic-version: 2023-06-01']));
    clients.push(call(h2, '/v1/messages', { model: 'claude-x', stream: true, messages: [] }, [`x-api-key: ${ANT}`, 'anthropic-version: 2023-06-01']));
    clients.push(call(h2, '/v1/chat/completions', { model: 'llama3', messages: [] }, [], ['--compressed']));
  }
  const run = await runPeers(STANDIN, 8180, clients);
  try {
    const rows = ourFields(run.pcap, FIELDS, ['-Y', 'gen_ai']);
    const oai = ['openai', 'chat', 'gpt-4o'];
    const ant = ['anthropic', 'chat', 'claude-x'];
    const okey = ['sk-proj-…WXYZ', 'authorization'];
    const akey = ['sk-ant-…9876', 'x-api-key'];
    const expected = [
      [...oai, '0', '', '', '', ...okey, ''],
      [...oai, '0', 'gpt-4o-2024-08-06', '9', '3', '', '', 'stop'],
      [...oai, '1', '', '', '', ...okey, ''],
      [...oai, '1', 'gpt-4o-2024-08-06', '11', '7', '', '', 'stop'],
      [...ant, '0', '', '', '', ...akey, ''],
      [...ant, '0', 'claude-x-20250101', '30', '12', '', '', 'end_turn'],
      [...ant, '1', '', '', '', ...akey, ''],
      [...ant, '1', 'claude-x-20250101', '25', '15', '', '', 'end_turn'],
      ['openai', 'chat', 'llama3', '0', '', '', '', '', '', ''],
      ['openai', 'chat', 'llama3', '0', 'llama3-2024-08-06', '9', '3', '', '', 'stop'],
    ].map((r) => r.join('\t'));
    // the same ten rows over HTTP/1.1, then over HTTP/2
    assert.deepEqual(rows, [...expected, ...expected]);
    // filterable, request and response alike; the whole key is nowhere in the gen_ai fields
    const gpt = ourFields(run.pcap, ['frame.number'], ['-Y', 'gen_ai.request.model == "gpt-4o"']);
    assert.equal(gpt.length, 8);
    const tokens = ourFields(run.pcap, ['gen_ai.usage.output_tokens'], ['-Y', 'gen_ai.usage.output_tokens > 10 && http2']);
    assert.deepEqual(tokens, ['12', '15']);
    assert.ok(!ourFields(run.pcap, ['gen_ai.api_key'], ['-Y', 'gen_ai']).some((r) => r.includes(KEY.slice(8, 20))));
    // the response names the frame of its request
    const pairs = ourFields(run.pcap, ['frame.number', 'gen_ai.request_in'], ['-Y', 'gen_ai.request_in']);
    const reqs = new Set(ourFields(run.pcap, ['frame.number'], ['-Y', 'gen_ai && !gen_ai.request_in']));
    assert.equal(pairs.length, 10);
    for (const p of pairs) assert.ok(reqs.has(p.split('\t')[1]), p);
  } finally {
    run.dispose();
  }
});

test('providers and operations from the request path and host', () => {
  const c = (path: string, host = 'example.test', headers: Array<[string, string]> = []): string => {
    const r = classify('POST', path, host, headers);
    return r === null ? 'none' : [r.system, r.operation, r.requestModel ?? '', r.stream === undefined ? '' : String(r.stream)].join(' ');
  };
  assert.equal(c('/v1/chat/completions', 'api.openai.com'), 'openai chat  ');
  assert.equal(c('/v1/responses', 'api.openai.com'), 'openai chat  ');
  assert.equal(c('/v1/embeddings', 'localhost:8000'), 'openai embeddings  ');
  assert.equal(c('/v1/completions', 'vllm.internal:8000'), 'openai text_completion  ');
  assert.equal(c('/v1/chat/completions', 'api.mistral.ai'), 'mistral_ai chat  ');
  assert.equal(c('/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-06-01', 'x.openai.azure.com'), 'az.ai.openai chat gpt4o-prod ');
  assert.equal(c('/v1/messages', 'api.anthropic.com'), 'anthropic chat  ');
  assert.equal(c('/v1beta/models/gemini-1.5-pro:generateContent?key=AIzaXYZ', 'generativelanguage.googleapis.com'), 'gcp.gemini generate_content gemini-1.5-pro ');
  assert.equal(c('/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse'), 'gcp.gemini generate_content gemini-2.0-flash true');
  assert.equal(c('/v1/projects/p/locations/us/publishers/google/models/gemini-pro:generateContent', 'us-aiplatform.googleapis.com'), 'gcp.vertex_ai generate_content gemini-pro ');
  assert.equal(c('/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke', 'bedrock-runtime.us-east-1.amazonaws.com'), 'aws.bedrock chat anthropic.claude-3-haiku-20240307-v1:0 false');
  assert.equal(c('/model/amazon.nova-lite-v1:0/converse-stream'), 'aws.bedrock chat amazon.nova-lite-v1:0 true');
  assert.equal(c('/v2/chat', 'api.cohere.com'), 'cohere chat  ');
  assert.equal(c('/v1/embed', 'api.cohere.ai'), 'cohere embeddings  ');
  assert.equal(c('/api/chat', 'localhost:11434'), 'ollama chat  ');
  assert.equal(c('/api/generate'), 'ollama text_completion  ');
  assert.equal(c('/v1/chat'), 'none');
  assert.equal(classify('GET', '/v1/chat/completions', 'api.openai.com', []), null);
});

test('API keys: the prefix and the last four characters, never more', () => {
  assert.equal(maskKey('sk-abcdefghijklmnopqrstuvwxyz1234'), 'sk-…1234');
  assert.equal(maskKey('sk-proj-abcdefghijklmnopqrstuvwxyz1234'), 'sk-proj-…1234');
  assert.equal(maskKey('AIzaSyA-abcdefghijklmnopqrstuvwxyz12'), 'AIza…yz12');
  assert.equal(maskKey('short-key'), 'sho…');
  assert.equal(maskKey('AKIAIOSFODNN7EXAMPLE'), 'AKIA…MPLE');
  const k = (h: Array<[string, string]>, path = '/'): string => JSON.stringify(apiKeyOf(h, path));
  assert.equal(k([['authorization', 'Bearer sk-x1']]), '{"key":"sk-x1","header":"authorization"}');
  assert.equal(k([['api-key', 'abc']]), '{"key":"abc","header":"api-key"}');
  assert.equal(k([['x-goog-api-key', 'AIza1']]), '{"key":"AIza1","header":"x-goog-api-key"}');
  assert.equal(k([['authorization', 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240101/us-east-1/bedrock/aws4_request, SignedHeaders=host']]),
    '{"key":"AKIAIOSFODNN7EXAMPLE","header":"authorization"}');
  assert.equal(k([], '/v1beta/models/g:generateContent?alt=sse&key=AIzaQQ'), '{"key":"AIzaQQ","header":"key"}');
  assert.equal(k([['authorization', 'Basic dTpw']]), 'null');
});

test('usage from every provider\'s response shape, whole and streamed', () => {
  const r = (text: string, ctype = 'application/json'): string => {
    const f: Record<string, unknown> = {};
    readResponse(text, ctype, f);
    return [f.model, f.input, f.output].join(' ');
  };
  const j = JSON.stringify;
  assert.equal(r(j({ modelVersion: 'gemini-1.5-pro-002', usageMetadata: { promptTokenCount: 8, candidatesTokenCount: 21 } })), 'gemini-1.5-pro-002 8 21');
  // Gemini's stream without alt=sse: one JSON array, usage in the last element
  assert.equal(r(j([{ modelVersion: 'g', usageMetadata: { promptTokenCount: 8 } }, { modelVersion: 'g', usageMetadata: { promptTokenCount: 8, candidatesTokenCount: 30 } }])), 'g 8 30');
  assert.equal(r(j({ output: {}, usage: { inputTokens: 5, outputTokens: 6, totalTokens: 11 } })), ' 5 6');
  assert.equal(r(j({ model: 'command-r', usage: { tokens: { input_tokens: 3, output_tokens: 4 }, billed_units: { input_tokens: 1, output_tokens: 2 } } })), 'command-r 3 4');
  assert.equal(r(j({ meta: { billed_units: { input_tokens: 12, output_tokens: 13 } } })), ' 12 13');
  assert.equal(r(`${j({ model: 'llama3', done: false })}\n${j({ model: 'llama3', done: true, prompt_eval_count: 26, eval_count: 290 })}\n`, 'application/x-ndjson'), 'llama3 26 290');
  // the Responses API's stream: usage on response.completed
  assert.equal(r(`event: response.created\ndata: ${j({ type: 'response.created', response: { model: 'gpt-4.1' } })}\n\nevent: response.completed\ndata: ${j({ type: 'response.completed', response: { model: 'gpt-4.1', usage: { input_tokens: 36, output_tokens: 87 } } })}\n\n`, 'text/event-stream'), 'gpt-4.1 36 87');
  // damage: cut JSON and garbage events give what parsed, never a throw
  assert.equal(r('{"model":"x","usage":{"prompt_tok'), '  ');
  assert.equal(r('data: {"model":"m"}\n\ndata: {broken\n\ndata: [DONE]\n', 'text/event-stream'), 'm  ');
});
