import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Construct } from 'constructs';
import { cliMigrationsImage, DEFAULT_HASURA_VERSION, HASURA_VERSION, hasuraEngineImage } from '../hasura/engine-image';
import { HasuraOptions } from '../hasura/hasura-options';
import { loadHasuraProject } from '../hasura/project-checks';
import { invalid } from '../private/validation';

/**
 * A container image of the platform that a `PlatformRecoveryRegion` publishes to its own region ahead
 * of a failover. CDK publishes an image asset to the bootstrap repository of the region of each stack
 * that uses it, under its content hash; a platform deployed in the recovery region later, from the same
 * sources and options, finds its images there already and builds and pulls nothing (no Docker Hub, no
 * npm, no build machine of the failed region).
 */
export abstract class RecoveryImage {
  /**
   * An image built from `directory` with `options`: give exactly what the platform's
   * `ecs.ContainerImage.fromAsset(directory, options)` gets (the Next.js image), so the two are one asset.
   */
  public static fromAsset(directory: string, options: ecrAssets.DockerImageAssetOptions = {}): RecoveryImage {
    return new AssetRecoveryImage((scope, id) => new ecrAssets.DockerImageAsset(scope, id, { ...options, directory }));
  }

  /**
   * The Hasura engine image the platform builds for these Hasura options: give the platform's own
   * `hasura` options (their `engineVersion`, `cpuArchitecture` and `project` decide the image).
   */
  public static hasuraEngine(options: HasuraOptions = {}): RecoveryImage {
    if (options.image) {
      invalid('hasura.image', 'an image of your own', 'The platform builds no engine image when hasura.image is set:'
        + ' publish that image with RecoveryImage.fromAsset instead.');
    }
    const version = options.engineVersion ?? DEFAULT_HASURA_VERSION;
    if (!HASURA_VERSION.test(version)) {
      invalid('hasura.engineVersion', version, 'Use a Hasura v2 release tag such as "v2.51.3".');
    }
    const architecture = options.cpuArchitecture ?? ecs.CpuArchitecture.X86_64;
    const project = options.project ? loadHasuraProject(options.project, 'hasura.project') : undefined;
    return new AssetRecoveryImage((scope, id) => {
      const { context } = hasuraEngineImage(scope, cliMigrationsImage(version), architecture, project);
      // The build options of the platform's own engine asset, so that both have one content hash.
      const platform = architecture._cpuArchitecture === ecs.CpuArchitecture.ARM64._cpuArchitecture
        ? ecrAssets.Platform.LINUX_ARM64 : ecrAssets.Platform.LINUX_AMD64;
      return new ecrAssets.DockerImageAsset(scope, id, { directory: context.directory, platform });
    });
  }

  /**
   * Declares the image asset under `scope`, in the recovery region's stack.
   *
   * @internal
   */
  public abstract _publish(scope: Construct, id: string): ecrAssets.DockerImageAsset;
}

class AssetRecoveryImage extends RecoveryImage {
  constructor(private readonly declare: (scope: Construct, id: string) => ecrAssets.DockerImageAsset) {
    super();
  }

  public _publish(scope: Construct, id: string): ecrAssets.DockerImageAsset {
    return this.declare(scope, id);
  }
}
