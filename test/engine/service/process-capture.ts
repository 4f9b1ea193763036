// A capture whose packets carry their process, as live attribution saves
// them: an HTTP connection of `proc` (its outgoing frames those from MAC_A)
// and a stray datagram nobody owns. Shared by the service and browser tests.
import { PcapngWriter } from '../../../main/engine/pcapng/writer';
import type { ProcessInfo } from '../../../main/engine/types';
import { Scenario, httpRequest, httpResponse, udp, MAC_A, MAC_B } from '../insights/craft';

/** `net` is a /24 inside 198.18.0.0/15 ('198.18.30'); returns the frame numbers of the connection and of the stray datagram. */
export function processCapture(path: string, net: string, proc: ProcessInfo): { path: string; web: number[]; stray: number } {
  const s = new Scenario();
  const web = s.connection(1_700_000_000, `${net}.5`, `${net}.80`, 41000, 80, { request: httpRequest('www.example.org'), response: httpResponse(200, 'ok') }).frames;
  const stray = s.ip(1_700_000_001, udp(`${net}.9`, `${net}.5`, 5000, 9999, [1]), MAC_B, MAC_A);
  const w = PcapngWriter.open(path);
  const ifc = w.addInterface({ linkType: 1, snaplen: 262144 });
  s.frames.forEach((f, i) => {
    const mine = web.includes(i + 1);
    // the client's frames (from MAC_A) go out, the others come in
    const out = f.bytes.slice(6, 12).every((b, k) => b === parseInt(MAC_A.split(':')[k], 16));
    w.writePacket(ifc, BigInt(Math.round(f.ts * 1e9)), Uint8Array.from(f.bytes), f.bytes.length, undefined,
      mine ? { flags: out ? 2 : 1, proc, procAttr: out ? 1 : 2 } : { flags: 1, procAttr: 17 });
  });
  w.close();
  return { path, web, stray };
}
