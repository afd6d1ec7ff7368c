/**
 * `facegate <command>`: a test client for the facegate API (the local stack by default).
 * `runCli(argv, io)` returns the exit code: 0 done, 1 the API refused (typed error, or not
 * authenticated), 2 bad usage, 3 the API could not be reached.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { UploadPurpose, UserStatus } from '../schema/generated/graphql';
import { GraphQLClient, GraphQLRequestError, TransportError, type Authorization } from './graphql';
import { doctorCommand } from './doctor';
import * as op from './operations';
import { CognitoRequestError, FaceNotAccepted, signInWithFace } from './signin';
import { resolveTarget, UsageError, type Target } from './target';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Aborts `watch` (Ctrl-C). */
  signal?: AbortSignal;
}

export const HELP = `facegate — face verification from the command line

Usage: facegate <command> [options]

Commands:
  register -u USER -p PHOTO [--id-card CARD]   enroll USER with a selfie (and an ID card photo);
                                               shows each registration step live
  auth     -u USER -p PHOTO                    authenticate USER with a selfie
  login    -u USER -p PHOTO                    sign in to the user pool with a selfie (Cognito
                                               custom auth); prints when the tokens expire
  update   -u USER -p PHOTO                    add a newer photo of USER (keeps the newest faces)
  delete   -u USER                             erase USER: faces, images, records      (admin)
  users    [--status ACTIVE|PENDING]           list the enrolled users                 (admin)
  watch    REGISTRATION_ID                     show a registration's steps, live until it ends
  doctor   [--repair]                          check that faces, images and records agree; with
                                               --repair remove what interrupted flows left behind

Target (default: the local stack started by \`npm start\`):
  --data DIR              the local stack's data directory (reads DIR/local.json; default .facegate)
  --endpoint URL          a deployed API's GraphQL URL (FACEGATE_ENDPOINT)
  --api-key KEY           its API key (FACEGATE_API_KEY)
  --admin-token JWT       a Cognito ID token of a user in the "admins" group (FACEGATE_ADMIN_TOKEN)
  --realtime-endpoint URL the real-time URL, if not derived from --endpoint
  --user-pool-client-id ID  the end users' app client, for login (FACEGATE_USER_POOL_CLIENT_ID)
  --region REGION         its region, if not the endpoint's (AWS_REGION)

Doctor (talks to the stores directly; the local stack by default, via DIR/local.json):
  --table T --bucket B --collection C   check a deployed stack instead (read-only; default
  --region R                            credentials; FACEGATE_TABLE, _BUCKET, _COLLECTION)
  --user-pool ID          and its end users' pool (output EndUserPoolId; FACEGATE_USER_POOL)
  --ttl SECONDS           registrations younger than this are in flight and left alone
                          (default FACEGATE_PENDING_TTL_SECONDS, else 600)
  Exit codes: 0 nothing (left) to repair, 1 findings remain, 2 usage, 3 unreachable.

Other options:
  --registration-id ID    choose the registrationId (>= 16 characters; default a new UUID)
  --properties JSON       application data stored with the user (register)
  --json                  print results as JSON (login: the tokens themselves)
  -h, --help              this help

Photos are JPEG or PNG; they are uploaded through a presigned URL (createUploadUrl), then passed
by S3 key. Exit codes: 0 ok, 1 refused by the API (errorType printed), 2 usage, 3 unreachable.`;

const COMMANDS = ['register', 'auth', 'login', 'update', 'delete', 'users', 'watch', 'doctor'] as const;
type Command = Exclude<(typeof COMMANDS)[number], 'doctor'>;

