/**
 * Images a careless or hostile client sends, made with sharp (and, for the decompression bomb
 * and the PDF, by hand: a few hundred bytes are the point). Shared by the engine's tests and the
 * bad-input table of test/e2e/bad-input.test.ts.
 */
import zlib from 'node:zlib';
import sharp from 'sharp';

/** A JPEG's first bytes, then noise. */
export const corruptJpeg = (): Buffer => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256))]);

/** The first `share` of a real photo's bytes. */
export const truncated = (photo: Buffer, share = 0.4): Buffer => photo.subarray(0, Math.floor(photo.length * share));

/** A minimal, valid PDF (no pages). */
export const minimalPdf = (): Buffer =>
  Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

export const onePixelPng = (): Promise<Buffer> => sharp({ create: { width: 1, height: 1, channels: 3, background: '#808080' } }).png().toBuffer();

/** A plain 640×480 picture without a face. */
export const noFace = (): Promise<Buffer> => sharp({ create: { width: 640, height: 480, channels: 3, background: '#7090b0' } }).jpeg().toBuffer();

/** The photo shrunk to `width` px on a 1600×1200 canvas: a face well under a tenth of the image's width. */
export const tinyFace = async (photo: Buffer, width = 260): Promise<Buffer> =>
  sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#808080' } })
    .composite([{ input: await sharp(photo).resize(width).toBuffer(), left: 700, top: 500 }])
    .jpeg()
    .toBuffer();

export const rotated = (photo: Buffer, degrees: 90 | 180 | 270): Promise<Buffer> => sharp(photo).rotate(degrees).jpeg().toBuffer();

/** A valid JPEG padded past `bytes` (the JPEG ends early; what follows is zeros). */
export const oversized = (photo: Buffer, bytes: number): Buffer => Buffer.concat([photo, Buffer.alloc(Math.max(0, bytes - photo.length))]);

function crc32(buf: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of buf) {
    let c = (crc ^ byte) & 0xff;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A decompression bomb: a valid PNG header declaring width × height 1-bit pixels (30000×30000 is
 * 900 megapixels), followed by the first 64 rows, compressed — a few hundred bytes in all.
 */
export function pngDeclaring(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 1; // bit depth 1, grayscale, deflate, no filter, no interlace
  const rows = Buffer.alloc((1 + Math.ceil(width / 8)) * Math.min(height, 64));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', zlib.deflateSync(rows)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}
