/**
 * A video file for Chromium's fake camera (--use-file-for-fake-video-capture): YUV4MPEG2 with
 * I420 frames, made from a photo with sharp — no ffmpeg needed. The photo is letterboxed into a
 * landscape frame the size a webcam gives (640×480 by default).
 */
import fs from 'node:fs';
import sharp from 'sharp';

export async function writeY4m(photo: string, out: string, { width = 640, height = 480, frames = 2 } = {}): Promise<void> {
  if (width % 2 || height % 2) throw new Error('I420 needs even frame sizes');
  const rgb = await sharp(photo)
    .resize(width, height, { fit: 'contain', background: { r: 96, g: 96, b: 96 } })
    .removeAlpha()
    .raw()
    .toBuffer();
  const frame = rgbToI420(rgb, width, height);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F30:1 Ip A1:1 C420jpeg\n`);
  const parts: Buffer[] = [header];
  for (let i = 0; i < frames; i++) parts.push(Buffer.from('FRAME\n'), frame);
  fs.writeFileSync(out, Buffer.concat(parts));
}

/** RGB24 → planar I420 (BT.601 full range, as C420jpeg means; chroma averaged over 2×2). */
export function rgbToI420(rgb: Buffer, width: number, height: number): Buffer {
  const ySize = width * height;
  const cSize = ySize / 4;
  const out = Buffer.alloc(ySize + 2 * cSize);
  const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));
  for (let i = 0; i < ySize; i++) {
    const r = rgb[i * 3]!, g = rgb[i * 3 + 1]!, b = rgb[i * 3 + 2]!;
    out[i] = clamp(0.299 * r + 0.587 * g + 0.114 * b);
  }
  for (let y = 0; y < height; y += 2) {
    for (let x = 0; x < width; x += 2) {
      let r = 0, g = 0, b = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
        const p = ((y + dy) * width + (x + dx)) * 3;
        r += rgb[p]!;
        g += rgb[p + 1]!;
        b += rgb[p + 2]!;
      }
      r /= 4;
      g /= 4;
      b /= 4;
      const c = (y / 2) * (width / 2) + x / 2;
      out[ySize + c] = clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
      out[ySize + cSize + c] = clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
    }
  }
  return out;
}