interface Flags {
  user?: string;
  photo?: string;
  idCard?: string;
  registrationId?: string;
  properties?: string;
  status?: string;
  json: boolean;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        user: { type: 'string', short: 'u' },
        photo: { type: 'string', short: 'p' },
        'id-card': { type: 'string' },
        data: { type: 'string' },
        endpoint: { type: 'string' },
        'realtime-endpoint': { type: 'string' },
        'api-key': { type: 'string' },
        'admin-token': { type: 'string' },
        'user-pool-client-id': { type: 'string' },
        'user-pool': { type: 'string' },
        region: { type: 'string' },
        'registration-id': { type: 'string' },
        properties: { type: 'string' },
        status: { type: 'string' },
        repair: { type: 'boolean', default: false },
        table: { type: 'string' },
        bucket: { type: 'string' },
        collection: { type: 'string' },
        ttl: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    io.err(`facegate: ${(e as Error).message}\nRun \`facegate --help\` for usage.`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    io.out(HELP);
    return values.help || command === 'help' ? 0 : 2;
  }
  if (!(COMMANDS as readonly string[]).includes(command)) {
    io.err(`facegate: unknown command "${command}"\nRun \`facegate --help\` for usage.`);
    return 2;
  }
  const flags: Flags = {
    json: values.json === true,
    ...(values.user !== undefined ? { user: values.user } : {}),
    ...(values.photo !== undefined ? { photo: values.photo } : {}),
    ...(values['id-card'] !== undefined ? { idCard: values['id-card'] } : {}),
    ...(values['registration-id'] !== undefined ? { registrationId: values['registration-id'] } : {}),
    ...(values.properties !== undefined ? { properties: values.properties } : {}),
    ...(values.status !== undefined ? { status: values.status } : {}),
  };
  try {
    if (command === 'doctor') {
      const optional = (name: 'data' | 'table' | 'bucket' | 'collection' | 'region' | 'ttl') => (values[name] !== undefined ? { [name]: values[name] } : {});
      return await doctorCommand(
        { repair: values.repair === true, json: flags.json, ...optional('data'), ...optional('table'), ...optional('bucket'), ...optional('collection'), ...optional('region'), ...optional('ttl'), ...(values['user-pool'] !== undefined ? { userPool: values['user-pool'] } : {}) },
        io,
      );
    }
    const target = resolveTarget(
      {
        ...(values.endpoint !== undefined ? { endpoint: values.endpoint } : {}),
        ...(values['realtime-endpoint'] !== undefined ? { realtimeEndpoint: values['realtime-endpoint'] } : {}),
        ...(values['api-key'] !== undefined ? { apiKey: values['api-key'] } : {}),
        ...(values['admin-token'] !== undefined ? { adminToken: values['admin-token'] } : {}),
        ...(values['user-pool-client-id'] !== undefined ? { userPoolClientId: values['user-pool-client-id'] } : {}),
        ...(values.region !== undefined ? { region: values.region } : {}),
        ...(values.data !== undefined ? { data: values.data } : {}),
      },
      io.env,
      io.cwd,
    );
    const cli = new Cli(target, io, flags);
    return await cli.run(command as Command, rest);
  } catch (e) {
    return reportError(e, io);
  }
}

/** Prints an error the way a user can act on it, and picks the exit code. */
export function reportError(e: unknown, io: Pick<CliIo, 'err'>): number {
  if (e instanceof UsageError) {
    io.err(`facegate: ${e.message}`);
    return 2;
  }
  if (e instanceof GraphQLRequestError) {
    for (const entry of e.errors) {
      io.err(`error: ${entry.errorType ?? 'GraphQLError'}: ${entry.message}`);
      if (entry.errorInfo && typeof entry.errorInfo === 'object' && Object.keys(entry.errorInfo).length > 0) {
        io.err(`  errorInfo: ${JSON.stringify(entry.errorInfo)}`);
      }
    }
    return 1;
  }
  if (e instanceof TransportError) {
    io.err(`error: ${e.message}`);
    return 3;
  }
  if (e instanceof FaceNotAccepted) {
    io.err(`error: face sign-in refused: ${e.message}`);
    return 1;
  }
  if (e instanceof CognitoRequestError) {
    io.err(`error: ${e.errorType}: ${e.message}`);
    return 1;
  }
  io.err(`error: ${e instanceof Error ? e.message : String(e)}`);
  return 1;
}

const CONTENT_TYPES: [Buffer, 'image/jpeg' | 'image/png'][] = [
  [Buffer.from([0xff, 0xd8, 0xff]), 'image/jpeg'],
  [Buffer.from([0x89, 0x50, 0x4e, 0x47]), 'image/png'],
];

class Cli {
  private readonly client: GraphQLClient;
  private readonly app: Authorization;

  constructor(
    private readonly target: Target,
    private readonly io: CliIo,
    private readonly flags: Flags,
  ) {
    this.client = new GraphQLClient({ graphqlUrl: target.graphqlUrl, ...(target.realtimeUrl ? { realtimeUrl: target.realtimeUrl } : {}) });
    this.app = { apiKey: target.apiKey };
  }

