/**
 * The PWA's PNG icons, drawn at build time from the same shapes as static/favicon.svg (so no
 * binary is committed and no image library is needed): a loupe on a dark rounded square.
 * Chromium's install criteria want a 192 px and a 512 px icon; the maskable one keeps the glyph
 * inside the central safe circle (80 % of the size) on a full-bleed background.
 */
import { deflateSync } from 'node:zlib';

export interface IconSpec {
  size: number;
  purpose: 'any' | 'maskable';
}

/** File name under the build's icons/ folder. */
export function iconFileName(spec: IconSpec): string {
  return `icon-${spec.size}${spec.purpose === 'maskable' ? '-maskable' : ''}.png`;
}

export const ICONS: readonly IconSpec[] = [
  { size: 192, purpose: 'any' },
  { size: 512, purpose: 'any' },
  { size: 512, purpose: 'maskable' },
];

const BG = [0x16, 0x20, 0x2e] as const;
const FG = [0x7c, 0x9e, 0xe8] as const;

// The favicon's geometry, in its 24-unit viewBox.
const RING = { cx: 10, cy: 10, r: 5.5, half: 1.1 };
const HANDLE = { x0: 14.2, y0: 14.2, x1: 19.2, y1: 19.2, half: 1.3 };
const CORNER = 5;

function inRoundedSquare(x: number, y: number): boolean {
  const dx = Math.max(CORNER - x, 0, x - (24 - CORNER));
  const dy = Math.max(CORNER - y, 0, y - (24 - CORNER));
  return x >= 0 && x <= 24 && y >= 0 && y <= 24 && dx * dx + dy * dy <= CORNER * CORNER;
}

function inGlyph(x: number, y: number): boolean {
  const d = Math.hypot(x - RING.cx, y - RING.cy);
  if (Math.abs(d - RING.r) <= RING.half) return true;
  const vx = HANDLE.x1 - HANDLE.x0;
  const vy = HANDLE.y1 - HANDLE.y0;
  const t = Math.min(1, Math.max(0, ((x - HANDLE.x0) * vx + (y - HANDLE.y0) * vy) / (vx * vx + vy * vy)));
  return Math.hypot(x - HANDLE.x0 - t * vx, y - HANDLE.y0 - t * vy) <= HANDLE.half;
}

/** RGBA pixels, 4×4 supersampled. */
function draw({ size, purpose }: IconSpec): Uint8Array {
  const px = new Uint8Array(size * size * 4);
  const S = 4;
  // Maskable: shrink the glyph about the centre into the safe circle.
  const glyphScale = purpose === 'maskable' ? 0.75 : 1;
  for (let py = 0; py < size; py++) {
    for (let pxl = 0; pxl < size; pxl++) {
      let bg = 0;
      let fg = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const x = ((pxl + (sx + 0.5) / S) / size) * 24;
          const y = ((py + (sy + 0.5) / S) / size) * 24;
          if (purpose === 'any' && !inRoundedSquare(x, y)) continue;
          if (inGlyph(12 + (x - 12) / glyphScale, 12 + (y - 12) / glyphScale)) fg++;
          else bg++;
        }
      }
      const cover = bg + fg;
      const o = (py * size + pxl) * 4;
      if (cover === 0) continue;
      for (let c = 0; c < 3; c++) px[o + c] = Math.round((BG[c] * bg + FG[c] * fg) / cover);
      px[o + 3] = Math.round((255 * cover) / (S * S));
    }
  }
  return px;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** A PNG file (8-bit RGBA) of the icon. */
export function iconPng(spec: IconSpec): Buffer {
  const { size } = spec;
  const rgba = draw(spec);
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    raw.set(rgba.subarray(y * size * 4, (y + 1) * size * 4), y * (size * 4 + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit, RGBA, deflate, no filter set, no interlace
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', new Uint8Array(0))]);
}
