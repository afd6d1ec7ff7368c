/**
 * Portrait and landscape versions of a photo, as phones and cameras take them: the photo padded
 * to a shape (whole photo kept, borders added) and cropped to it (a window of that shape that keeps
 * the faces in frame). Tests use them to check that nothing in the face pipeline assumes a square
 * or a landscape frame, and to register or authenticate with portrait selfies.
 *
 *   const variants = await photoVariants(bytes, { keep: faceBox });
 *   for (const v of variants) … v.name ('9:16 crop'), v.bytes (JPEG), v.toVariant(box) …
 *
 * Boxes are Rekognition-style ratios ({Left, Top, Width, Height} of the image's width and height)
 * of the photo as displayed, i.e. after its EXIF orientation.
 */
import sharp from 'sharp';

export type Shape = '3:4' | '9:16' | '16:9';
export type Fit = 'pad' | 'crop';
export const SHAPES: readonly Shape[] = ['3:4', '9:16', '16:9'];
export const FITS: readonly Fit[] = ['pad', 'crop'];

export interface RatioBox {
  Left: number;
  Top: number;
  Width: number;
  Height: number;
}

export interface PhotoVariant {
  /** e.g. '9:16 pad'. */
  name: string;
  shape: Shape;
  fit: Fit;
  /** JPEG. */
  bytes: Buffer;
  width: number;
  height: number;
  /** A box of the original photo → the same region in this variant (may reach outside [0, 1] if cropped away). */
  toVariant(box: RatioBox): RatioBox;
  /** A box of this variant → the same region of the original photo. */
  toOriginal(box: RatioBox): RatioBox;
}

export interface VariantOptions {
  /** Region that every crop must keep in frame, e.g. the union of the face boxes. Without it crops are centred. */
  keep?: RatioBox;
  /** Margin around `keep`, as a fraction of its size on each side (default 0.15). */
  margin?: number;
  /** Longest side of a variant in pixels (default 2000: a phone photo's size; keeps huge pads cheap). */
  maxSide?: number;
  shapes?: readonly Shape[];
  fits?: readonly Fit[];
  /** Border colour of pads (default mid grey, unlike the engine's own black letterbox). */
  background?: { r: number; g: number; b: number };
}

const ratio = (s: Shape): number => {
  const [w, h] = s.split(':').map(Number) as [number, number];
  return w / h;
};

/** Every variant of `photo` (shapes × fits); a crop that cannot keep `keep` in frame is left out. */
export async function photoVariants(photo: Buffer, opts: VariantOptions = {}): Promise<PhotoVariant[]> {
  // decoded once, upright (EXIF applied), RGB; every variant is encoded once from it
  const upright = await sharp(photo).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const W = upright.info.width, H = upright.info.height;
  const out: PhotoVariant[] = [];
  for (const shape of opts.shapes ?? SHAPES) {
    for (const fit of opts.fits ?? FITS) {
      const v = fit === 'pad' ? await pad(upright.data, W, H, shape, opts) : await crop(upright.data, W, H, shape, opts);
      if (v) out.push(v);
    }
  }
  return out;
}

/** One variant by name ('3:4 pad', '9:16 crop', …), or throws if that crop cannot keep `keep` in frame. */
export async function photoVariant(photo: Buffer, name: `${Shape} ${Fit}`, opts: Omit<VariantOptions, 'shapes' | 'fits'> = {}): Promise<PhotoVariant> {
  const [shape, fit] = name.split(' ') as [Shape, Fit];
  const [v] = await photoVariants(photo, { ...opts, shapes: [shape], fits: [fit] });
  if (!v) throw new Error(`no ${name} variant keeps the given region in frame`);
  return v;
}

async function pad(upright: Buffer, W: number, H: number, shape: Shape, opts: VariantOptions): Promise<PhotoVariant> {
  const r = ratio(shape);
  const outW = Math.max(W, Math.round(H * r)), outH = Math.max(H, Math.round(W / r));
  const left = Math.floor((outW - W) / 2), top = Math.floor((outH - H) / 2);
  const background = opts.background ?? { r: 128, g: 128, b: 128 };
  const padded = raw(upright, W, H).extend({ left, top, right: outW - W - left, bottom: outH - H - top, background });
  return finish(await padded.raw().toBuffer(), outW, outH, { dx: left, dy: top }, W, H, shape, 'pad', opts);
}

async function crop(upright: Buffer, W: number, H: number, shape: Shape, opts: VariantOptions): Promise<PhotoVariant | undefined> {
  const r = ratio(shape);
  const cw = Math.min(W, Math.round(H * r)), ch = Math.min(H, Math.round(W / r));
  const keep = opts.keep ?? { Left: 0.5, Top: 0.5, Width: 0, Height: 0 };
  const m = opts.margin ?? 0.15;
  const k0x = (keep.Left - m * keep.Width) * W, k1x = (keep.Left + (1 + m) * keep.Width) * W;
  const k0y = (keep.Top - m * keep.Height) * H, k1y = (keep.Top + (1 + m) * keep.Height) * H;
  if (k1x - k0x > cw || k1y - k0y > ch) return undefined;
  // centred on the kept region, slid back inside the photo
  const left = Math.round(Math.min(W - cw, Math.max(0, (k0x + k1x) / 2 - cw / 2)));
  const top = Math.round(Math.min(H - ch, Math.max(0, (k0y + k1y) / 2 - ch / 2)));
  const cut = await raw(upright, W, H).extract({ left, top, width: cw, height: ch }).raw().toBuffer();
  return finish(cut, cw, ch, { dx: -left, dy: -top }, W, H, shape, 'crop', opts);
}

const raw = (rgb: Buffer, width: number, height: number) => sharp(rgb, { raw: { width, height, channels: 3 } });

/** Scales to `maxSide` and encodes; the maps between original and variant ratios follow the offset and scale. */
async function finish(img: Buffer, w: number, h: number, offset: { dx: number; dy: number }, W: number, H: number, shape: Shape, fit: Fit, opts: VariantOptions): Promise<PhotoVariant> {
  const s = Math.min(1, (opts.maxSide ?? 2000) / Math.max(w, h));
  const width = Math.round(w * s), height = Math.round(h * s);
  const bytes = await raw(img, w, h).resize(width, height).jpeg({ quality: 92 }).toBuffer();
  const sx = width / w, sy = height / h;
  return {
    name: `${shape} ${fit}`,
    shape,
    fit,
    bytes,
    width,
    height,
    toVariant: (b) => ({
      Left: ((b.Left * W + offset.dx) * sx) / width,
      Top: ((b.Top * H + offset.dy) * sy) / height,
      Width: (b.Width * W * sx) / width,
      Height: (b.Height * H * sy) / height,
    }),
    toOriginal: (b) => ({
      Left: ((b.Left * width) / sx - offset.dx) / W,
      Top: ((b.Top * height) / sy - offset.dy) / H,
      Width: (b.Width * width) / sx / W,
      Height: (b.Height * height) / sy / H,
    }),
  };
}

/** The smallest box holding all of `boxes`. */
export function unionBox(boxes: readonly RatioBox[]): RatioBox | undefined {
  if (boxes.length === 0) return undefined;
  const x0 = Math.min(...boxes.map((b) => b.Left)), y0 = Math.min(...boxes.map((b) => b.Top));
  const x1 = Math.max(...boxes.map((b) => b.Left + b.Width)), y1 = Math.max(...boxes.map((b) => b.Top + b.Height));
  return { Left: x0, Top: y0, Width: x1 - x0, Height: y1 - y0 };
}
