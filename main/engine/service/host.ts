// Turns wire requests into service calls and service results into wire
// responses: the same code answers in the worker thread and in tests.
import type { EngineEvent, ResponseMessage } from '../../api/types';
import { toErrorInfo, validateCall } from '../../api/index';
import { EngineService, type ServiceOptions } from './service';

export class EngineHost {
  readonly service: EngineService;
  constructor(emit: (ev: EngineEvent) => void, opts: Omit<ServiceOptions, 'emit'> = {}) {
    this.service = new EngineService({ ...opts, emit });
  }

  async handle(msg: { id: number; method: unknown; params: unknown }): Promise<ResponseMessage> {
    try {
      const { method, params } = validateCall(msg.method, msg.params);
      const result = await this.service.call(method, params);
      return { id: msg.id, ok: true, result };
    } catch (e) {
      return { id: msg.id, ok: false, error: toErrorInfo(e) };
    }
  }
}
