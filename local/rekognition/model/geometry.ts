/**
 * Image geometry for the face pipeline, free of any model: the letterboxed frame the detector
 * sees, oriented crops (one affine map shared by the crop and by the points read back from it),
 * the face box and the head pose from the 468-point mesh.
 *
 * Coordinates are pixels of the decoded image, x to the right and y down; angles are radians
 * unless a name says degrees. A face's roll is the angle of the line from the subject's right eye
 * to the left one (clockwise positive, as y points down), so an upright face has roll 0 and an
 * upside-down one ±π.
 */
export type Point = [number, number];
export type Point3 = [number, number, number];

/** The decoded image centred in a black square: the detector resizes its input to a square. */
export interface Frame {
  side: number;
  left: number;
  top: number;
  /** side × side × 3, RGB 0–255. */
  data: Float32Array;
}

/**
 * Letterboxes `pixels` (RGB, width × height). A non-square photo handed to the detector as it is
 * would be squashed into its square input: a portrait selfie's face becomes a wide, flat face
 * that the detector misses, doubles, or boxes badly.
 */
export function letterbox(pixels: Uint8Array, width: number, height: number): Frame {
  const side = Math.max(width, height);
  const left = Math.floor((side - width) / 2), top = Math.floor((side - height) / 2);
  const data = new Float32Array(side * side * 3);
  const row = width * 3;
  for (let y = 0; y < height; y++) data.set(pixels.subarray(y * row, (y + 1) * row), ((y + top) * side + left) * 3);
  return { side, left, top, data };
}

/**
 * The w × h rectangle centred at (cx, cy) and turned by theta, sampled into an outW × outH crop.
 * `matrix` is the output→input map tf.image.transform takes; `toImage` maps a point of the crop
 * back to the image, so what a model finds in the crop lands where it is in the photo.
 */
export interface OrientedCrop {
  matrix: [number, number, number, number, number, number, number, number];
  toImage(u: number, v: number): Point;
  /** Image pixels per crop pixel. */
  scale: number;
}

export function orientedCrop(cx: number, cy: number, w: number, h: number, theta: number, outW: number, outH: number): OrientedCrop {
  const sx = w / outW, sy = h / outH;
  const cos = Math.cos(theta), sin = Math.sin(theta);
  // the crop's pixel (u, v) samples its centre (u + ½, v + ½)
  const u0 = 0.5 * sx - w / 2, v0 = 0.5 * sy - h / 2;
  const a2 = cx + u0 * cos - v0 * sin, b2 = cy + u0 * sin + v0 * cos;
  return {
    matrix: [sx * cos, -sy * sin, a2, sx * sin, sy * cos, b2, 0, 0],
    toImage: (u, v) => [sx * cos * u - sy * sin * v + a2, sx * sin * u + sy * cos * v + b2],
    scale: (sx + sy) / 2,
  };
}

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Number of face-mesh points (without the 10 iris points some models add). */
export const MESH_POINTS = 468;

/**
 * Bounding box of the 468 face-mesh points — forehead to chin, cheek to cheek — clamped to the
 * image: it hugs the face, as Rekognition's BoundingBox does.
 */
export function meshBox(mesh: readonly (Point | Point3)[], width: number, height: number): Box {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i < MESH_POINTS && i < mesh.length; i++) {
    const p = mesh[i] as Point;
    x0 = Math.min(x0, p[0]); x1 = Math.max(x1, p[0]);
    y0 = Math.min(y0, p[1]); y1 = Math.max(y1, p[1]);
  }
  return { x0: Math.max(0, x0), y0: Math.max(0, y0), x1: Math.min(width, x1), y1: Math.min(height, y1) };
}

export function boxArea(b: Box): number {
  return Math.max(0, b.x1 - b.x0) * Math.max(0, b.y1 - b.y0);
}

export function iou(a: Box, b: Box): number {
  const inter = boxArea({ x0: Math.max(a.x0, b.x0), y0: Math.max(a.y0, b.y0), x1: Math.min(a.x1, b.x1), y1: Math.min(a.y1, b.y1) });
  return inter / Math.max(1e-9, boxArea(a) + boxArea(b) - inter);
}

/**
 * The face's up direction from the detector's keypoints (mouth → nose), as the roll of a face
 * with that up direction. The detector labels an upside-down face as an upright one, so this
 * can be off by π: the mesh stage checks both.
 */
export function rollFromKeypoints(nose: Point, mouth: Point): number {
  return Math.atan2(nose[0] - mouth[0], mouth[1] - nose[1]);
}

/** Mesh indices: outer eye corners, forehead top, chin, the cheek sides. */
const RIGHT_EYE_OUTER = 33, LEFT_EYE_OUTER = 263, FOREHEAD = 10, CHIN = 152, RIGHT_CHEEK = 234, LEFT_CHEEK = 454;

/** Roll (radians, −π..π) of a mesh: the angle of the subject's right-to-left eye line. */
export function meshRoll(mesh: readonly Point3[]): number {
  const r = mesh[RIGHT_EYE_OUTER] as Point3, l = mesh[LEFT_EYE_OUTER] as Point3;
  return Math.atan2(l[1] - r[1], l[0] - r[0]);
}

const deg = (r: number) => (r * 180) / Math.PI;

/**
 * Head pose in degrees. Roll is the eye line's angle (full circle: an upside-down face is ±180).
 * Yaw and pitch come from the face's own axes (cheek to cheek, forehead to chin, and their
 * normal), taken after undoing the roll so they mean the same for a tilted photo; the mesh's z is
 * in the same pixel units as x and y. Signs follow @vladmandic/human's angles (turning the head to
 * the image's left is negative yaw, looking down is negative pitch).
 */
export function meshPose(mesh: readonly Point3[]): { roll: number; yaw: number; pitch: number } {
  const roll = meshRoll(mesh);
  const cos = Math.cos(-roll), sin = Math.sin(-roll);
  const upright = (i: number): Point3 => {
    const p = mesh[i] as Point3;
    return [p[0] * cos - p[1] * sin, p[0] * sin + p[1] * cos, p[2]];
  };
  const yAxis = unit(sub(upright(CHIN), upright(FOREHEAD)));
  let xAxis = unit(sub(upright(LEFT_CHEEK), upright(RIGHT_CHEEK)));
  const zAxis = unit(cross(xAxis, yAxis));
  xAxis = cross(yAxis, zAxis);
  // Euler angles (YZX) of the rotation whose rows are the axes
  const yaw = Math.atan2(-zAxis[0], xAxis[0]);
  const pitch = Math.atan2(-yAxis[2], yAxis[1]);
  return { roll: deg(roll), yaw: -deg(yaw), pitch: -deg(pitch) };
}

function sub(a: Point3, b: Point3): Point3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}
function cross(a: Point3, b: Point3): Point3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}
function unit(v: Point3): Point3 {
  const n = Math.hypot(v[0], v[1], v[2]) || 1;
  return [v[0] / n, v[1] / n, v[2] / n];
}
