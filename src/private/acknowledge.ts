import { Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Records, on `scope` and so on every resource under it, that compliance rules `ids` were reviewed
 * and do not apply, with the reason. Rule packs such as cdk-nag read these through aws-cdk-lib's
 * `Validations` API; the platform itself never depends on a rule pack.
 */
export function acknowledge(scope: IConstruct, reason: string, ...ids: string[]): void {
  // aws-cdk-lib records a call stack with every acknowledgement. Nothing reads it here (the reason says
  // why), and where source maps are loaded (ts-node, jest) building it was over a tenth of a platform's
  // construction time, so the stack is recorded empty.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    Validations.of(scope).acknowledge(...ids.map((id) => ({ id, reason })));
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/** The same rule in the NIST 800-53 rev 5 and HIPAA Security packs. */
export function nistAndHipaa(rule: string): string[] {
  return [`NIST.800.53.R5-${rule}`, `HIPAA.Security-${rule}`];
}

/** Why secrets the platform generates are not rotated automatically. */
export const NO_ROTATION_REASON = 'Read once when a task starts; a rotation is only safe together with a new'
  + ' deployment of the services that read it, so rotation is left to the operator (rotate, then redeploy).';

/** Acknowledges the automatic-rotation rules of every pack on a generated secret. */
export function acknowledgeNoRotation(secret: IConstruct, reason: string = NO_ROTATION_REASON): void {
  acknowledge(secret, reason, 'AwsSolutions-SMG4', ...nistAndHipaa('SecretsManagerRotationEnabled'));
}

/**
 * A value as the rule packs print it in a finding's id: references and attributes as `<Name>` and
 * `<Logical.Attribute>`, joins flattened (`arn:<AWS::Partition>:rds:us-east-1:<AWS::AccountId>:db:*`).
 */
export function asFindingText(scope: IConstruct, value: string): string {
  return render(Stack.of(scope).resolve(value));
}

function render(value: any): string {
  if (typeof value === 'string') {
    return value;
  }
  if (value?.Ref !== undefined) {
    return `<${value.Ref}>`;
  }
  if (value?.['Fn::GetAtt'] !== undefined) {
    return `<${value['Fn::GetAtt'].join('.')}>`;
  }
  if (value?.['Fn::Join'] !== undefined) {
    const [separator, parts] = value['Fn::Join'];
    return parts.map(render).join(separator);
  }
  throw new Error(`Cannot render ${JSON.stringify(value)} as the rule packs do.`);
}
