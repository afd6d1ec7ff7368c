import { SIGN_IN_UPLOAD_PREFIX } from '../core/flows/signIn';
import type { LambdaName } from '../resolvers/manifest';

/** The end users' pool's custom-authentication triggers: functions/<name>.ts each. */
export type TriggerName = 'defineAuthChallenge' | 'createAuthChallenge' | 'verifyAuthChallengeResponse';
export const TRIGGER_NAMES: readonly TriggerName[] = ['defineAuthChallenge', 'createAuthChallenge', 'verifyAuthChallengeResponse'];

/** Every Lambda of the stack: the step Lambdas of the manifest and the sign-in triggers. */
export type FunctionName = LambdaName | TriggerName;

/**
 * What each Lambda calls, traced from its flows (core/flows/*) through the adapters.
 * Each Lambda's role is built from exactly this, nothing more.
 */
export interface StepPermissions {
  /** Rekognition actions on the collection (they take a CollectionId). */
  collectionActions: string[];
  /** Rekognition actions that take no collection, so IAM only accepts `*` for them. */
  imageActions: string[];
  /** DynamoDB actions on the table itself (no Lambda reads the GSI). */
  tableActions: string[];
  /** S3 object actions, by key prefix. s3:GetObject also covers HeadObject and Rekognition/Textract reading S3Object images with the caller's credentials. */
  objects: { actions: string[]; prefixes: string[] }[];
  /**
   * s3:ListBucket: deletePrefix lists, and HeadObject answers 404 (not 403) for a missing
   * upload only with it — resolveImage tells "not uploaded yet" (INVALID_IMAGE) by that 404.
   */
  listBucket: boolean;
  /** Reads ID cards with Textract AnalyzeID (only when the deployment uses the Textract reader). */
  readsIdDocuments: boolean;
  /** Publishes registration progress through the publishRegistrationProgress mutation. */
  publishesProgress: boolean;
  /** Cognito admin actions on the end users' user pool (the UserDirectory adapter); such a Lambda gets USER_POOL_ID. */
  userPoolActions: string[];
}

const UPLOADS = 'uploads/';
const FACES = 'faces/';
const ID_CARDS = 'idcards/';

/** Sign-in accounts: register opens (or links) them and closes them on rollback; erasure closes them. */
const OPEN_ACCOUNTS = ['cognito-idp:AdminCreateUser', 'cognito-idp:AdminGetUser', 'cognito-idp:AdminSetUserPassword', 'cognito-idp:AdminDeleteUser'];
const CLOSE_ACCOUNTS = ['cognito-idp:AdminDeleteUser'];

