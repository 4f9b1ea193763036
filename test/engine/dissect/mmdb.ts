// A minimal MaxMind DB writer (IPv4 tree, 24-bit records) for tests: enough
// to build GeoLite2-shaped city/ASN databases with a few networks.
// Format: https://maxmind.github.io/MaxMind-DB/

type Value = string | number | { [k: string]: Value } | Value[];

function ctrl(type: number, size: number): Buffer {
  // types 1..7 live in the top 3 bits; extended types (>7) use a second byte
  const ext = type > 7;
  const first = ((ext ? 0 : type) << 5);
  if (size < 29) return Buffer.from(ext ? [first | size, type - 7] : [first | size]);
  if (size < 29 + 256) return Buffer.from(ext ? [first | 29, type - 7, size - 29] : [first | 29, size - 29]);
  const s = size - 285;
  return Buffer.from(ext ? [first | 30, type - 7, s >> 8, s & 255] : [first | 30, s >> 8, s & 255]);
}

function uintBytes(n: number): Buffer {
  const out: number[] = [];
  while (n > 0) { out.unshift(n & 255); n = Math.floor(n / 256); }
  return Buffer.from(out);
}

export function encode(v: Value): Buffer {
  if (typeof v === 'string') { const b = Buffer.from(v, 'utf8'); return Buffer.concat([ctrl(2, b.length), b]); }
  if (typeof v === 'number') { const b = uintBytes(v); return Buffer.concat([ctrl(6, b.length), b]); } // uint32
  if (Array.isArray(v)) return Buffer.concat([ctrl(11, v.length), ...v.map(encode)]);
  const keys = Object.keys(v);
  return Buffer.concat([ctrl(7, keys.length), ...keys.flatMap((k) => [encode(k), encode(v[k])])]);
}

/** networks: [a.b.c.d, prefix length, record]; returns the .mmdb bytes. */
export function buildMmdb(databaseType: string, networks: Array<[string, number, Value]>): Buffer {
  interface Node { kids: [Node | number | null, Node | number | null]; id: number }
  const root: Node = { kids: [null, null], id: 0 };
  const datas: Buffer[] = [];
  const offsets: number[] = [];
  let dataLen = 0;
  for (const [, , rec] of networks) { offsets.push(dataLen); const b = encode(rec); datas.push(b); dataLen += b.length; }
  networks.forEach(([addr, plen], i) => {
    const ip = addr.split('.').map(Number).reduce((a, x) => a * 256 + x, 0);
    let n = root;
    for (let bit = 0; bit < plen; bit++) {
      const b = Math.floor(ip / 2 ** (31 - bit)) % 2;
      if (bit === plen - 1) { n.kids[b] = -(i + 1); break; } // negative: data index
      let next = n.kids[b];
      if (!next || typeof next === 'number') { next = { kids: [null, null], id: 0 }; n.kids[b] = next; }
      n = next;
    }
  });
  const nodes: Node[] = [];
  const number = (n: Node): void => { n.id = nodes.length; nodes.push(n); for (const k of n.kids) if (k && typeof k !== 'number') number(k); };
  number(root);
  const count = nodes.length;
  const tree = Buffer.alloc(count * 6);
  nodes.forEach((n, i) => {
    n.kids.forEach((k, side) => {
      const v = k === null ? count : typeof k === 'number' ? count + 16 + offsets[-k - 1] : k.id;
      tree.writeUIntBE(v, i * 6 + side * 3, 3);
    });
  });
  const meta = encode({
    node_count: count, record_size: 24, ip_version: 4, database_type: databaseType,
    languages: ['en'], binary_format_major_version: 2, binary_format_minor_version: 0,
    build_epoch: 1_700_000_000, description: { en: 'xdpscope test database' },
  });
  return Buffer.concat([tree, Buffer.alloc(16), ...datas, Buffer.from('abcdef4d61784d696e642e636f6d', 'hex'), meta]);
}