  async run(command: Command, positionals: string[]): Promise<number> {
    switch (command) {
      case 'register':
        return this.enroll(this.flags.idCard ? 'registerWithIdCard' : 'registerUser');
      case 'update':
        if (this.flags.idCard) throw new UsageError('update takes no --id-card');
        return this.enroll('updatePhoto');
      case 'auth':
        return this.authenticate();
      case 'login':
        return this.login();
      case 'delete':
        return this.deleteUser();
      case 'users':
        return this.listUsers();
      case 'watch': {
        const [registrationId] = positionals;
        if (!registrationId) throw new UsageError('watch needs a REGISTRATION_ID');
        return this.watch(registrationId);
      }
    }
  }

  private need(name: 'user' | 'photo'): string {
    const value = this.flags[name];
    if (!value) throw new UsageError(`${name === 'user' ? '-u USER' : '-p PHOTO'} is required`);
    return value;
  }

  private admin(): Authorization {
    if (!this.target.adminToken) {
      throw new UsageError(`this command needs an admin token: pass --admin-token JWT (a Cognito ID token of a user in the "admins" group)`);
    }
    return { token: this.target.adminToken };
  }

  private print(json: unknown, human: string): void {
    this.io.out(this.flags.json ? JSON.stringify(json, null, 2) : human);
  }

  /** createUploadUrl, then the presigned PUT; returns the S3 key to pass as ImageInput.s3Key. */
  /** onRegistrationProgress(registrationId), each event printed as it arrives. */
  private subscribeProgress(registrationId: string, events: EventPrinter) {
    return this.client.subscribe<op.OnRegistrationProgressData>(
      op.ON_REGISTRATION_PROGRESS,
      { registrationId } satisfies op.OnRegistrationProgressVars,
      this.app,
      { next: (d) => d.onRegistrationProgress && events.add(d.onRegistrationProgress), error: (e) => this.io.err(`subscription: ${e.message}`) },
    );
  }

