// A domain's handlers: one async function per call the domain's schema
// (main/api/<domain>.ts) declares, taking its params and giving its result.
import type { DomainMethod, DomainName, Params, Result } from '../../../api/index';

export type Handlers<D extends DomainName> = { [M in DomainMethod<D>]: (p: Params<M>) => Promise<Result<M>> };
