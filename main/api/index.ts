// The one API between the renderer and the engine. The same methods and
// events travel over Electron IPC (preload → main → engine worker) and over
// the browser server's WebSocket. Each domain file declares its calls as zod
// schemas (params and result); the types are inferred from them, so a
// schema is the single definition of a call. Adding a call: one entry in
// its domain's table here, and its handler in main/engine/service/handlers/.
//
// Everything that crosses a trust boundary (preload, Electron main,
// WebSocket server) is checked here: a message whose method is unknown or
// whose params do not match is refused before it reaches the engine.
import { z } from 'zod';
import { captureApi, interfaceInfo } from './capture';
import { fileApi } from './file';
import { viewApi } from './view';
import { packetApi } from './packet';
import { sessionApi } from './session';
import { insightsApi } from './insights';
import { privilegeApi } from './privilege';
import { blockApi } from './block';
import { decodeApi } from './decode';
import { errorInfo, nat, status, type Domain } from './common';
import { ApiError } from './errors';

export const DOMAINS = {
  capture: captureApi,
  file: fileApi,
  view: viewApi,
  packet: packetApi,
  session: sessionApi,
  insights: insightsApi,
  privilege: privilegeApi,
  block: blockApi,
  decode: decodeApi,
} satisfies Record<string, Domain>;
export type DomainName = keyof typeof DOMAINS;

type Api = typeof captureApi & typeof fileApi & typeof viewApi & typeof packetApi & typeof sessionApi & typeof insightsApi & typeof privilegeApi & typeof blockApi & typeof decodeApi;
export const API: Api = Object.assign({}, ...Object.values(DOMAINS)) as Api;

/** Every method: params and result, as the schemas say. */
export type Methods = { [M in keyof Api]: { params: z.infer<Api[M]['params']>; result: z.infer<Api[M]['result']> } };
export type Method = keyof Methods;
export type Params<M extends Method> = Methods[M]['params'];
export type Result<M extends Method> = Methods[M]['result'];
/** The methods of one domain (what its handler table answers). */
export type DomainMethod<D extends DomainName> = keyof (typeof DOMAINS)[D] & Method;

export const METHODS = Object.keys(API) as Method[];
export const paramSchemas = Object.fromEntries(METHODS.map((m) => [m, API[m].params])) as { [M in Method]: Api[M]['params'] };

/** Engine → renderer pushes; `status` at most every ~50 ms while packets arrive. */
export const eventSchemas = {
  status,
  error: errorInfo,
  interfaces: z.array(interfaceInfo),
};
export type Events = { [K in keyof typeof eventSchemas]: z.infer<(typeof eventSchemas)[K]> };
export type EventName = keyof Events;
export type EngineEvent = { [K in EventName]: { event: K; data: Events[K] } }[EventName];

export const requestSchema = z.object({ id: nat, method: z.string(), params: z.unknown() }).strict();
export const responseSchema = z.union([
  z.object({ id: nat, ok: z.literal(true), result: z.unknown() }),
  z.object({ id: nat, ok: z.literal(false), error: errorInfo }),
]);
export const eventMessageSchema = z.object({ event: z.string(), data: z.unknown() });

/** Validate a method call; returns the parsed params or throws ApiError naming the method and the first problem. */
export function validateCall(method: unknown, params: unknown): { method: Method; params: any } {
  if (typeof method !== 'string' || !Object.hasOwn(API, method)) {
    throw new ApiError(`unknown method ${JSON.stringify(String(method)).slice(0, 80)}`, 'refused');
  }
  const m = method as Method;
  const r = API[m].params.safeParse(params ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ApiError(`invalid params for ${m}: ${issue.path.join('.') || '(root)'}: ${issue.message}`, 'refused');
  }
  return { method: m, params: r.data };
}

/** Validate an engine event; returns null for unknown or malformed ones (they are dropped). */
export function validateEvent(event: unknown, data: unknown): { event: EventName; data: any } | null {
  if (typeof event !== 'string' || !Object.hasOwn(eventSchemas, event)) return null;
  const r = eventSchemas[event as EventName].safeParse(data);
  return r.success ? { event: event as EventName, data: r.data } : null;
}

export { ApiError, toErrorInfo, apiError } from './errors';
export * from './common';
export * from './columns';
export * from './capture';
export * from './file';
export * from './view';
export * from './packet';
export * from './session';
export * from './insights';
export * from './privilege';
export * from './block';
export * from './decode';
