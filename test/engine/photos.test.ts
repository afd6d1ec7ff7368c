/**
 * Every photo of ../shared/faces, as it is and padded / cropped to 3:4, 9:16 and 16:9 (phones
 * take portrait photos): the right number of faces, a box that hugs the face and stays on it
 * whatever the frame, and the same descriptor (similarity ≥ 99 to the original). Then faces
 * turned by 90°, 180° and 270°: found, with Pose.Roll saying so.
 */
import { CompareFacesCommand, DetectFacesCommand, type FaceDetail } from '@aws-sdk/client-rekognition';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP_PHOTOS, identities } from '../../bench/lib/faces';
import { photoVariants, unionBox, type RatioBox } from '../support/photo-variants';
import { haveSharedFaces, sharedPhoto, startEngine, warnIfNoSharedFaces, type Engine } from './helpers';

warnIfNoSharedFaces('the all-photos engine tests (test/engine/photos.test.ts)');

/** Runs `fn` over `items`, `limit` at a time (two engine workers, kept busy). */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: limit }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
  }));
}

const box = (f: FaceDetail): RatioBox => ({ Left: f.BoundingBox!.Left!, Top: f.BoundingBox!.Top!, Width: f.BoundingBox!.Width!, Height: f.BoundingBox!.Height! });

/**
 * The box is the face's, not a detector's padded square: the five default landmarks inside it,
 * its width 1.7–3.3 × the eye distance and its height 1.9–3.1 × the eye-to-mouth distance (the
 * mesh-derived box measures 2.0–2.4 and 2.2–2.8 on the single-person photos, up to 3.0 wide for
 * small turned heads in group photos; the detector's padded square was 3.1–5.7 and 3.2–5.3).
 */
function hugProblems(f: FaceDetail, width: number, height: number): string[] {
  const b = box(f);
  const lm: Record<string, readonly [number, number]> = Object.fromEntries((f.Landmarks ?? []).map((l) => [l.Type, [l.X! * width, l.Y! * height] as const]));
  const problems: string[] = [];
  for (const [type, [x, y]] of Object.entries(lm)) {
    if (x < b.Left * width - 1 || x > (b.Left + b.Width) * width + 1 || y < b.Top * height - 1 || y > (b.Top + b.Height) * height + 1) problems.push(`${type} outside the box`);
  }
  const { eyeLeft: el, eyeRight: er, mouthLeft: ml, mouthRight: mr } = lm;
  if (!el || !er || !ml || !mr) return [...problems, 'landmarks missing'];
  const eyes = Math.hypot(er[0] - el[0], er[1] - el[1]);
  const eyeToMouth = Math.hypot((ml[0] + mr[0]) / 2 - (el[0] + er[0]) / 2, (ml[1] + mr[1]) / 2 - (el[1] + er[1]) / 2);
  const w = (b.Width * width) / eyes, h = (b.Height * height) / eyeToMouth;
  if (w < 1.7 || w > 3.3) problems.push(`width ${w.toFixed(2)} × eye distance`);
  if (h < 1.9 || h > 3.1) problems.push(`height ${h.toFixed(2)} × eye-to-mouth`);
  return problems;
}

/** How far (as a fraction of the face's size) a variant's box, mapped back, is from the original's. */
function boxShift(a: RatioBox, b: RatioBox): number {
  return Math.max(Math.abs(a.Left - b.Left) / b.Width, Math.abs(a.Top - b.Top) / b.Height, Math.abs(a.Width - b.Width) / b.Width, Math.abs(a.Height - b.Height) / b.Height);
}

