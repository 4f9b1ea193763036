// LLM API calls seen in HTTP/1.x and HTTP/2 messages (cleartext, or
// decrypted TLS once that feeds the same dissectors): which provider, which
// operation and model, streaming or not, the token counts of the response
// (also from server-sent event streams: OpenAI's last chunk with usage,
// Anthropic's message_start/message_delta, Gemini's usageMetadata, Ollama's
// final line), and the API key's presence as a masked prefix. Field names
// follow OpenTelemetry's GenAI semantic conventions (gen_ai.*).
//
// One mechanism for every provider: the request's path (and host) names the
// provider and operation; JSON bodies are read by the same extractor, which
// knows the few shapes usage comes in. Bodies are parsed only up to
// MAX_JSON; past it the fields come from what a bounded scan finds and an
// expert note says so.
import { brotliDecompressSync, crc32, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import type { Ctx, FieldNode } from './context';
import { declare } from './fields';
import { HTTP_MESSAGE_HOOKS, type HttpMessage } from './tables';

declare('gen_ai', 'Generative AI API call', [
  ['gen_ai.system', 'string', 'Provider', { description: 'OpenTelemetry gen_ai.system: openai, anthropic, gcp.gemini, aws.bedrock, az.ai.openai, mistral_ai, cohere, ollama, …' }],
  ['gen_ai.operation.name', 'string', 'Operation', { description: 'chat, text_completion, embeddings, generate_content' }],
  ['gen_ai.request.model', 'string', 'Requested model'],
  ['gen_ai.request.stream', 'bool', 'Streaming requested'],
  ['gen_ai.request.max_tokens', 'uint', 'Maximum output tokens requested'],
  ['gen_ai.response.model', 'string', 'Response model'],
  ['gen_ai.response.id', 'string', 'Response id'],
  ['gen_ai.response.finish_reasons', 'string', 'Finish reason'],
  ['gen_ai.usage.input_tokens', 'uint', 'Input tokens'],
  ['gen_ai.usage.output_tokens', 'uint', 'Output tokens'],
  ['gen_ai.api_key', 'string', 'API key (masked)', { description: 'the API key sent, as its prefix and last four characters (never the whole key)' }],
  ['gen_ai.api_key.header', 'string', 'API key carried in', { description: 'the header (or the URL parameter "key") that carried the API key' }],
  ['gen_ai.request_in', 'framenum', 'Request in frame', { description: 'the frame of the request this response answers' }],
  ['gen_ai.server.address', 'string', 'Server address', { description: 'the Host / :authority the call went to (OpenTelemetry server.address)' }],
]);

/** JSON bodies larger than this are not parsed whole (a bounded scan reads the model and stream flags instead) */
export const MAX_JSON = 1 << 20;
/** server-sent events read from a streamed response */
const MAX_EVENTS = 100_000;

export interface CallInfo {
  system: string;
  operation: string;
  requestModel?: string;
  stream?: boolean;
  maxTokens?: number;
  server?: string;
  frame: number;
}

/** Which provider and operation a request path (and host) is. */
export function classify(method: string, path: string, host: string, headers: ReadonlyArray<readonly [string, string]>): CallInfo | null {
  if (method !== 'POST') return null;
  const q = path.indexOf('?');
  const p = (q < 0 ? path : path.slice(0, q)).replace(/\/+$/, '');
  const h = host.toLowerCase().replace(/:\d+$/, '');
  const has = (name: string): boolean => headers.some(([n]) => n === name);
  const info = (system: string, operation: string, model?: string): CallInfo => ({ system, operation, requestModel: model, server: host || undefined, frame: 0 });
  let m: RegExpExecArray | null;
  // Azure OpenAI: the deployment names the model
  if ((m = /\/openai\/deployments\/([^/]+)\/(chat\/completions|completions|embeddings)$/.exec(p))) {
    return info('az.ai.openai', OPENAI_OPS[m[2]], decodeURIComponent(m[1]));
  }
  // Gemini (Google AI and Vertex AI): …/models/<model>:generateContent
  if ((m = /\/models\/([^/:]+):(generateContent|streamGenerateContent|embedContent|batchEmbedContents)$/.exec(p))) {
    const c = info(h.includes('aiplatform') ? 'gcp.vertex_ai' : 'gcp.gemini', m[2].includes('mbed') ? 'embeddings' : 'generate_content', decodeURIComponent(m[1]));
    if (m[2] === 'streamGenerateContent') c.stream = true;
    return c;
  }
  // AWS Bedrock runtime
  if ((m = /\/model\/([^/]+)\/(invoke|invoke-with-response-stream|converse|converse-stream)$/.exec(p))) {
    const c = info('aws.bedrock', 'chat', decodeURIComponent(m[1]));
    c.stream = m[2].endsWith('stream');
    return c;
  }
  if (/\/v1\/messages$/.test(p) && (has('anthropic-version') || has('x-api-key') || h.includes('anthropic'))) return info('anthropic', 'chat');
  if (/\/api\/(chat|generate|embed|embeddings)$/.test(p)) {
    const op = p.endsWith('/chat') ? 'chat' : p.endsWith('/generate') ? 'text_completion' : 'embeddings';
    return info('ollama', op);
  }
  if ((m = /\/v[12]\/(chat|embed|generate)$/.exec(p)) && (h.includes('cohere') || has('x-client-name'))) {
    return info('cohere', m[1] === 'embed' ? 'embeddings' : m[1] === 'chat' ? 'chat' : 'text_completion');
  }
  if ((m = /(?:^|\/)(chat\/completions|completions|embeddings|responses)$/.exec(p))) {
    return info(openAiCompatible(h), OPENAI_OPS[m[1]]);
  }
  if (/\/v1\/messages$/.test(p)) return info('anthropic', 'chat');
  return null;
}

const OPENAI_OPS: Record<string, string> = { 'chat/completions': 'chat', completions: 'text_completion', embeddings: 'embeddings', responses: 'chat' };

/** OpenAI-compatible servers named by their host (OpenTelemetry's gen_ai.system values); anything else is 'openai'. */
function openAiCompatible(h: string): string {
  if (h.endsWith('mistral.ai')) return 'mistral_ai';
  if (h.endsWith('groq.com')) return 'groq';
  if (h.endsWith('deepseek.com')) return 'deepseek';
  if (h.endsWith('x.ai')) return 'xai';
  if (h.endsWith('perplexity.ai')) return 'perplexity';
  if (h.endsWith('openai.azure.com')) return 'az.ai.openai';
  if (h.endsWith('cohere.ai') || h.endsWith('cohere.com')) return 'cohere';
  return 'openai';
}

/** The key as prefix…last4: never more than its kind (sk-, sk-ant-, AIza, AKIA) and four characters. */
export function maskKey(key: string): string {
  const k = key.trim();
  const m = /^([A-Za-z]{2,5}-(?:[A-Za-z]{2,8}-)?)/.exec(k);
  let prefix = m ? m[1] : k.slice(0, 4);
  if (prefix.length > k.length / 3) prefix = k.slice(0, Math.max(0, Math.floor(k.length / 3)));
  // a key too short to hide: say only that there is one
  if (k.length < 12) return `${prefix}…`;
  return `${prefix}…${k.slice(-4)}`;
}

/** The API key a request carries, and where. */
export function apiKeyOf(headers: ReadonlyArray<readonly [string, string]>, path: string): { key: string; header: string } | null {
  for (const [n, v] of headers) {
    if (n === 'authorization') {
      const b = /^Bearer\s+(\S+)/i.exec(v);
      if (b) return { key: b[1], header: n };
      const aws = /Credential=([A-Z0-9]+)\//.exec(v);
      if (aws) return { key: aws[1], header: n };
    }
    if (n === 'x-api-key' || n === 'api-key' || n === 'x-goog-api-key') return { key: v, header: n };
  }
  const q = /[?&]key=([^&#]+)/.exec(path);
  if (q) return { key: decodeURIComponent(q[1]), header: 'key' };
  return null;
}

function decode(body: Uint8Array, encoding: string): Uint8Array {
  const opts = { maxOutputLength: 16 << 20 };
  try {
    if (encoding === 'gzip' || encoding === 'x-gzip') return gunzipSync(body, opts);
    if (encoding === 'deflate') { try { return inflateSync(body, opts); } catch { return inflateRawSync(body, opts); } }
    if (encoding === 'br') return brotliDecompressSync(body, opts);
  } catch { /* left as it is */ }
  return body;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v as Json : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** What a response (or one event of a stream) says. */
interface Found { model?: string; id?: string; input?: number; output?: number; finish?: string }

/** The one extractor: the shapes usage and model come in across providers, in the object or the event's message/response. */
function extract(o: Json, into: Found): void {
  for (const v of [o, obj(o.message), obj(o.response)]) {
    if (!v) continue;
    // Bedrock's last streamed chunk: the invocation's own count, whatever the model's format
    const metrics = obj(v['amazon-bedrock-invocationMetrics']);
    if (metrics) { into.input = num(metrics.inputTokenCount) ?? into.input; into.output = num(metrics.outputTokenCount) ?? into.output; }
    into.model = str(v.model) ?? str(v.modelVersion) ?? into.model;
    into.id = str(v.id) ?? str(v.responseId) ?? into.id;
    const u = obj(v.usage) ?? obj(v.usageMetadata);
    if (u) {
      const tokens = obj(u.tokens) ?? obj(u.billed_units) ?? u;
      into.input = num(tokens.input_tokens) ?? num(tokens.prompt_tokens) ?? num(tokens.inputTokens) ?? num(tokens.promptTokenCount) ?? into.input;
      into.output = num(tokens.output_tokens) ?? num(tokens.completion_tokens) ?? num(tokens.outputTokens) ?? num(tokens.candidatesTokenCount) ?? into.output;
    }
    // Cohere v1: meta.billed_units; Ollama: prompt_eval_count / eval_count
    const billed = obj(obj(v.meta)?.billed_units);
    if (billed) { into.input = num(billed.input_tokens) ?? into.input; into.output = num(billed.output_tokens) ?? into.output; }
    into.input = num(v.prompt_eval_count) ?? into.input;
    into.output = num(v.eval_count) ?? into.output;
    const choice = obj(Array.isArray(v.choices) ? v.choices[v.choices.length - 1] : undefined) ?? obj(Array.isArray(v.candidates) ? v.candidates[0] : undefined);
    into.finish = str(choice?.finish_reason) ?? str(choice?.finishReason) ?? str(v.stop_reason) ?? str(obj(v.delta)?.stop_reason) ?? str(v.stopReason) ?? str(v.done_reason) ?? into.finish;
  }
}

function parse(text: string): unknown {
  try { return JSON.parse(text); } catch { return undefined; }
}

/** A response body: one JSON document, a JSON array (Gemini's stream), server-sent events or JSON lines. */
const EVENT_STREAM = 'application/vnd.amazon.eventstream';

/**
 * AWS event stream framing (Bedrock's invoke-with-response-stream and
 * converse-stream responses): messages of a 12-byte prelude (total and
 * headers length, CRC-32), typed headers, a payload and a CRC-32. Each
 * payload is JSON: a `bytes` field carries the model's own chunk in base64
 * (the last with amazon-bedrock-invocationMetrics), Converse's `metadata`
 * event the usage itself. Stops at the first damaged message (bounded:
 * MAX_EVENTS messages).
 */
export function readEventStream(b: Uint8Array, into: Found): { events: number; error?: string } {
  const view = Buffer.from(b.buffer, b.byteOffset, b.length);
  let o = 0, events = 0;
  while (o < b.length && events < MAX_EVENTS) {
    if (o + 16 > b.length) return { events, error: `message cut short at byte ${o}` };
    const total = view.readUInt32BE(o), hlen = view.readUInt32BE(o + 4);
    if (total < 16 || hlen > total - 16 || o + total > b.length) return { events, error: `message length ${total} (headers ${hlen}) at byte ${o} runs past the body` };
    if (crc32(view.subarray(o, o + 8)) !== view.readUInt32BE(o + 8)) return { events, error: `prelude CRC mismatch at byte ${o}` };
    if (crc32(view.subarray(o, o + total - 4)) !== view.readUInt32BE(o + total - 4)) return { events, error: `message CRC mismatch at byte ${o}` };
    const payload = view.subarray(o + 12 + hlen, o + total - 4).toString('utf8');
    const p = obj(parse(payload));
    if (p) {
      extract(p, into);
      const inner = typeof p.bytes === 'string' ? obj(parse(Buffer.from(p.bytes, 'base64').toString('utf8'))) : undefined;
      if (inner) extract(inner, into);
    }
    events++;
    o += total;
  }
  return { events };
}

export function readResponse(text: string, ctype: string, into: Found): number {
  const whole = ctype.includes('event-stream') ? undefined : parse(text);
  if (Array.isArray(whole)) { for (const e of whole) { const o = obj(e); if (o) extract(o, into); } return whole.length; }
  if (obj(whole)) { extract(whole as Json, into); return 1; }
  // events: SSE `data:` lines, or one JSON object per line (Ollama, NDJSON)
  let events = 0;
  let pos = 0;
  while (pos < text.length && events < MAX_EVENTS) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    let line = text.slice(pos, nl).trim();
    pos = nl + 1;
    if (line.startsWith('data:')) line = line.slice(5).trim();
    if (!line.startsWith('{')) continue;
    const o = obj(parse(line));
    if (o) { extract(o, into); events++; }
  }
  return events;
}

/** LLM requests waiting for their response, by request frame: per HTTP/1 connection or HTTP/2 stream */
const pending = new WeakMap<object, Map<number, CallInfo>>();

function addFields(ctx: Ctx, l: FieldNode, c: CallInfo): void {
  ctx.gen(l, 'gen_ai.system', c.system);
  ctx.gen(l, 'gen_ai.operation.name', c.operation);
  if (c.requestModel !== undefined) ctx.gen(l, 'gen_ai.request.model', c.requestModel);
  if (c.stream !== undefined) ctx.gen(l, 'gen_ai.request.stream', c.stream);
  if (c.maxTokens !== undefined) ctx.gen(l, 'gen_ai.request.max_tokens', c.maxTokens);
  if (c.server !== undefined) ctx.gen(l, 'gen_ai.server.address', c.server);
}

function bodyText(ctx: Ctx, m: HttpMessage): string | null {
  if (m.body === null) {
    if (m.bodyLength > 0) ctx.note('protocol', 'gen_ai', `the ${m.bodyLength}-byte body was past what is kept: gen_ai fields from the headers only`, 'warn');
    return null;
  }
  const b = decode(m.body, m.contentEncoding);
  if (b.length > MAX_JSON) ctx.note('protocol', 'gen_ai', `the ${b.length}-byte body is past the ${MAX_JSON}-byte limit: read in part`, 'warn');
  return Buffer.from(b.subarray(0, Math.min(b.length, MAX_JSON))).toString('utf8');
}

/** Our own layer: in the tree and filters, not one of the frame's protocols (tshark's frame.protocols stay as they are). */
function genLayer(ctx: Ctx): FieldNode {
  const l = ctx.layer('gen_ai', 0, 0);
  ctx.protocols.pop();
  l.generated = true;
  return l;
}

function onMessage(ctx: Ctx, m: HttpMessage): void {
  if (!ctx.wantsPrefix('gen_ai')) return;
  if (m.isRequest) {
    const c = classify(m.method ?? '', m.path ?? '', m.authority ?? '', m.headers);
    if (c === null) return;
    c.frame = ctx.pkt.number;
    const text = bodyText(ctx, m);
    if (text !== null) {
      const o = obj(parse(text));
      if (o) {
        c.requestModel = str(o.model) ?? str(o.modelId) ?? c.requestModel;
        if (typeof o.stream === 'boolean') c.stream = o.stream;
        else if (c.system === 'ollama' && c.stream === undefined && c.operation !== 'embeddings') c.stream = true; // Ollama streams unless told not to
        c.maxTokens = num(o.max_tokens) ?? num(o.max_completion_tokens) ?? num(o.max_output_tokens) ?? num(obj(o.generationConfig)?.maxOutputTokens);
      } else {
        // cut or not JSON: a bounded look for the two fields that matter most
        const model = /"model"\s*:\s*"([^"\\]{1,200})"/.exec(text.slice(0, 65536));
        if (model) c.requestModel ??= model[1];
        if (/"stream"\s*:\s*true/.test(text.slice(0, 65536))) c.stream = true;
        if (text.length > 0) ctx.note('protocol', 'gen_ai', 'request body is not complete JSON: model and stream read by a scan', 'note');
      }
    }
    if (c.stream === undefined && c.system !== 'ollama' && c.system !== 'aws.bedrock' && !c.system.startsWith('gcp')) c.stream = false;
    const l = genLayer(ctx);
    addFields(ctx, l, c);
    const key = apiKeyOf(m.headers, m.path ?? '');
    if (key) {
      ctx.gen(l, 'gen_ai.api_key', maskKey(key.key));
      ctx.gen(l, 'gen_ai.api_key.header', key.header);
    }
    let q = pending.get(m.conn);
    if (!q) { q = new Map(); pending.set(m.conn, q); }
    if (q.size >= 64) q.delete(q.keys().next().value as number);
    // keyed as the response will name it (HTTP/2: the HEADERS frame, which may precede the request's end)
    q.set(m.requestFrame ?? c.frame, c);
    return;
  }
  // the HTTP dissector pairs responses with requests (HTTP/1 in order, HTTP/2 by stream): the call is its request's
  const q = pending.get(m.conn);
  if (!q || q.size === 0 || (m.status !== undefined && m.status < 200)) return;
  // (no request frame: HTTP/1 paired an interim 100 Continue with it; the oldest call waiting is this one's)
  const at = m.requestFrame ?? (q.keys().next().value as number);
  const c = q.get(at);
  if (!c) return;
  q.delete(at);
  const l = genLayer(ctx);
  addFields(ctx, l, c);
  ctx.gen(l, 'gen_ai.request_in', c.frame);
  const found: Found = {};
  if (m.contentType.toLowerCase().startsWith(EVENT_STREAM)) {
    // binary framing: read before any text decoding
    if (m.body === null) { bodyText(ctx, m); return; }
    const r = readEventStream(decode(m.body, m.contentEncoding), found);
    if (r.error) ctx.note('protocol', 'gen_ai', `AWS event stream: ${r.error} (after ${r.events} messages)`, 'warn');
  } else {
    const text = bodyText(ctx, m);
    if (text === null) return;
    readResponse(text, m.contentType.toLowerCase(), found);
  }
  if (found.model !== undefined) ctx.gen(l, 'gen_ai.response.model', found.model);
  if (found.id !== undefined) ctx.gen(l, 'gen_ai.response.id', found.id);
  if (found.finish !== undefined) ctx.gen(l, 'gen_ai.response.finish_reasons', found.finish);
  if (found.input !== undefined) ctx.gen(l, 'gen_ai.usage.input_tokens', found.input);
  if (found.output !== undefined) ctx.gen(l, 'gen_ai.usage.output_tokens', found.output);
}

HTTP_MESSAGE_HOOKS.push(onMessage);
