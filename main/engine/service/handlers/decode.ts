// Analyze → Decode As…: the tables and protocols to choose from, and the
// entries in use. Setting them dissects the open capture again (list,
// filter index, insights) and refilters the displayed list.
import type { DecodeAsEntry, DecodeAsInfo } from '../../../api/index';
import { ApiError } from '../../../api/index';
import type { EngineService } from '../service';
import { DECODE_AS_TABLES, type DecodeAsRule, decodeAsChoices, decodeAsInitial, parseDecodeAs } from '../../dissect/decode-as';
import { decodeAsEntriesPath, saveUserDecodeAs } from '../../session/decode-as-entries';
import { runSliced } from '../../filter/steps';
import { errMessage } from '../open-capture';
import type { Handlers } from './types';

export function decodeHandlers(svc: EngineService): Handlers<'decode'> {
  /** bumps to drop a running re-dissection (a newer one, another capture) */
  let token = 0;

  const info = (): DecodeAsInfo => ({
    tables: DECODE_AS_TABLES.map((t) => ({ name: t.name, title: t.title, protocols: decodeAsChoices(t.name) })),
    entries: svc.cap.decodeAs.flatMap((r) => {
      const out: Array<DecodeAsEntry & { initial: string }> = [];
      for (let p = r.lo; p <= r.hi && out.length < 1000; p++) out.push({ table: r.table, value: p, protocol: r.proto, initial: decodeAsInitial(r.table, p) });
      return out;
    }),
    file: decodeAsEntriesPath(),
    problems: [...svc.decodeAsProblems],
  });

  return {
    getDecodeAs: async () => info(),
    decodeAsDefault: async (p) => ({ initial: decodeAsInitial(p.table, p.value) }),
    setDecodeAs: async (p) => {
      // every entry checked before anything changes
      const rules: DecodeAsRule[] = [];
      for (const e of p.entries) {
        try { rules.push(parseDecodeAs(`${e.table}==${e.value},${e.protocol}`)); } catch (err) {
          throw new ApiError(`Decode As ${e.table} ${e.value} → ${e.protocol}: ${errMessage(err).replace(/^-d \S+: /, '')}`, 'request');
        }
      }
      if (p.save) {
        try { saveUserDecodeAs(rules); } catch (err) {
          throw new ApiError(`saving Decode As entries to ${decodeAsEntriesPath()}: ${errMessage(err)}`, 'file');
        }
      }
      svc.userDecodeAs = rules;
      svc.decodeAsProblems = [];
      const cap = svc.cap;
      cap.decodeAs = rules;
      const mine = ++token;
      const ran = await runSliced(cap.redissectSteps(), () => mine === token && !cap.closed);
      if (ran.done && !cap.closed) {
        svc.generation.next();
        // the list's filter and sort, again over the new dissections
        await svc.list.setFilter(svc.list.filterText);
        svc.pushStatus(true);
      }
      return info();
    },
  };
}
