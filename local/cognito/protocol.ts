/**
 * Amazon Cognito user pools' wire protocol (JSON 1.1): `POST /`, `X-Amz-Target:
 * AWSCognitoIdentityProviderService.<Operation>`, `Content-Type: application/x-amz-json-1.1`.
 * Errors are HTTP 400 (500 for internal ones) with body `{"__type": "<Name>", "message": "…"}`
 * and the name in `x-amzn-errortype`: both the AWS SDK and Amplify JS read the header first,
 * then `__type`, and raise an error of that name.
 */
export const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
export const CONTENT_TYPE = 'application/x-amz-json-1.1';

export type ErrorName =
  | 'NotAuthorizedException'
  | 'UserNotFoundException'
  | 'UsernameExistsException'
  | 'InvalidParameterException'
  | 'InvalidPasswordException'
  | 'ResourceNotFoundException'
  | 'UserLambdaValidationException'
  | 'InvalidLambdaResponseException'
  | 'UnknownOperationException'
  | 'SerializationException'
  | 'MissingAuthenticationTokenException'
  | 'UnrecognizedClientException'
  | 'InvalidSignatureException'
  | 'IncompleteSignatureException'
  | 'InternalErrorException';

export class CognitoError extends Error {
  constructor(
    readonly type: ErrorName,
    message: string,
    readonly status = type === 'InternalErrorException' ? 500 : 400,
  ) {
    super(message);
    this.name = type;
  }
}

export const errorBody = (err: CognitoError): string => JSON.stringify({ __type: err.type, message: err.message });

export const invalidParameter = (message: string) => new CognitoError('InvalidParameterException', message);
export const notAuthorized = (message: string) => new CognitoError('NotAuthorizedException', message);

/** What Cognito answers for a failed sign-in, known user or not (PreventUserExistenceErrors). */
export const INCORRECT_CREDENTIALS = 'Incorrect username or password.';

/** A required string member of a request, or InvalidParameterException as Cognito's validation says it. */
export function requiredString(body: Record<string, unknown>, member: string): string {
  const value = body[member];
  if (typeof value !== 'string' || value === '') {
    throw invalidParameter(`1 validation error detected: Value at '${member.charAt(0).toLowerCase()}${member.slice(1)}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

/** A map of strings (AuthParameters, ChallengeResponses, ClientMetadata); absent is empty. */
export function stringMap(body: Record<string, unknown>, member: string): Record<string, string> {
  const value = body[member];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw new CognitoError('SerializationException', `${member} must be a map of strings`);
  }
  return value as Record<string, string>;
}
