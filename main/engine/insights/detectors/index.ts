// Every insight detector, in the order their alerts are listed and their
// settings sections appear. A new detector is added here (one line), and from
// this list come the engine's detectors and the defaults and type of
// InsightsSettings. Its alert kinds and settings section are also part of
// the API's wire types (main/api/insights.ts), which the engine is checked
// against.
import type { AlertKind } from '../../../api/insights';
import type { DetectorDef } from '../detector';
import { aiServices } from './ai';
import { aiGateway } from './ai-gateway';
import { baseline } from './baseline';
import { beacon } from './beacon';
import { connections } from './connections';
import { dnsTunnel } from './dns-tunnel';
import { icmpFlood } from './icmp-flood';
import { icsWrite } from './ics-write';
import { policy } from './policy';
import { loginFailures } from './login-failures';
import { reflection } from './reflection';
import { spikes } from './spikes';
import { udpFlood } from './udp-flood';

export const DETECTORS = [spikes, connections, policy, aiServices, icmpFlood, reflection, udpFlood, loginFailures, dnsTunnel, beacon, aiGateway, baseline, icsWrite] as const;

type Registered = (typeof DETECTORS)[number];
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** Every registered detector's settings sections, side by side. */
export type DetectorSettings = UnionToIntersection<ReturnType<Registered['defaults']>>;

// keeps `DETECTORS` honest: each entry is a DetectorDef raising kinds the API knows (main/api/insights.ts, what the renderer receives)
const checked: ReadonlyArray<DetectorDef<object, AlertKind>> = DETECTORS;
void checked;
