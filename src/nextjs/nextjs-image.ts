import * as fs from 'fs';
import * as path from 'path';
import { DockerBuildSecret } from 'aws-cdk-lib';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { invalid, isToken } from '../private/validation';

/** How `NextjsImage.fromDirectory` builds a Next.js app. */
export interface NextjsImageOptions {
  /**
   * The public GraphQL URL browsers call, passed as the build argument
   * `NEXT_PUBLIC_HASURA_GRAPHQL_URL` (`next build` inlines `NEXT_PUBLIC_*` values into browser code),
   * e.g. `https://example.com/v1/graphql`.
   *
   * @default - not passed
   */
  readonly publicGraphqlUrl?: string;

  /**
   * An id of this build, passed as the build argument `DEPLOYMENT_ID` for `deploymentId` in
   * `next.config.js`, e.g. the commit's hash. Next.js adds it to asset URLs and reloads a browser
   * that still runs an older build instead of mixing the two builds' code.
   *
   * @default - not passed
   */
  readonly deploymentId?: string;

  /**
   * A file holding `NEXT_SERVER_ACTIONS_ENCRYPTION_KEY` (base64 of 32 random bytes, e.g. from
   * `openssl rand -base64 32`), outside the repository, passed to the build as the BuildKit secret
   * `server_actions_key`: it is in no template, no build argument and no image layer. The same key in
   * every build lets the tasks of a new build decrypt the Server Action references that pages of the
   * old build hold during a rolling deploy.
   *
   * @default - Next.js generates a new key in every build; Server Actions of pages rendered by the
   * previous build fail during a rolling deploy
   */
  readonly serverActionsKeyFile?: string;

  /**
   * The platform to build for; match the service's `cpuArchitecture`.
   *
   * @default Platform.LINUX_AMD64
   */
  readonly platform?: Platform;
}

/** The BuildKit secret id under which a Dockerfile reads the Server Actions key. */
export const SERVER_ACTIONS_KEY_SECRET_ID = 'server_actions_key';

/**
 * Builds a Next.js app's image the way the platform expects it: the Dockerfile in `directory` gets the
 * public GraphQL URL and the deployment id as build arguments, and the Server Actions key as a build
 * secret (`RUN --mount=type=secret,id=server_actions_key`), never as a value in the template.
 * `examples/nextjs-app/Dockerfile` is such a Dockerfile.
 */
export class NextjsImage {
  /** The image of the Next.js app in `directory`, built by `cdk deploy` (synth needs no Docker). */
  public static fromDirectory(directory: string, options: NextjsImageOptions = {}): ecs.ContainerImage {
    if (!fs.existsSync(path.join(directory, 'Dockerfile'))) {
      invalid('directory', directory, 'It must hold the Next.js app and its Dockerfile.');
    }
    const keyFile = options.serverActionsKeyFile;
    if (keyFile !== undefined) {
      if (isToken(keyFile) || !fs.existsSync(keyFile) || !fs.statSync(keyFile).isFile()) {
        invalid('serverActionsKeyFile', keyFile, 'Name an existing file that holds the key (openssl rand -base64 32 > file).');
      }
      const key = fs.readFileSync(keyFile, 'utf8').trim();
      if (Buffer.from(key, 'base64').length !== 32) {
        invalid('serverActionsKeyFile', keyFile, 'It must hold base64 of exactly 32 bytes (openssl rand -base64 32).');
      }
      if (path.resolve(keyFile).startsWith(path.resolve(directory) + path.sep)) {
        invalid('serverActionsKeyFile', keyFile, 'It is inside the build context, from which COPY would put it into the image:'
          + ' keep it outside the app\'s directory.');
      }
    }
    const buildArgs: { [name: string]: string } = {};
    if (options.publicGraphqlUrl !== undefined) {
      buildArgs.NEXT_PUBLIC_HASURA_GRAPHQL_URL = options.publicGraphqlUrl;
    }
    if (options.deploymentId !== undefined) {
      if (isToken(options.deploymentId) || !/^[A-Za-z0-9._-]{1,64}$/.test(options.deploymentId)) {
        invalid('deploymentId', options.deploymentId, 'Use 1 to 64 letters, digits, ".", "_" and "-" known at synth time, e.g. a commit hash.');
      }
      buildArgs.DEPLOYMENT_ID = options.deploymentId;
    }
    return ecs.ContainerImage.fromAsset(directory, {
      buildArgs,
      buildSecrets: keyFile === undefined ? undefined : { [SERVER_ACTIONS_KEY_SECRET_ID]: DockerBuildSecret.fromSrc(path.resolve(keyFile)) },
      platform: options.platform,
    });
  }

  private constructor() {}
}