export const stepPermissions: Readonly<Record<FunctionName, StepPermissions>> = {
  // createUploadUrl: presigns a PutObject; the client's PUT runs with these credentials.
  uploads: {
    collectionActions: [],
    imageActions: [],
    tableActions: [],
    objects: [{ actions: ['s3:PutObject'], prefixes: [UPLOADS] }],
    listBucket: false,
    readsIdDocuments: false,
    publishesProgress: false,
    userPoolActions: [],
  },
  // registerUser, registerWithIdCard, updatePhoto (core/flows/register.ts, updatePhoto.ts,
  // verifyIdentity.ts, core/registration.ts, core/lockout.ts).
  register: {
    collectionActions: [
      'rekognition:IndexFaces',
      'rekognition:SearchFacesByImage',
      'rekognition:SearchFaces',
      'rekognition:SearchUsersByImage',
      'rekognition:CreateUser',
      'rekognition:DeleteUser',
      'rekognition:AssociateFaces',
      'rekognition:DisassociateFaces',
      'rekognition:DeleteFaces',
    ],
    imageActions: ['rekognition:DetectFaces', 'rekognition:CompareFaces'],
    tableActions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query'],
    objects: [
      // Staged uploads (HeadObject, Rekognition, Textract, copy source) and, for updatePhoto's
      // 1:1 fallback, the enrolled image CompareFaces reads.
      { actions: ['s3:GetObject'], prefixes: [UPLOADS, FACES] },
      { actions: ['s3:PutObject'], prefixes: [FACES, ID_CARDS] },
      { actions: ['s3:DeleteObject'], prefixes: [UPLOADS, FACES, ID_CARDS] },
    ],
    listBucket: true,
    readsIdDocuments: true,
    publishesProgress: true,
    userPoolActions: OPEN_ACCOUNTS,
  },
  // authenticate (core/flows/authenticate.ts, verifyIdentity.ts, core/lockout.ts).
  authenticate: {
    collectionActions: ['rekognition:SearchUsersByImage'],
    imageActions: ['rekognition:DetectFaces', 'rekognition:CompareFaces'],
    tableActions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query'],
    objects: [
      // The staged selfie and, for the 1:1 fallback, the enrolled image CompareFaces reads.
      { actions: ['s3:GetObject'], prefixes: [UPLOADS, FACES] },
      // The staged selfie, removed once the attempt is decided; enrolled images stay untouchable.
      { actions: ['s3:DeleteObject'], prefixes: [UPLOADS] },
    ],
    listBucket: true,
    readsIdDocuments: false,
    publishesProgress: false,
    userPoolActions: [],
  },
  // deleteUser, searchFaces and faceImageUrl (core/flows/deleteUser.ts, searchFaces.ts, faceImageUrl.ts).
  admin: {
    collectionActions: ['rekognition:SearchFacesByImage', 'rekognition:DeleteUser', 'rekognition:DeleteFaces'],
    imageActions: [],
    tableActions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem'],
    objects: [
      // The staged search image; and enrolled faces, whose presigned GETs (faceImageUrl) are
      // signed with this role's credentials, so they work only while it may read faces/.
      { actions: ['s3:GetObject'], prefixes: [UPLOADS, FACES] },
      { actions: ['s3:DeleteObject'], prefixes: [FACES, ID_CARDS] },
    ],
    listBucket: true,
    readsIdDocuments: false,
    publishesProgress: false,
    userPoolActions: CLOSE_ACCOUNTS,
  },
  // me and deleteMe of signed-in users (core/flows/me.ts, deleteUser.ts): the admin Lambda's erasure, no search.
  account: {
    collectionActions: ['rekognition:DeleteUser', 'rekognition:DeleteFaces'],
    imageActions: [],
    tableActions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem'],
    objects: [{ actions: ['s3:DeleteObject'], prefixes: [FACES, ID_CARDS] }],
    listBucket: true,
    readsIdDocuments: false,
    publishesProgress: false,
    userPoolActions: CLOSE_ACCOUNTS,
  },
  // Face sign-in (core/flows/signIn.ts). Define reads the lockout counter.
  defineAuthChallenge: {
    collectionActions: [],
    imageActions: [],
    tableActions: ['dynamodb:GetItem'],
    objects: [],
    listBucket: false,
    readsIdDocuments: false,
    publishesProgress: false,
    userPoolActions: [],
  },
  // Create presigns the PUT of the challenge's own key.
  createAuthChallenge: {
    collectionActions: [],
    imageActions: [],
    tableActions: [],
    objects: [{ actions: ['s3:PutObject'], prefixes: [SIGN_IN_UPLOAD_PREFIX] }],
    listBucket: false,
    readsIdDocuments: false,
    publishesProgress: false,
    userPoolActions: [],
  },
  // Verify: authenticate's decision on the sign-in upload, which it then deletes.
  verifyAuthChallengeResponse: {
    collectionActions: ['rekognition:SearchUsersByImage'],
    imageActions: ['rekognition:DetectFaces', 'rekognition:CompareFaces'],
    tableActions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query'],
    objects: [
      { actions: ['s3:GetObject'], prefixes: [SIGN_IN_UPLOAD_PREFIX, FACES] },
      { actions: ['s3:DeleteObject'], prefixes: [SIGN_IN_UPLOAD_PREFIX] },
    ],
    listBucket: true,
    readsIdDocuments: false,
    publishesProgress: false,
    userPoolActions: [],
  },
};
