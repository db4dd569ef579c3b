import * as path from 'path';

/**
 * A Hasura project directory as `hasura init` lays it out: `config.yaml`, `metadata/` (config v3
 * layout), `migrations/<database>/<timestamp>_<name>/up.sql` and `seeds/`. Its metadata and migrations
 * are checked at synth time and applied on every deployment; `seeds/` is never applied.
 */
export class HasuraProject {
  /**
   * The project in `directory` (relative paths resolve against the current working directory, which is
   * the CDK app's directory when `cdk synth` runs it).
   */
  public static fromDirectory(directory: string): HasuraProject {
    return new HasuraProject(path.resolve(directory));
  }

  /** Absolute path of the project directory. */
  public readonly directory: string;

  private constructor(directory: string) {
    this.directory = directory;
  }
}
