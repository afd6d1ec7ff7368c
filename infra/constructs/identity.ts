import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { IdentityPool, UserPoolAuthenticationProvider } from 'aws-cdk-lib/aws-cognito-identitypool';
import { Construct } from 'constructs';
import { ADMIN_GROUP } from '../../functions/lib/contract';


/**
 * Who may call the API besides API-key holders: admins sign in to the user pool (group
 * `admins`, MFA required) and call the admin fields with their ID token; app clients get AWS
 * credentials from the identity pool (guest or signed in) whose roles the stack allows onto the
 * app-client fields only.
 */
export class Identity extends Construct {
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  readonly identityPool: IdentityPool;

  constructor(scope: Construct, id: string) {
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
