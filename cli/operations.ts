/**
 * The GraphQL operations the clients send (the CLI, the web app in web/, the end-to-end tests),
 * with their variables and results typed from the generated schema types
 * (schema/generated/graphql.ts). Plain strings and types only: browsers import this too.
 */
import type {
  AuthenticationResult,
  DeleteUserResult,
  FaceImageUrl,
  FaceMatch,
  FaceQuality,
  FaceRecord,
  MutationAuthenticateArgs,
  MutationCreateUploadUrlArgs,
  MutationDeleteUserArgs,
  MutationRegisterUserArgs,
  MutationRegisterWithIdCardArgs,
  MutationUpdateMyPhotoArgs,
  MutationUpdatePhotoArgs,
  Profile,
  QueryFaceImageUrlArgs,
  QueryFaceRecordsArgs,
  QueryListUsersArgs,
  QueryRegistrationArgs,
  QueryRegistrationsArgs,
  QuerySearchFacesArgs,
  QueryUserArgs,
  Registration,
  RegistrationConnection,
  RegistrationProgress,
  RegistrationResult,
  RegistrationSummary,
  SubscriptionOnRegistrationProgressArgs,
  UploadTicket,
  User,
  UserConnection,
} from '../schema/generated/graphql';

type Plain<T> = Omit<T, '__typename'>;

const PROGRESS_FIELDS = 'registrationId userId seq step status message errorType at';
const RESULT_FIELDS = `registrationId userId kind status faceId idCardSimilarity removedFaceIds completedAt
    quality { confidence brightness sharpness yaw pitch roll }`;

export type ProgressEvent = Plain<RegistrationProgress>;
export type RegistrationOutcome = Plain<RegistrationResult> & { quality: Plain<FaceQuality> };

export const CREATE_UPLOAD_URL = `mutation CreateUploadUrl($input: CreateUploadUrlInput!) {
  createUploadUrl(input: $input) { key url headers expiresAt maxBytes }
}`;
export type CreateUploadUrlVars = MutationCreateUploadUrlArgs;
export type CreateUploadUrlData = { createUploadUrl: Plain<UploadTicket> };

export const REGISTER_USER = `mutation RegisterUser($input: RegisterUserInput!) {
  registerUser(input: $input) { ${RESULT_FIELDS} }
}`;
export type RegisterUserVars = MutationRegisterUserArgs;
export type RegisterUserData = { registerUser: RegistrationOutcome };

export const REGISTER_WITH_ID_CARD = `mutation RegisterWithIdCard($input: RegisterWithIdCardInput!) {
  registerWithIdCard(input: $input) { ${RESULT_FIELDS} }
}`;
export type RegisterWithIdCardVars = MutationRegisterWithIdCardArgs;
export type RegisterWithIdCardData = { registerWithIdCard: RegistrationOutcome };

export const UPDATE_PHOTO = `mutation UpdatePhoto($input: UpdatePhotoInput!) {
  updatePhoto(input: $input) { ${RESULT_FIELDS} }
}`;
export type UpdatePhotoVars = MutationUpdatePhotoArgs;
export type UpdatePhotoData = { updatePhoto: RegistrationOutcome };

export const AUTHENTICATE = `mutation Authenticate($input: AuthenticateInput!) {
  authenticate(input: $input) { userId authenticated similarity faceId authenticatedAt }
}`;
export type AuthenticateVars = MutationAuthenticateArgs;
export type AuthenticateData = { authenticate: Plain<AuthenticationResult> };

export const DELETE_USER = `mutation DeleteUser($userId: ID!) {
  deleteUser(userId: $userId) { userId deletedFaces deletedImages deletedAt }
}`;
export type DeleteUserVars = MutationDeleteUserArgs;
export type DeleteUserData = { deleteUser: Plain<DeleteUserResult> };

/* A signed-in user's own account (a token of the end users' pool; no userId: it is the token's). */

export const ME = `query Me {
  me { userId status faceIds hasIdCard properties createdAt updatedAt }
}`;
export type MeData = { me: Plain<Profile> | null };

export const UPDATE_MY_PHOTO = `mutation UpdateMyPhoto($input: UpdateMyPhotoInput!) {
  updateMyPhoto(input: $input) { ${RESULT_FIELDS} }
}`;
export type UpdateMyPhotoVars = MutationUpdateMyPhotoArgs;
export type UpdateMyPhotoData = { updateMyPhoto: RegistrationOutcome };

