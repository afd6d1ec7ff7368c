/**
 * The single-table layout, shared by the DynamoDB adapter (writes), the admin resolvers (reads
 * through an AppSync DynamoDB data source), the CDK table and the local stack. Plain constants
 * only: resolver bundles import this file.
 *
 *   pk              sk              item
 *   USER#<userId>   PROFILE         UserRecord  (+ gsi1pk STATUS#<status>, gsi1sk <createdAt>#<userId>)
 *   USER#<userId>   FACE#<faceId>   FaceRecordItem
 *   USER#<userId>   ATTEMPTS        AuthAttempts (ttl)
 *   REG#<regId>     META            RegistrationRecord (ttl; + gsi1pk REGS#<userId>, gsi1sk <startedAt>#<regId>)
 *   REG#<regId>     EVENT#<seq>     RegistrationProgress (ttl; seq zero-padded to sort)
 */
export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttl: 'ttl',
  /** Also, overloaded, registrations by userId (REGS#<userId>): the admins' audit trail. */
  usersByStatusIndex: 'gsi1',
  gsiPartitionKey: 'gsi1pk',
  gsiSortKey: 'gsi1sk',
} as const;

export const USER_PREFIX = 'USER#';
export const PROFILE_SK = 'PROFILE';
export const FACE_PREFIX = 'FACE#';
export const ATTEMPTS_SK = 'ATTEMPTS';
export const REGISTRATION_PREFIX = 'REG#';
export const REGISTRATION_SK = 'META';
export const EVENT_PREFIX = 'EVENT#';
export const STATUS_PREFIX = 'STATUS#';
export const USER_REGISTRATIONS_PREFIX = 'REGS#';
export const EVENT_SEQ_DIGITS = 6;

export const userPk = (userId: string): string => USER_PREFIX + userId;
export const registrationPk = (registrationId: string): string => REGISTRATION_PREFIX + registrationId;
export const faceSk = (faceId: string): string => FACE_PREFIX + faceId;
export const eventSk = (seq: number): string => EVENT_PREFIX + String(seq).padStart(EVENT_SEQ_DIGITS, '0');
export const statusGsiPk = (status: string): string => STATUS_PREFIX + status;
export const statusGsiSk = (createdAt: string, userId: string): string => createdAt + '#' + userId;
export const userRegistrationsGsiPk = (userId: string): string => USER_REGISTRATIONS_PREFIX + userId;
export const userRegistrationsGsiSk = (startedAt: string, registrationId: string): string => startedAt + '#' + registrationId;
