// What a name in a display filter stands for, as tshark 4.0 decides it: a
// field or protocol we decode (our declaration wins), a deprecated alias of
// one (bootp → dhcp), or a field Wireshark knows and we do not decode (from
// Wireshark's field list: it compiles with Wireshark's type and is never
// present in our dissections).
import { getField } from '../fields/registry';
import { deprecatedAlias, fieldTypeOf, wiresharkField } from '../fields/wireshark';
import type { FieldDef } from '../types';

export interface ResolvedField extends FieldDef {
  /** produced by our dissectors; false: Wireshark knows it, we never produce it */
  decoded: boolean;
  /** the deprecated name the filter used, when it was an alias */
  alias?: string;
}

/**
 * Words that can never be names (numbers, addresses, byte strings with
 * separators) are not looked up in Wireshark's list, so that common filters
 * (tcp.port == 80, ip.addr == 10.0.0.0/8) never load it.
 */
const NOT_A_NAME = /^(?:[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|0[xXbB][0-9a-fA-F]+|[0-9.]+)$|[:/]/;
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

const cache = new Map<string, ResolvedField | null>();

export function resolveName(name: string): ResolvedField | undefined {
  const own = getField(name);
  if (own) return { ...own, decoded: true };
  if (!NAME.test(name) || NOT_A_NAME.test(name)) return undefined;
  let r = cache.get(name);
  if (r === undefined) {
    r = lookup(name);
    if (cache.size > 4096) cache.clear();
    cache.set(name, r);
  }
  return r ?? undefined;
}

function lookup(name: string): ResolvedField | null {
  const dot = name.indexOf('.');
  const proto = dot < 0 ? name : name.slice(0, dot);
  const to = deprecatedAlias(proto);
  if (to !== undefined) {
    const target = resolveName(to + (dot < 0 ? '' : name.slice(dot)));
    return target ? { ...target, alias: name } : null;
  }
  const ws = wiresharkField(name);
  if (!ws) return null;
  return { name, type: fieldTypeOf(ws.ftype), title: name, decoded: false };
}