describe.skipIf(!haveSharedFaces)('every photo of ../shared/faces, in every frame', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await startEngine({ workers: 2 });
  });
  afterAll(() => engine?.stop());

  const detect = async (bytes: Buffer) => (await engine.client.send(new DetectFacesCommand({ Image: { Bytes: bytes } }))).FaceDetails ?? [];
  const size = async (bytes: Buffer) => {
    const m = await sharp(bytes).rotate().metadata();
    return { width: m.autoOrient?.width ?? m.width ?? 0, height: m.autoOrient?.height ?? m.height ?? 0 };
  };

  it('finds exactly the faces each photo shows, with boxes that hug them, as it is and padded or cropped to 3:4, 9:16, 16:9; descriptors unchanged (≥ 99)', async () => {
    const photos = [...identities().map((i) => ({ file: i.file, faces: 1, small: 0 })), ...GROUP_PHOTOS];
    const failures: string[] = [];
    let variantsChecked = 0;
    let lowest = 100;
    await eachLimited(photos, 4, async ({ file, faces, small }) => {
      const original = sharedPhoto(file);
      const found = await detect(original);
      const { width, height } = await size(original);
      if (found.length !== faces) failures.push(`${file}: ${found.length} faces, not ${faces}`);
      for (const f of found) for (const p of hugProblems(f, width, height)) failures.push(`${file}: ${p}`);
      const keep = unionBox(found.map(box));
      for (const v of await photoVariants(original, keep ? { keep } : {})) {
        variantsChecked++;
        const where = `${file} ${v.name}`;
        const inVariant = await detect(v.bytes);
        // a pad shrinks the photo: a face that was at the detector's limit may drop below it
        const fewest = v.fit === 'pad' ? faces - small : faces;
        if (inVariant.length < fewest || inVariant.length > faces) failures.push(`${where}: ${inVariant.length} faces, not ${faces}`);
        for (const f of inVariant) for (const p of hugProblems(f, v.width, v.height)) failures.push(`${where}: ${p}`);
        if (faces !== 1 || !found[0] || !inVariant[0]) continue;
        const shift = boxShift(v.toOriginal(box(inVariant[0])), box(found[0]));
        if (shift > 0.15) failures.push(`${where}: box moved by ${(shift * 100).toFixed(0)} % of the face`);
        const compared = await engine.client.send(new CompareFacesCommand({ SourceImage: { Bytes: original }, TargetImage: { Bytes: v.bytes }, SimilarityThreshold: 0 }));
        const similarity = compared.FaceMatches?.[0]?.Similarity ?? 0;
        lowest = Math.min(lowest, similarity);
        if (similarity < 99) failures.push(`${where}: similarity ${similarity.toFixed(2)} to the original`);
      }
    });
    expect(failures).toEqual([]);
    expect(variantsChecked).toBeGreaterThan(photos.length * 4);
    expect(lowest).toBeGreaterThanOrEqual(99);
  }, 600_000);

  // deepface/img31.jpg has a second, blurred person behind; turned by 180° the engine finds that
  // face too: other faces may appear, but the photo's face is the largest and its roll is right.
  it('finds a face turned by 90°, 180° or 270°, and its Pose.Roll says by how much', async () => {
    const files = identities().filter((_, i) => i % 6 === 0).map((i) => i.file);
    const failures: string[] = [];
    await eachLimited(files, 4, async (file) => {
      const photo = sharedPhoto(file);
      const [upright] = await detect(photo);
      for (const angle of [90, 180, 270]) {
        const turned = await sharp(photo).rotate().rotate(angle).jpeg({ quality: 92 }).toBuffer();
        const found = await detect(turned);
        const area = (f: FaceDetail) => f.BoundingBox!.Width! * f.BoundingBox!.Height!;
        if (found.length === 0 || found.slice(1).some((f) => area(f) > area(found[0]!) / 2)) {
          failures.push(`${file} turned ${angle}°: ${found.length} faces`);
          continue;
        }
        // sharp turns clockwise; Roll grows clockwise (y points down): 90° → +90, 180° → ±180, 270° → −90
        const expected = (((upright?.Pose?.Roll ?? 0) + angle + 180) % 360) - 180;
        const off = Math.abs(((found[0]!.Pose!.Roll! - expected + 540) % 360) - 180);
        if (off > 25) failures.push(`${file} turned ${angle}°: Roll ${found[0]!.Pose!.Roll!.toFixed(0)}, expected ≈ ${expected.toFixed(0)}`);
      }
    });
    expect(files.length).toBeGreaterThanOrEqual(12);
    expect(failures).toEqual([]);
  }, 300_000);
});
