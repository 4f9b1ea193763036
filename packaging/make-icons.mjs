#!/usr/bin/env node
// Draws the xdpscope icon (a scope screen with a packet pulse) and writes the
// PNG sizes electron-builder's Linux targets use into build/icons/NxN.png.
// Procedural, so the icon has a source in git and needs no image tools:
//   node packaging/make-icons.mjs
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'build', 'icons');
const SIZES = [16, 32, 48, 64, 128, 256, 512];

const crcTable = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
function crc32(buf) {
  let c = -1;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0); ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 6; // 8-bit RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0)),
  ]);
}

// The pulse: flat, a packet-shaped burst, flat (unit square coordinates).
const pulse = [[0.16, 0.56], [0.36, 0.56], [0.44, 0.30], [0.52, 0.74], [0.60, 0.44], [0.66, 0.56], [0.84, 0.56]];
function segDist(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}
function shade(x, y) {
  // rounded square background
  const r = 0.18, m = 0.04;
  const qx = Math.max(Math.abs(x - 0.5) - (0.5 - m - r), 0), qy = Math.max(Math.abs(y - 0.5) - (0.5 - m - r), 0);
  if (Math.hypot(qx, qy) > r) return [0, 0, 0, 0];
  let d = Infinity;
  for (let i = 1; i < pulse.length; i++) d = Math.min(d, segDist(x, y, pulse[i - 1], pulse[i]));
  if (d < 0.035) return [0x35, 0xe0, 0xc0, 255];
  const grid = (Math.abs(((x - 0.04) * 8) % 1) < 0.03 || Math.abs(((y - 0.04) * 8) % 1) < 0.03);
  return grid ? [0x22, 0x33, 0x44, 255] : [0x10, 0x1a, 0x26, 255];
}

mkdirSync(out, { recursive: true });
for (const size of SIZES) {
  const ss = size <= 64 ? 4 : 2; // supersampling for smooth edges
  const rgba = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const acc = [0, 0, 0, 0];
      for (let j = 0; j < ss; j++) for (let i = 0; i < ss; i++) {
        const c = shade((x + (i + 0.5) / ss) / size, (y + (j + 0.5) / ss) / size);
        for (let k = 0; k < 3; k++) acc[k] += c[k] * c[3];
        acc[3] += c[3];
      }
      const o = (y * size + x) * 4;
      for (let k = 0; k < 3; k++) rgba[o + k] = acc[3] ? Math.round(acc[k] / acc[3]) : 0;
      rgba[o + 3] = Math.round(acc[3] / (ss * ss));
    }
  }
  writeFileSync(join(out, `${size}x${size}.png`), png(size, rgba));
}
process.stderr.write(`make-icons: wrote ${SIZES.length} sizes to ${out}\n`);
