import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { IdentityPool, UserPoolAuthenticationProvider } from 'aws-cdk-lib/aws-cognito-identitypool';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ADMIN_GROUP } from '../../functions/lib/contract';
import type { TriggerName } from '../step-permissions';

export interface IdentityProps {
  /** The end users' pool's custom-authentication triggers (face sign-in). */
  signInTriggers: Record<TriggerName, lambda.IFunction>;
  /** How long a sign-in may take between InitiateAuth and the last answer: the upload ticket's lifetime. */
  signInSessionValidity: Duration;
}

/**
 * Who may call the API besides API-key holders: admins sign in to the admins' user pool (group
 * `admins`, MFA required) and call the admin fields with their ID token; end users sign in with
 * their face to the end users' pool (custom authentication only) and call the fields about
 * themselves; app clients get AWS credentials from the identity pool (guest or signed in) whose
 * roles the stack allows onto the app-client fields only.
 *
 * Two pools, not one with two clients: MFA, password policy, recovery, sign-up and the triggers
 * are settings of a pool, and the two populations need opposite ones (invited operators with
 * passwords and TOTP; accounts made by registerUser with no usable password). And the register
 * Lambda, which creates and deletes end users' accounts, then has Cognito admin rights on a
 * pool with no operator account and no `admins` group: a registration can never touch an admin.
 */
export class Identity extends Construct {
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  readonly endUserPool: cognito.UserPool;
  readonly endUserPoolClient: cognito.UserPoolClient;
  readonly identityPool: IdentityPool;

  constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      // Admins are invited (admin-create-user), never self-registered.
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      // Only operator accounts live here; nothing to keep once the API they guard is gone.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'Threat protection needs the Plus feature plan (billed per MAU). The pool holds a few invited operators, ' +
        'with self sign-up off, MFA (TOTP) required and a 12-character password policy.',
    });

    new cognito.CfnUserPoolGroup(this, 'AdminsGroup', {
      userPoolId: this.userPool.userPoolId,
      groupName: ADMIN_GROUP,
      description: 'May call the admin fields (user, listUsers, faceRecords, faceImageUrl, registrations, searchFaces, deleteUser).',
    });

    this.userPoolClient = this.userPool.addClient('Client', {
      // A public client (CLI, browser): no secret. USER_PASSWORD_AUTH lets the AWS CLI fetch a token.
      generateSecret: false,
      authFlows: { userSrp: true, userPassword: true },
      preventUserExistenceErrors: true,
    });

    this.endUserPool = new cognito.UserPool(this, 'EndUserPool', {
      // Accounts are opened by registerUser (AdminCreateUser), never by sign-up.
      selfSignUpEnabled: false,
      // The username is the facegate userId, which is case-sensitive.
      signInAliases: { username: true },
      signInCaseSensitive: true,
      // The face is the factor (the triggers); there is no password to pair a second one with.
      mfa: cognito.Mfa.OFF,
      // Accounts only ever get random passwords that are thrown away; the policy still refuses weak ones.
      passwordPolicy: { minLength: 12, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true },
      accountRecovery: cognito.AccountRecovery.NONE,
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      lambdaTriggers: props.signInTriggers,
      // Accounts hold no face data; the retained table and collection are what a person is.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.endUserPool).acknowledge(
      {
        id: 'AwsSolutions-COG2',
        reason:
          'MFA pairs a second factor with a password; these accounts have no usable password and sign in with their face only ' +
          '(custom authentication triggers; the app client allows nothing else).',
      },
      {
        id: 'AwsSolutions-COG8',
        reason:
          'Threat protection needs the Plus feature plan (billed per MAU) and protects password sign-ins; face sign-in has its own ' +
          'lockout (5 failures in 15 minutes per userId, known or not) and at most 3 answers per sign-in.',
      },
    );
    this.endUserPoolClient = this.endUserPool.addClient('EndUserClient', {
      // A public client (browser, mobile, CLI): no secret, face sign-in (CUSTOM_AUTH) and refresh only.
      generateSecret: false,
      authFlows: { custom: true },
      disableOAuth: true,
      // Unknown usernames go through the triggers like known ones (userNotFound) and fail the same way.
      preventUserExistenceErrors: true,
      authSessionValidity: props.signInSessionValidity,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });

    this.identityPool = new IdentityPool(this, 'IdentityPool', {
      allowUnauthenticatedIdentities: true,
      authenticationProviders: {
        userPools: [new UserPoolAuthenticationProvider({ userPool: this.userPool, userPoolClient: this.userPoolClient })],
      },
    });
    Validations.of(this.identityPool).acknowledge({
      id: 'AwsSolutions-COG7',
      reason:
        'App clients (kiosks, mobile apps) call registerUser/authenticate before anyone is signed in: guest identities ' +
        'are the point. Their role may call only the app-client fields of the API (see the AppClientFields policy).',
    });
  }
}
