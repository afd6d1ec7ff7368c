/**
 * The GraphQL operations the CLI sends, with their variables and results typed from the
 * generated schema types (schema/generated/graphql.ts).
 */
import type {
  AuthenticationResult,
  DeleteUserResult,
  FaceQuality,
  MutationAuthenticateArgs,
  MutationCreateUploadUrlArgs,
  MutationDeleteUserArgs,
  MutationRegisterUserArgs,
  MutationRegisterWithIdCardArgs,
  MutationUpdatePhotoArgs,
  QueryListUsersArgs,
  QueryRegistrationArgs,
  Registration,
  RegistrationProgress,
  RegistrationResult,
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

/** A registration's last event: COMPLETED, SUCCEEDED or FAILED (after any ROLLBACK). */
export const isTerminal = (e: ProgressEvent): boolean => e.step === 'COMPLETED';
