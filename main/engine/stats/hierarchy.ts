// Wireshark's Statistics › Protocol Hierarchy, from frame.protocols: each
// frame counts once in every node of its protocol path ("eth:ethertype:ip:tcp"
// → eth › ip › tcp; the "ethertype" dispatch step is not a protocol and
// tshark leaves it out too).

interface Node {
  frames: number;
  bytes: number;
  children: Map<string, Node>;
}

import type { Dissection, Field } from '../types';
import { frameProtocols } from '../insights/facts';
import type { HierarchyNode } from '../../api/insights';
export type { HierarchyNode } from '../../api/insights';

const SKIP = new Set(['frame', 'ethertype']);
const MAX_PATHS = 4096;

interface LayerPath {
  names: string[];
  nodes: Node[] | null;
}

function sameNames(layers: Field[], names: string[]): boolean {
  if (layers.length !== names.length) return false;
  for (let i = 0; i < layers.length; i++) if (layers[i].name !== names[i]) return false;
  return true;
}

export class ProtocolHierarchy {
  private readonly root: Node = { frames: 0, bytes: 0, children: new Map() };
  /** protocol string → its nodes, so a repeated path costs one lookup */
  private readonly paths = new Map<string, Node[]>();

  /**
   * Counts a frame by its top-level protocol layers (internalized names: a few
   * Map lookups, no string work). Frames whose layers nest other layers (ICMP
   * quoting an IP header) take the frame.protocols path, which sees those too.
   */
  addLayers(d: Dissection, len: number): void {
    const layers = d.tree;
    // consecutive packets mostly have the same layers: compare names (interned: pointer compares) with the last packet's
    let p = this.last;
    if (p === null || !sameNames(layers, p.names)) {
      // then with the other paths seen under the same top layer (no allocation once a path is known)
      p = null;
      const top = layers.length ? layers[layers.length - 1].name : '';
      const known = this.byTop.get(top);
      if (known !== undefined) {
        for (let i = 0; i < known.length; i++) if (sameNames(layers, known[i].names)) { p = known[i]; break; }
      }
      if (p === null) {
        p = this.newPath(layers);
        if (this.nPaths < MAX_PATHS) {
          this.nPaths++;
          if (known !== undefined) known.push(p); else this.byTop.set(top, [p]);
        }
      }
      this.last = p;
    }
    const nodes = p.nodes;
    if (nodes === null) { this.add(frameProtocols(d), len); return; }
    this.root.frames++;
    this.root.bytes += len;
    for (let i = 0; i < nodes.length; i++) { nodes[i].frames++; nodes[i].bytes += len; }
  }

  /** A layer path's nodes; null for layers that nest other layers (ICMP quoting an IP header): frame.protocols sees those. */
  private newPath(layers: Field[]): LayerPath {
    const names = layers.map((l) => l.name);
    for (const n of names) if (n === 'icmp' || n === 'icmpv6') return { names, nodes: null };
    const nodes: Node[] = [];
    let cur = this.root;
    for (const p of names) {
      if (SKIP.has(p) || p.includes('.')) continue;
      let n = cur.children.get(p);
      if (!n) cur.children.set(p, (n = { frames: 0, bytes: 0, children: new Map() }));
      nodes.push(n);
      cur = n;
    }
    return { names, nodes };
  }

  private last: LayerPath | null = null;
  /** known layer paths by their top layer's name */
  private readonly byTop = new Map<string, LayerPath[]>();
  private nPaths = 0;

  add(protocols: string, len: number): void {
    let nodes = this.paths.get(protocols);
    if (!nodes) {
      nodes = [];
      let cur = this.root;
      for (const p of protocols.split(':')) {
        // dotted names (ipv6.hopopts) are parts of their protocol, not protocols: tshark's tree leaves them out
        if (!p || SKIP.has(p) || p.includes('.')) continue;
        let n = cur.children.get(p);
        if (!n) cur.children.set(p, (n = { frames: 0, bytes: 0, children: new Map() }));
        nodes.push(n);
        cur = n;
      }
      if (this.paths.size < MAX_PATHS) this.paths.set(protocols, nodes);
    }
    this.root.frames++;
    this.root.bytes += len;
    for (const n of nodes) { n.frames++; n.bytes += len; }
  }

  tree(): HierarchyNode[] {
    const conv = (m: Map<string, Node>): HierarchyNode[] =>
      [...m].sort((a, b) => b[1].frames - a[1].frames).map(([protocol, n]) => ({ protocol, frames: n.frames, bytes: n.bytes, children: conv(n.children) }));
    return conv(this.root.children);
  }

  get total(): { frames: number; bytes: number } {
    return { frames: this.root.frames, bytes: this.root.bytes };
  }
}
