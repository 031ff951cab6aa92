/**
 * Renders public/icon.svg into the PNG app icons and the multi-size favicon.ico, in Debian's
 * Chromium (no image library needed). Run after changing the SVG, and commit the output:
 *   npx tsx scripts/make-icons.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { chromium } from '@playwright/test';

const SVG = readFileSync('public/icon.svg', 'utf8');
const PNGS: [file: string, size: number][] = [
  ['public/icon-192.png', 192],
  ['public/icon-512.png', 512],
  ['public/apple-touch-icon.png', 180],
];
const FAVICON_SIZES = [16, 32, 48];

/** An .ico holding PNG images (every browser since IE 11 reads them). */
function icoOf(images: { size: number; png: Buffer }[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, png }) => {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size >= 256 ? 0 : size, 0);
    entry.writeUInt8(size >= 256 ? 0 : size, 1);
    entry.writeUInt8(0, 2); // no palette
    entry.writeUInt8(0, 3);
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)]);
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage();
async function render(size: number): Promise<Buffer> {
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(`<html><body style="margin:0;background:transparent">${SVG.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`);
  return page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
}
for (const [file, size] of PNGS) writeFileSync(file, await render(size));
const favicon: { size: number; png: Buffer }[] = [];
for (const size of FAVICON_SIZES) favicon.push({ size, png: await render(size) });
writeFileSync('public/favicon.ico', icoOf(favicon));
await browser.close();
console.log(`wrote ${PNGS.map(([file]) => file).join(', ')}, public/favicon.ico`);
