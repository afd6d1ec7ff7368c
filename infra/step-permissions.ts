import type { LambdaName } from '../resolvers/manifest';

/**
 * What each step Lambda calls, traced from its flows (core/flows/*) through the adapters.
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
}

const UPLOADS = 'uploads/';
const FACES = 'faces/';
const ID_CARDS = 'idcards/';

export const stepPermissions: Readonly<Record<LambdaName, StepPermissions>> = {
  // createUploadUrl: presigns a PutObject; the client's PUT runs with these credentials.
  uploads: {
    collectionActions: [],
    imageActions: [],
    tableActions: [],
    objects: [{ actions: ['s3:PutObject'], prefixes: [UPLOADS] }],
    listBucket: false,
    readsIdDocuments: false,
    publishesProgress: false,
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
  },
};
