// HTTP statistics: requests by Host, by User-Agent family, responses by
// status code. Counts are top-K sketches, so a scan of a million hosts stays small.
import type { PacketFacts } from '../insights/facts';
import { TopK } from '../insights/sketch';
import type { HttpStats } from '../../api/insights';
export type { HttpStats } from '../../api/insights';

let parser: ((ua: string) => string) | null | undefined;
/** Browser family from a User-Agent string, when the dissector did not supply http.user_agent.family. */
function uaFamily(ua: string): string {
  if (parser === undefined) {
    try {
      const { UAParser } = require('ua-parser-js') as { UAParser: new (ua: string) => { getBrowser(): { name?: string } } };
      parser = (s) => new UAParser(s).getBrowser().name ?? 'Other';
    } catch { parser = null; }
  }
  return parser ? parser(ua) : 'Other';
}

export class HttpCollector {
  private requests = 0;
  private responses = 0;
  private readonly hosts = new TopK(1000);
  private readonly families = new TopK(200);
  private readonly statuses = new TopK(100);
  private readonly uaCache = new Map<string, string>();

  add(f: PacketFacts): void {
    if (f.httpRequest) {
      this.requests++;
      this.hosts.add(f.httpHost ?? '(no Host)');
      let fam = f.httpUserAgentFamily;
      if (!fam && f.httpUserAgent) {
        fam = this.uaCache.get(f.httpUserAgent);
        if (!fam) {
          fam = uaFamily(f.httpUserAgent);
          if (this.uaCache.size < 1000) this.uaCache.set(f.httpUserAgent, fam);
        }
      }
      this.families.add(fam ?? '(no User-Agent)');
    }
    if (f.httpStatus !== undefined && !Number.isNaN(f.httpStatus)) {
      this.responses++;
      this.statuses.add(String(f.httpStatus));
    }
  }

  snapshot(limit: number): HttpStats {
    return {
      requests: this.requests, responses: this.responses,
      byHost: this.hosts.top(limit), byUserAgentFamily: this.families.top(limit), byStatus: this.statuses.top(limit),
    };
  }
}
