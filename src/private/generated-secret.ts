import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledgeNoRotation } from './acknowledge';

/** A random 48-character value without punctuation, safe in headers, URLs and JSON. */
export const RANDOM_TOKEN: secretsmanager.SecretStringGenerator = { passwordLength: 48, excludePunctuation: true };

/** Creates a secret whose value Secrets Manager generates at deploy time, so it never is in the template. */
export function generatedSecret(scope: Construct, id: string, description: string,
  generateSecretString: secretsmanager.SecretStringGenerator, encryptionKey?: kms.IKey): secretsmanager.Secret {
  const secret = new secretsmanager.Secret(scope, id, { description, generateSecretString, encryptionKey });
  acknowledgeNoRotation(secret);
  return secret;
}