export const DELETE_ME = `mutation DeleteMe {
  deleteMe { userId deletedFaces deletedImages deletedAt }
}`;
export type DeleteMeData = { deleteMe: Plain<DeleteUserResult> };

export type UserSummary = Pick<User, 'userId' | 'status' | 'faceIds' | 'createdAt' | 'updatedAt'>;
export const LIST_USERS = `query ListUsers($limit: Int, $nextToken: String, $status: UserStatus) {
  listUsers(limit: $limit, nextToken: $nextToken, status: $status) {
    items { userId status faceIds createdAt updatedAt }
    nextToken
  }
}`;
export type ListUsersVars = QueryListUsersArgs;
export type ListUsersData = { listUsers: Pick<UserConnection, 'nextToken'> & { items: UserSummary[] } };

export const REGISTRATION = `query Registration($registrationId: ID!) {
  registration(registrationId: $registrationId) {
    registrationId userId kind status faceId errorType errorMessage startedAt updatedAt
    events { ${PROGRESS_FIELDS} }
  }
}`;
export type RegistrationVars = QueryRegistrationArgs;
export type RegistrationData = { registration: (Plain<Registration> & { events: ProgressEvent[] }) | null };

export const ON_REGISTRATION_PROGRESS = `subscription OnRegistrationProgress($registrationId: ID!) {
  onRegistrationProgress(registrationId: $registrationId) { ${PROGRESS_FIELDS} }
}`;
export type OnRegistrationProgressVars = SubscriptionOnRegistrationProgressArgs;
export type OnRegistrationProgressData = { onRegistrationProgress: ProgressEvent | null };

export type FaceRecordOut = Plain<FaceRecord> & { quality: Plain<FaceQuality> };
const FACE_FIELDS = 'userId faceId imageKey indexedAt quality { confidence brightness sharpness yaw pitch roll }';

export type UserDetail = UserSummary & Pick<User, 'properties' | 'version'> & { idCard: Plain<NonNullable<User['idCard']>> | null; faces: FaceRecordOut[] };
export const USER = `query User($userId: ID!) {
  user(userId: $userId) {
    userId status faceIds createdAt updatedAt properties version
    idCard { imageKey similarity fullName documentNumber dateOfBirth expiresOn }
    faces { ${FACE_FIELDS} }
  }
}`;
export type UserVars = QueryUserArgs;
export type UserData = { user: UserDetail | null };

export const FACE_RECORDS = `query FaceRecords($userId: ID!) {
  faceRecords(userId: $userId) { ${FACE_FIELDS} }
}`;
export type FaceRecordsVars = QueryFaceRecordsArgs;
export type FaceRecordsData = { faceRecords: FaceRecordOut[] };

export const FACE_IMAGE_URL = `query FaceImageUrl($userId: ID!, $faceId: ID!) {
  faceImageUrl(userId: $userId, faceId: $faceId) { userId faceId url expiresAt }
}`;
export type FaceImageUrlVars = QueryFaceImageUrlArgs;
export type FaceImageUrlData = { faceImageUrl: Plain<FaceImageUrl> | null };

export type RegistrationSummaryOut = Plain<RegistrationSummary>;
export const REGISTRATIONS = `query Registrations($userId: ID!, $limit: Int, $nextToken: String) {
  registrations(userId: $userId, limit: $limit, nextToken: $nextToken) {
    items { registrationId userId kind status faceId errorType errorMessage startedAt updatedAt }
    nextToken
  }
}`;
export type RegistrationsVars = QueryRegistrationsArgs;
export type RegistrationsData = { registrations: Pick<RegistrationConnection, 'nextToken'> & { items: RegistrationSummaryOut[] } };

export const SEARCH_FACES = `query SearchFaces($image: ImageInput!, $limit: Int, $threshold: Float) {
  searchFaces(image: $image, limit: $limit, threshold: $threshold) { userId faceId similarity }
}`;
export type SearchFacesVars = QuerySearchFacesArgs;
export type SearchFacesData = { searchFaces: Plain<FaceMatch>[] };

/** A registration's last event: COMPLETED, SUCCEEDED or FAILED (after any ROLLBACK). */
export const isTerminal = (e: ProgressEvent): boolean => e.step === 'COMPLETED';
