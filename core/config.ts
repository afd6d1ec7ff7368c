/**
 * Every threshold and limit in one place. Similarities and confidences are on Rekognition's
 * 0–100 scale (95 means 95 %, never 0.95). Each value can be overridden by the environment
 * variable named beside it.
 */
export interface Config {
  /** DetectFaces/IndexFaces face confidence a selfie must reach. FACEGATE_MIN_FACE_CONFIDENCE */
  minFaceConfidence: number;
  /** Max |yaw|, |pitch|, |roll| in degrees for registration. FACEGATE_MAX_POSE_DEGREES */
  maxPoseDegrees: number;
  /** Looser pose limit for authentication. FACEGATE_AUTH_MAX_POSE_DEGREES */
  authMaxPoseDegrees: number;
  /** Quality.Brightness floor (0–100). FACEGATE_MIN_BRIGHTNESS */
  minBrightness: number;
  /** Quality.Sharpness floor (0–100). FACEGATE_MIN_SHARPNESS */
  minSharpness: number;
  /** Face bounding box width as a share of image width, 0–1. FACEGATE_MIN_FACE_WIDTH_RATIO */
  minFaceWidthRatio: number;
  /** Confidence above which a Sunglasses / EyesOpen verdict counts. FACEGATE_MIN_ATTRIBUTE_CONFIDENCE */
  minAttributeConfidence: number;
  /** Similarity at which a face counts as someone already enrolled. FACEGATE_DUPLICATE_THRESHOLD */
  duplicateThreshold: number;
  /** CompareFaces similarity selfie → ID card. FACEGATE_ID_CARD_THRESHOLD */
  idCardThreshold: number;
  /** Similarity to accept an authentication. FACEGATE_AUTH_THRESHOLD */
  authThreshold: number;
  /** Faces kept per user after updatePhoto (the newest). FACEGATE_KEPT_FACES */
  keptFaces: number;
  /** Failed authentications within the window that lock a user out. FACEGATE_LOCKOUT_MAX_FAILURES */
  lockoutMaxFailures: number;
  /** Window for counting failures, and lock duration, in seconds. FACEGATE_LOCKOUT_WINDOW_SECONDS */
  lockoutWindowSeconds: number;
  /** Answers (selfies) one face sign-in may give before it fails. FACEGATE_SIGN_IN_MAX_ANSWERS */
  signInMaxAnswers: number;
  /** Cap on inline base64 images, decoded bytes. FACEGATE_MAX_INLINE_IMAGE_BYTES */
  maxInlineImageBytes: number;
  /** Cap on uploaded images (Rekognition's S3 limit is 15 MB). FACEGATE_MAX_UPLOAD_BYTES */
  maxUploadBytes: number;
  /** Lifetime of a presigned upload URL, seconds. FACEGATE_UPLOAD_URL_TTL_SECONDS */
  uploadUrlTtlSeconds: number;
  /** Lifetime of a presigned GET of an enrolled face image (admins), seconds. FACEGATE_IMAGE_URL_TTL_SECONDS */
  imageUrlTtlSeconds: number;
  /** A PENDING user reservation older than this is abandoned and may be reclaimed. FACEGATE_PENDING_TTL_SECONDS */
  pendingTtlSeconds: number;
  /** How long registrations and their events are kept, seconds. FACEGATE_REGISTRATION_TTL_SECONDS */
  registrationTtlSeconds: number;
  /**
   * Time budget of one step (a Lambda invocation), ms: no AWS call starts or is retried after it,
   * so a step answers well within AppSync's 30 s. FACEGATE_STEP_BUDGET_MS
   */
  stepBudgetMs: number;
  /** Extra time after the budget for a rollback and the recording of the outcome, ms. FACEGATE_CLEANUP_GRACE_MS */
  cleanupGraceMs: number;
  /** Attempts per AWS call (1 = no retry); throttling and transient errors are retried. FACEGATE_AWS_MAX_ATTEMPTS */
  awsMaxAttempts: number;
  /** First retry delay, ms, doubled per retry (with jitter). FACEGATE_AWS_RETRY_BASE_MS */
  awsRetryBaseMs: number;
  /** Longest delay between two attempts, ms. FACEGATE_AWS_RETRY_MAX_DELAY_MS */
  awsRetryMaxDelayMs: number;
  /** One attempt of an AWS call gives up after this long without an answer, ms. FACEGATE_AWS_REQUEST_TIMEOUT_MS */
  awsRequestTimeoutMs: number;
  /** errorInfo.retryAfter of THROTTLED / UNAVAILABLE, seconds. FACEGATE_RETRY_AFTER_SECONDS */
  retryAfterSeconds: number;
}

export const defaultConfig: Readonly<Config> = Object.freeze({
  minFaceConfidence: 90,
  maxPoseDegrees: 30,
  authMaxPoseDegrees: 45,
  minBrightness: 20,
  minSharpness: 10,
  minFaceWidthRatio: 0.1,
  minAttributeConfidence: 80,
  duplicateThreshold: 95,
  idCardThreshold: 95,
  authThreshold: 99,
  keptFaces: 3,
  lockoutMaxFailures: 5,
  lockoutWindowSeconds: 15 * 60,
  signInMaxAnswers: 3,
  maxInlineImageBytes: 1024 * 1024,
  maxUploadBytes: 5 * 1024 * 1024,
  uploadUrlTtlSeconds: 300,
  imageUrlTtlSeconds: 300,
  pendingTtlSeconds: 10 * 60,
  registrationTtlSeconds: 30 * 24 * 3600,
  stepBudgetMs: 20_000,
  cleanupGraceMs: 5_000,
  awsMaxAttempts: 3,
  awsRetryBaseMs: 100,
  awsRetryMaxDelayMs: 1_000,
  awsRequestTimeoutMs: 10_000,
  retryAfterSeconds: 2,
});

const envName = (key: string): string => 'FACEGATE_' + key.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();

/** Scales on which a value must lie; a value outside is a configuration error, not a silent clamp. */
const percentKeys = new Set<keyof Config>([
  'minFaceConfidence', 'minBrightness', 'minSharpness', 'minAttributeConfidence',
  'duplicateThreshold', 'idCardThreshold', 'authThreshold',
]);

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const config: Config = { ...defaultConfig };
  for (const key of Object.keys(defaultConfig) as (keyof Config)[]) {
    const raw = env[envName(key)];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${envName(key)} must be a non-negative number, got "${raw}"`);
    if (percentKeys.has(key) && value > 100) {
      throw new Error(`${envName(key)} is on the 0–100 scale, got ${value}`);
    }
    if (percentKeys.has(key) && value > 0 && value < 1) {
      throw new Error(`${envName(key)} is on the 0–100 scale: ${value} looks like a fraction (write ${value * 100})`);
    }
    config[key] = value;
  }
  return config;
}

export const configEnvName = envName;
