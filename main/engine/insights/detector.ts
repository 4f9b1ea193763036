// The one shape every insight detector has. A detector module exports a
// DetectorDef (its settings sections with their defaults, the alert kinds it
// raises, and a factory); detectors/index.ts lists them all, and the engine,
// the settings and the AlertKind type are built from that list. Adding a
// detector is one module in detectors/, one line in detectors/index.ts, and
// its test.
import type { Dissection } from '../types';
import type { Alert } from './alert';
import type { PacketFacts } from './facts';

export interface Detector {
  /**
   * One packet. `f` is reused for the next packet: copy what you keep. `d` is
   * its dissection, for the rare detector that needs fields or bytes the facts
   * do not carry (read them only for packets that can matter: this runs per
   * packet). On a pooled open `d` is rebuilt from a digest (digest.ts): it
   * has the packet, the top-level layers and the fields, bar those of
   * frame/eth/ip/ipv6/tcp/udp not listed in digest.ts's KEEP.
   */
  add(f: PacketFacts, d: Dissection): void;
  /** End of input (a file): close whatever is still counting, so alerts() has final figures. */
  flush(): void;
  /** Every alert so far, closed and still ongoing, each with its numbers, the threshold it crossed and its filter. */
  alerts(): Alert[];
}

/**
 * What an episode a detector counts spans (a flood, a spike, a bypass): its
 * first and last frames and times, its packets and bytes, which every alert
 * reports (Alert.firstFrame, .packets, ...).
 */
export interface Span {
  firstTs: number;
  lastTs: number;
  firstFrame: number;
  lastFrame: number;
  packets: number;
  bytes: number;
}

/** Counts a packet into a span: one more packet, its bytes, and the span's end moved to it. */
export function spanAdd(s: Span, f: { len: number; ts: number; frame: number }): void {
  s.packets++;
  s.bytes += f.len;
  s.lastTs = f.ts;
  s.lastFrame = f.frame;
}

/** Settings shared by every detector (memory caps), beside each detector's own sections. */
export interface LimitSettings {
  /** sources tracked for connection-attempt analysis */
  maxSources: number;
  /** half-open TCP handshakes remembered */
  maxHandshakes: number;
  /** resolved IP → service mappings remembered */
  maxResolved: number;
  /** frames an alert lists when its filter names frames explicitly */
  maxAlertFrames: number;
}

export interface DetectorEnv<S> {
  /** this detector's settings sections, resolved (defaults overlaid with the user's), plus the shared limits */
  settings: S & { limits: LimitSettings };
  /** closed alerts a detector keeps at most (live sessions can run for days) */
  maxAlerts: number;
}

/**
 * What a detector module exports. `S` is its settings: one or more sections
 * (plain JSON, saved with a session, overridable with `insights --settings`),
 * e.g. `{ icmpFlood: { enabled: true, minPerSec: 100 } }`; `K` its alert kinds.
 */
export interface DetectorDef<S extends object, K extends string> {
  /** a short stable name, e.g. 'icmp-flood' */
  id: string;
  kinds: readonly K[];
  /** fresh defaults (callers may mutate them); every alert names the setting it crossed as 'section.key' */
  defaults(): S;
  create(env: DetectorEnv<S>): Detector;
}
