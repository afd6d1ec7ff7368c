/**
 * DynamoDB items (adapters/dynamodb/layout.ts: items carry the GraphQL field names) → GraphQL
 * objects with every non-null field present. Key attributes (pk, sk, gsi1pk, gsi1sk, ttl) are
 * dropped; ids missing from an item are recovered from its keys.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type {
  FaceRecordItem,
  IdCardRecord,
  RegistrationRecord,
  UserRecord,
} from '../../core/ports';
import type {
  FaceRecord,
  IdCardInfo,
  Registration,
  RegistrationProgress,
  RegistrationSummary,
  User,
} from '../../schema/generated/graphql';
import {
  EVENT_PREFIX,
  FACE_PREFIX,
  REGISTRATION_PREFIX,
  REGISTRATION_SK,
  TABLE_KEYS,
  USER_PREFIX,
} from '../../adapters/dynamodb/layout';

export interface KeyAttributes {
  pk?: string;
  sk?: string;
}

export type UserItem = Partial<UserRecord> & KeyAttributes;
export type FaceItem = Partial<FaceRecordItem> & KeyAttributes;
export type RegistrationItem = Partial<RegistrationRecord> & KeyAttributes;
export type EventItem = Partial<RegistrationProgress> & KeyAttributes;

/** A DynamoDB data source error becomes a GraphQL error with the data source's type. */
export function checkDataSourceError(ctx: Context): void {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
}

function afterPrefix(value: string | undefined, prefix: string): string {
  if (typeof value === 'string' && value.startsWith(prefix)) {
    return value.substring(prefix.length);
  }
  return '';
}

function keyOf(item: KeyAttributes, which: 'pk' | 'sk'): string | undefined {
  return which === 'pk' ? item[TABLE_KEYS.partitionKey] : item[TABLE_KEYS.sortKey];
}

function toIdCard(card: IdCardRecord): IdCardInfo {
  return {
    imageKey: card.imageKey,
    similarity: card.similarity,
    fullName: card.fullName ?? null,
    documentNumber: card.documentNumber ?? null,
    dateOfBirth: card.dateOfBirth ?? null,
    expiresOn: card.expiresOn ?? null,
  };
}

/** USER#<id> / PROFILE → User (without `faces`: the User.faces field resolver fills it). */
export function toUser(item: UserItem): Omit<User, 'faces'> {
  return {
    userId: item.userId ?? afterPrefix(keyOf(item, 'pk'), USER_PREFIX),
    status: item.status ?? 'PENDING',
    faceIds: item.faceIds ?? [],
    idCard: item.idCard ? toIdCard(item.idCard) : null,
    properties: item.properties ?? null,
    createdAt: item.createdAt ?? '',
    updatedAt: item.updatedAt ?? item.createdAt ?? '',
    version: item.version ?? 0,
  };
}

/** USER#<id> / FACE#<faceId> → FaceRecord. */
export function toFaceRecord(item: FaceItem): FaceRecord {
  return {
    userId: item.userId ?? afterPrefix(keyOf(item, 'pk'), USER_PREFIX),
    faceId: item.faceId ?? afterPrefix(keyOf(item, 'sk'), FACE_PREFIX),
    imageKey: item.imageKey ?? '',
    quality: item.quality ?? { confidence: 0, brightness: 0, sharpness: 0, yaw: 0, pitch: 0, roll: 0 },
    indexedAt: item.indexedAt ?? '',
  };
}

/**
 * Events in ascending seq (stable). APPSYNC_JS has no comparator sort that the AppSync linter
 * accepts, so this is an insertion sort through reduce; registrations have a few dozen events.
 */
export function sortBySeq(events: RegistrationProgress[]): RegistrationProgress[] {
  return events.reduce((sorted: RegistrationProgress[], event) => {
    const at = sorted.findIndex((other) => other.seq > event.seq);
    return at === -1 ? sorted.concat([event]) : sorted.slice(0, at).concat([event], sorted.slice(at));
  }, []);
}

/** Faces newest first by indexedAt (stable), the order of UserRecord.faceIds. */
export function sortNewestFirst(faces: FaceRecord[]): FaceRecord[] {
  return faces.reduce((sorted: FaceRecord[], face) => {
    const at = sorted.findIndex((other) => other.indexedAt < face.indexedAt);
    return at === -1 ? sorted.concat([face]) : sorted.slice(0, at).concat([face], sorted.slice(at));
  }, []);
}

/** REG#<id> / EVENT#<seq> → RegistrationProgress. */
export function toProgress(item: EventItem): RegistrationProgress {
  return {
    registrationId: item.registrationId ?? afterPrefix(keyOf(item, 'pk'), REGISTRATION_PREFIX),
    userId: item.userId ?? '',
    seq: item.seq ?? Number(afterPrefix(keyOf(item, 'sk'), EVENT_PREFIX)),
    step: item.step ?? 'STARTED',
    status: item.status ?? 'STARTED',
    message: item.message ?? null,
    errorType: item.errorType ?? null,
    at: item.at ?? '',
  };
}

/** REG#<id> / META → RegistrationSummary (the registration without its events). */
export function toRegistrationSummary(item: RegistrationItem): Omit<RegistrationSummary, '__typename'> {
  return {
    registrationId: item.registrationId ?? afterPrefix(keyOf(item, 'pk'), REGISTRATION_PREFIX),
    userId: item.userId ?? '',
    kind: item.kind ?? 'REGISTER',
    status: item.status ?? 'IN_PROGRESS',
    faceId: item.faceId ?? null,
    errorType: item.errorType ?? null,
    errorMessage: item.errorMessage ?? null,
    startedAt: item.startedAt ?? '',
    updatedAt: item.updatedAt ?? item.startedAt ?? '',
  };
}

/**
 * The items under REG#<id> (META and EVENT#…) → Registration with its events in seq order, or
 * null when there is no META item.
 */
export function toRegistration(items: (RegistrationItem | EventItem)[]): Registration | null {
  let meta: RegistrationItem | null = null;
  const events: RegistrationProgress[] = [];
  for (const item of items) {
    const sk = keyOf(item, 'sk') ?? '';
    if (sk === REGISTRATION_SK) {
      meta = item as RegistrationItem;
    } else if (sk.startsWith(EVENT_PREFIX)) {
      events.push(toProgress(item as EventItem));
    }
  }
  if (meta === null) {
    return null;
  }
  return { ...toRegistrationSummary(meta as RegistrationItem), events: sortBySeq(events) };
}