  /** A JPEG or PNG photo's bytes and content type. */
  private photo(file: string): { bytes: Buffer; contentType: 'image/jpeg' | 'image/png' } {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(path.resolve(this.io.cwd, file));
    } catch {
      throw new UsageError(`cannot read ${file}`);
    }
    const contentType = CONTENT_TYPES.find(([magic]) => bytes.subarray(0, magic.length).equals(magic))?.[1];
    if (!contentType) throw new UsageError(`${file} is not a JPEG or PNG image`);
    return { bytes, contentType };
  }

  private async upload(file: string, purpose: UploadPurpose): Promise<string> {
    const { bytes, contentType } = this.photo(file);
    const { createUploadUrl: ticket } = await this.client.request<op.CreateUploadUrlData>(
      op.CREATE_UPLOAD_URL,
      { input: { purpose, contentType } } satisfies op.CreateUploadUrlVars,
      this.app,
    );
    if (bytes.length > ticket.maxBytes) throw new UsageError(`${file} is ${bytes.length} bytes; the API takes at most ${ticket.maxBytes}`);
    const headers = (typeof ticket.headers === 'string' ? JSON.parse(ticket.headers) : ticket.headers) as Record<string, string>;
    let response: Response;
    try {
      response = await fetch(ticket.url, { method: 'PUT', headers, body: new Uint8Array(bytes) });
    } catch (e) {
      throw new TransportError(`cannot upload to ${new URL(ticket.url).origin}: ${(e as Error).message}`, { cause: e });
    }
    if (!response.ok) throw new TransportError(`upload of ${file} failed: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
    return ticket.key;
  }

  private async enroll(kind: 'registerUser' | 'registerWithIdCard' | 'updatePhoto'): Promise<number> {
    const userId = this.need('user');
    const photo = this.need('photo');
    const registrationId = this.flags.registrationId ?? randomUUID();
    if (registrationId.length < 16) throw new UsageError('--registration-id must be at least 16 characters');
    const image = { s3Key: await this.upload(photo, 'SELFIE') };
    const idCard = kind === 'registerWithIdCard' ? { s3Key: await this.upload(this.flags.idCard!, 'ID_CARD') } : undefined;

    // Subscribe first: every event published from now on reaches us.
    const events = new EventPrinter(this.io, this.flags.json);
    const subscription = this.subscribeProgress(registrationId, events);
    try {
      await subscription.ready;
      if (!this.flags.json) this.io.out(`${kindLabel[kind]} ${userId} (registrationId ${registrationId})`);
      let result: op.RegistrationOutcome;
      try {
        result = await this.mutateEnroll(kind, userId, registrationId, image, idCard);
      } finally {
        await events.waitForEnd(3000);
      }
      const quality = result.quality;
      this.print(
        result,
        `${kind === 'updatePhoto' ? 'updated' : 'registered'} ${result.userId}: face ${result.faceId}` +
          ` (confidence ${quality.confidence.toFixed(1)}, brightness ${quality.brightness.toFixed(0)}, sharpness ${quality.sharpness.toFixed(0)})` +
          (result.idCardSimilarity != null ? `, ID card similarity ${result.idCardSimilarity.toFixed(1)}` : '') +
          (result.removedFaceIds.length ? `, removed older faces ${result.removedFaceIds.join(', ')}` : ''),
      );
      return 0;
    } finally {
      await subscription.close();
    }
  }

  private async mutateEnroll(
    kind: 'registerUser' | 'registerWithIdCard' | 'updatePhoto',
    userId: string,
    registrationId: string,
    image: { s3Key: string },
    idCard: { s3Key: string } | undefined,
  ): Promise<op.RegistrationOutcome> {
    let properties: string | undefined;
    if (this.flags.properties !== undefined) {
      try {
        JSON.parse(this.flags.properties);
      } catch {
        throw new UsageError('--properties must be a JSON object');
      }
      properties = this.flags.properties;
    }
    if (kind === 'updatePhoto') {
      const vars: op.UpdatePhotoVars = { input: { userId, image, registrationId } };
      return (await this.client.request<op.UpdatePhotoData>(op.UPDATE_PHOTO, vars, this.app)).updatePhoto;
    }
    if (kind === 'registerWithIdCard') {
      const vars: op.RegisterWithIdCardVars = { input: { userId, image, idCard: idCard!, registrationId, ...(properties ? { properties } : {}) } };
      return (await this.client.request<op.RegisterWithIdCardData>(op.REGISTER_WITH_ID_CARD, vars, this.app)).registerWithIdCard;
    }
    const vars: op.RegisterUserVars = { input: { userId, image, registrationId, ...(properties ? { properties } : {}) } };
    return (await this.client.request<op.RegisterUserData>(op.REGISTER_USER, vars, this.app)).registerUser;
  }

  private async authenticate(): Promise<number> {
    const userId = this.need('user');
    const image = { s3Key: await this.upload(this.need('photo'), 'SELFIE') };
    const vars: op.AuthenticateVars = { input: { userId, image } };
    const { authenticate: result } = await this.client.request<op.AuthenticateData>(op.AUTHENTICATE, vars, this.app);
    this.print(
      result,
      result.authenticated
        ? `authenticated ${result.userId} (similarity ${result.similarity.toFixed(2)}, face ${result.faceId ?? '-'})`
        : `NOT authenticated ${result.userId} (similarity ${result.similarity.toFixed(2)})`,
    );
    return result.authenticated ? 0 : 1;
  }

  /**
   * Face sign-in to the end users' pool. The tokens are bearer credentials: they are printed only
   * when asked (--json, to pipe them on), never written to a file nobody asked for.
   */
  private async login(): Promise<number> {
    const userId = this.need('user');
    const { bytes, contentType } = this.photo(this.need('photo'));
    const pool = this.target.userPool;
    if (!pool) throw new UsageError('login needs the user pool: --user-pool-client-id ID (and --region) for a deployed API; locally, restart `npm start` to get it in local.json');
    const tokens = await signInWithFace(pool, userId, bytes, contentType);
    const expiry = (jwt: string) => new Date(Number((JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as { exp?: number }).exp) * 1000).toISOString();
    const expires = { idToken: expiry(tokens.idToken), accessToken: expiry(tokens.accessToken) };
    this.print(
      { userId, ...tokens, expiresAt: expires },
      `signed in ${userId}\n` +
        `  ID token      expires ${expires.idToken}\n` +
        `  access token  expires ${expires.accessToken} (send it as Authorization for me, updateMyPhoto, deleteMe)\n` +
        `  refresh token issued; --json prints the tokens`,
    );
    return 0;
  }

  private async deleteUser(): Promise<number> {
    const userId = this.need('user');
    const vars: op.DeleteUserVars = { userId };
    const { deleteUser: result } = await this.client.request<op.DeleteUserData>(op.DELETE_USER, vars, this.admin());
    this.print(result, `deleted ${result.userId}: ${result.deletedFaces} face(s), ${result.deletedImages} image(s)`);
    return 0;
  }

  private async listUsers(): Promise<number> {
    const status = this.flags.status?.toUpperCase();
    if (status !== undefined && status !== 'ACTIVE' && status !== 'PENDING') throw new UsageError('--status is ACTIVE or PENDING');
    const auth = this.admin();
    const users: op.UserSummary[] = [];
    let nextToken: string | null | undefined;
    do {
      const vars: op.ListUsersVars = { limit: 100, nextToken: nextToken ?? null, ...(status ? { status: status as UserStatus } : {}) };
      const { listUsers } = await this.client.request<op.ListUsersData>(op.LIST_USERS, vars, auth);
      users.push(...listUsers.items);
      nextToken = listUsers.nextToken;
    } while (nextToken);
    if (this.flags.json) {
      this.io.out(JSON.stringify(users, null, 2));
      return 0;
    }
    if (users.length === 0) {
      this.io.out('no users');
      return 0;
    }
    const width = Math.max(6, ...users.map((u) => u.userId.length));
    this.io.out(`${'USER'.padEnd(width)}  STATUS   FACES  CREATED`);
    for (const u of users) this.io.out(`${u.userId.padEnd(width)}  ${u.status.padEnd(7)}  ${String(u.faceIds.length).padStart(5)}  ${u.createdAt}`);
    this.io.out(`${users.length} user(s)`);
    return 0;
  }

  private async watch(registrationId: string): Promise<number> {
    const events = new EventPrinter(this.io, this.flags.json);
    const subscription = this.subscribeProgress(registrationId, events);
    try {
      await subscription.ready;
      // Subscribed first, then the history: nothing falls between the two (duplicates are dropped).
      const vars: op.RegistrationVars = { registrationId };
      const { registration } = await this.client.request<op.RegistrationData>(op.REGISTRATION, vars, this.app);
      if (!this.flags.json) {
        this.io.out(
          registration
            ? `registration ${registrationId}: ${registration.kind} of ${registration.userId}, ${registration.status}`
            : `registration ${registrationId}: not started yet — waiting (Ctrl-C to stop)`,
        );
      }
      for (const e of registration?.events ?? []) events.add(e);
      if (registration && registration.status !== 'IN_PROGRESS' && !events.ended) {
        // Finished before we looked, and its history ends without COMPLETED (expired events).
        return registration.status === 'SUCCEEDED' ? 0 : 1;
      }
      await events.waitForEnd(Infinity, this.io.signal);
      return events.failed ? 1 : 0;
    } finally {
      await subscription.close();
    }
  }
}

const kindLabel = { registerUser: 'registering', registerWithIdCard: 'registering (with ID card)', updatePhoto: 'updating' } as const;

/** Prints progress events once each, in seq order as they come; knows when the registration ended. */
class EventPrinter {
  private readonly seen = new Set<number>();
  private readonly started = Date.now();
  private end: op.ProgressEvent | undefined;
  private onEnd: (() => void) | undefined;

  constructor(
    private readonly io: CliIo,
    private readonly json: boolean,
  ) {}

  get ended(): boolean {
    return this.end !== undefined;
  }

  get failed(): boolean {
    return this.end?.status === 'FAILED';
  }

  add(e: op.ProgressEvent): void {
    if (this.seen.has(e.seq)) return;
    this.seen.add(e.seq);
    if (this.json) {
      this.io.out(JSON.stringify(e));
    } else {
      const ms = `+${Date.now() - this.started} ms`.padStart(9);
      const mark = e.status === 'FAILED' ? '✗' : e.status === 'SUCCEEDED' ? '✓' : '…';
      this.io.out(`  ${ms}  ${String(e.seq).padStart(2)} ${mark} ${e.step.padEnd(18)} ${e.status.padEnd(9)} ${e.errorType ? e.errorType + ': ' : ''}${e.message ?? ''}`);
    }
    if (op.isTerminal(e)) {
      this.end = e;
      this.onEnd?.();
    }
  }

  /** Waits for the COMPLETED event, at most `ms` (or until aborted). */
  waitForEnd(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.end || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
      const abort = () => done();
      signal?.addEventListener('abort', abort, { once: true });
      this.onEnd = done;
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', abort);
        resolve();
      }
    });
  }
}
