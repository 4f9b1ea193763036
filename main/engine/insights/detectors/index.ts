// Every insight detector, in the order their alerts are listed and their
// settings sections appear. A new detector is added here (one line), and from
// this list come the engine's detectors, the defaults of InsightsSettings and
// its type, and the AlertKind union.
import type { DetectorDef } from '../detector';
import { aiServices } from './ai';
import { connections } from './connections';
import { icmpFlood } from './icmp-flood';
import { policy } from './policy';
import { spikes } from './spikes';

export const DETECTORS = [spikes, connections, policy, aiServices, icmpFlood] as const;

type Registered = (typeof DETECTORS)[number];
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** The alert kinds the registered detectors raise. */
export type AlertKind = Registered['kinds'][number];

/** Every registered detector's settings sections, side by side. */
export type DetectorSettings = UnionToIntersection<ReturnType<Registered['defaults']>>;

// keeps `DETECTORS` honest: each entry is a DetectorDef (an `as const` tuple is not checked against it otherwise)
const checked: ReadonlyArray<DetectorDef<object, string>> = DETECTORS;
void checked;
