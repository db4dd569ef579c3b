import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { HasuraProject } from './project';
import { invalid } from '../private/validation';

/** A database (Hasura "source") of a project's `metadata/databases/databases.yaml`. */
export interface HasuraProjectSource {
  readonly name: string;
  /** `configuration.connection_info.pool_settings.max_connections`; undefined when absent. */
  readonly maxConnections?: number;
  /** Environment variable the source reads its URL from (`database_url.from_env`). */
  readonly databaseUrlFromEnv: string;
  /** Tables tracked for this source, from its `!include`d table files. */
  readonly tables: HasuraProjectTable[];
}

/** A tracked table and the metadata file that describes it. */
export interface HasuraProjectTable {
  readonly schema: string;
  readonly name: string;
  /** The parsed table metadata (relationships, permissions...). */
  readonly metadata: { [key: string]: any };
  readonly file: string;
}

/** One migration folder, `migrations/<database>/<version>_<name>/`. */
export interface HasuraProjectMigration {
  readonly database: string;
  readonly version: string;
  readonly name: string;
  readonly directory: string;
}

/** A project read and checked at synth time. */
export interface LoadedHasuraProject {
  readonly directory: string;
  readonly databasesFile: string;
  readonly sources: HasuraProjectSource[];
  /** Migrations per database, in the order Hasura applies them (by version). */
  readonly migrations: HasuraProjectMigration[];
  /** Whether the project has a `migrations/` directory. */
  readonly hasMigrations: boolean;
}

/** What `hasura init` creates, for error messages. */
const LAYOUT = 'A Hasura project directory is what `hasura init` creates (config version 3): config.yaml, metadata/, migrations/.';

/** `<version>_<name>`, as `hasura migrate create` names folders (version: a millisecond timestamp). */
const MIGRATION_FOLDER = /^(\d+)_(.+)$/;

/**
 * Reads a Hasura project and checks what can be checked without a database: the directory exists;
 * `metadata/version.yaml` says version 3; `metadata/databases/databases.yaml` lists databases with a
 * name, a URL read from the environment and well-formed pool settings; every `!include`d file exists;
 * every folder under `migrations/` is a listed database whose folders are `<version>_<name>` with an
 * `up.sql`, each version once. Errors name `prop`, the offending path and what is allowed.
 */
export function loadHasuraProject(project: HasuraProject, prop: string): LoadedHasuraProject {
  const directory = project.directory;
  if (!isDirectory(directory)) {
    invalid(prop, directory, `The directory does not exist. ${LAYOUT}`);
  }
  checkConfig(directory, prop);
  checkTopLevelFolders(directory, prop);
  const metadataDirectory = path.join(directory, 'metadata');
  if (!isDirectory(metadataDirectory)) {
    invalid(prop, metadataDirectory, `The project has no metadata/ directory. ${LAYOUT}`);
  }
  const versionFile = path.join(metadataDirectory, 'version.yaml');
  const version = readYaml(versionFile, prop, 'metadata/version.yaml must exist and say `version: 3` (Hasura metadata format v3).');
  if (version?.version !== 3) {
    invalid(prop, versionFile, `It says version ${JSON.stringify(version?.version)}; only metadata format \`version: 3\` is supported (upgrade with \`hasura scripts update-project-v3\`).`);
  }
  const databasesFile = path.join(metadataDirectory, 'databases', 'databases.yaml');
  const databases = readYaml(databasesFile, prop, 'metadata/databases/databases.yaml must list the databases (Hasura metadata v3 layout).');
  if (!Array.isArray(databases)) {
    invalid(prop, databasesFile, 'It must be a YAML list of databases, each with `name`, `kind` and `configuration`.');
  }
  const sources = databases.map((database: unknown, index: number) => readSource(database, index, databasesFile, prop));
  const names = sources.map((s) => s.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined) {
    invalid(prop, databasesFile, `It lists the database "${duplicate}" twice; each name must be unique.`);
  }
  const migrationsDirectory = path.join(directory, 'migrations');
  const hasMigrations = isDirectory(migrationsDirectory);
  const migrations = hasMigrations ? readMigrations(migrationsDirectory, names, prop) : [];
  return { directory, databasesFile, sources, migrations, hasMigrations };
}

/**
 * Throws when a database of the project may open more connections per Hasura task than the platform's
 * per-task budget `poolSizePerTask`. A database without `max_connections` gets Hasura's default (50),
 * which is held to the budget too.
 */
export function checkPoolSettings(project: LoadedHasuraProject, poolSizePerTask: number, prop: string): void {
  for (const source of project.sources) {
    const maxConnections = source.maxConnections ?? HASURA_DEFAULT_MAX_CONNECTIONS;
    if (maxConnections > poolSizePerTask) {
      const given = source.maxConnections === undefined
        ? `has no pool_settings.max_connections, so Hasura uses its default of ${HASURA_DEFAULT_MAX_CONNECTIONS}`
        : `sets pool_settings.max_connections to ${maxConnections}`;
      invalid(prop, project.databasesFile, `The database "${source.name}" ${given}, but each Hasura task may open at most `
        + `${poolSizePerTask} connections (the database's max_connections shared by all tasks). `
        + `Set configuration.connection_info.pool_settings.max_connections to ${poolSizePerTask} or less.`);
    }
  }
}

/** Hasura's `pool_settings.max_connections` when a source does not set it. */
export const HASURA_DEFAULT_MAX_CONNECTIONS = 50;

/**
 * The folders `hasura init` creates. Any other folder is refused: a misspelt `migration/` would
 * otherwise be left out silently, and the database would never get its tables.
 */
const PROJECT_FOLDERS = ['metadata', 'migrations', 'seeds'];

function checkTopLevelFolders(directory: string, prop: string): void {
  for (const entry of visibleEntries(directory)) {
    const folder = path.join(directory, entry);
    if (isDirectory(folder) && !PROJECT_FOLDERS.includes(entry)) {
      const guess = PROJECT_FOLDERS.find((known) => known.startsWith(entry.toLowerCase()) || entry.toLowerCase().startsWith(known));
      invalid(prop, folder, `A Hasura project holds only the folders ${PROJECT_FOLDERS.map((f) => `${f}/`).join(', ')} `
        + `(and config.yaml)${guess ? `; did you mean ${guess}/?` : '.'} The platform applies metadata/ and migrations/ and `
        + 'nothing else, so move other folders out of the project.');
    }
  }
}

function checkConfig(directory: string, prop: string): void {
  const configFile = path.join(directory, 'config.yaml');
  const config = readYaml(configFile, prop, `The project has no config.yaml. ${LAYOUT}`);
  if (config?.version !== 3) {
    invalid(prop, configFile, `It says version ${JSON.stringify(config?.version)}; only config \`version: 3\` projects are supported.`);
  }
}

function readSource(database: any, index: number, file: string, prop: string): HasuraProjectSource {
  const where = `database #${index + 1}`;
  if (typeof database?.name !== 'string' || !/^[A-Za-z0-9_-]+$/.test(database.name)) {
    invalid(prop, file, `The ${where} needs a \`name\` of letters, digits, "_" and "-".`);
  }
  const name: string = database.name;
  if (database.kind !== 'postgres') {
    invalid(prop, file, `The database "${name}" is of kind ${JSON.stringify(database.kind)}; only \`kind: postgres\` is supported.`);
  }
  const connection = database.configuration?.connection_info;
  const fromEnv = databaseUrlFromEnv(connection?.database_url, name, file, prop);
  const maxConnections = connection?.pool_settings?.max_connections;
  if (maxConnections !== undefined && (!Number.isInteger(maxConnections) || maxConnections < 1)) {
    invalid(prop, file, `The database "${name}" sets pool_settings.max_connections to ${JSON.stringify(maxConnections)}; use a whole number of at least 1.`);
  }
  const tables = readTables(database.tables, path.dirname(file), name, prop);
  return { name, maxConnections, databaseUrlFromEnv: fromEnv, tables };
}

/** The forms of `database_url` that Hasura reads (Hasura's metadata API reference, PGSourceConnectionInfo). */
const DATABASE_URL_FORMS = ['a URL string', '{ from_env: <variable> }', '{ connection_parameters: ... }', '{ dynamic_from_file: <path> }'];

/** What the platform sets: every source reads its URL from the environment. */
const FROM_ENV_EXAMPLE = '`database_url: { from_env: HASURA_GRAPHQL_DATABASE_URL }` (set by the platform)';

/** The environment variable a source's `database_url` names, or an error saying which form was found. */
function databaseUrlFromEnv(url: unknown, name: string, file: string, prop: string): string {
  const fromEnv = typeof url === 'object' && url !== null ? (url as { from_env?: unknown }).from_env : undefined;
  if (typeof fromEnv === 'string' && fromEnv.length > 0) {
    return fromEnv;
  }
  const database = `The database "${name}"`;
  if (typeof url === 'string') {
    invalid(prop, file, `${database} has its URL written into the project, which would ship its password in the image; use ${FROM_ENV_EXAMPLE}.`);
  }
  const keys = typeof url === 'object' && url !== null && !Array.isArray(url) ? Object.keys(url) : [];
  if (keys.includes('from_env')) {
    invalid(prop, file, `${database} sets database_url.from_env to ${JSON.stringify(fromEnv)}; it must name an environment variable: ${FROM_ENV_EXAMPLE}.`);
  }
  if (keys.length === 1 && ['connection_parameters', 'dynamic_from_file'].includes(keys[0])) {
    invalid(prop, file, `${database} sets database_url.${keys[0]}, which the platform does not support: it hands Hasura the database's URL, built from the rotating credentials, in the environment. Use ${FROM_ENV_EXAMPLE}.`);
  }
  const found = url === undefined || url === null ? 'no configuration.connection_info.database_url'
    : `a database_url of ${JSON.stringify(url)}`;
  invalid(prop, file, `${database} has ${found}, which is not one of Hasura's forms (${DATABASE_URL_FORMS.join(', ')}); `
    + `the platform needs ${FROM_ENV_EXAMPLE}.`);
}

function readTables(tables: unknown, baseDirectory: string, database: string, prop: string): HasuraProjectTable[] {
  if (tables === undefined || tables === null) {
    return [];
  }
  const included = asInclude(tables);
  const tablesFile = included ? included.resolve(baseDirectory, prop) : undefined;
  const list = tablesFile ? readYaml(tablesFile, prop, 'An !include names a file that must exist.') : tables;
  if (!Array.isArray(list)) {
    invalid(prop, tablesFile ?? baseDirectory, `The tables of database "${database}" must be a YAML list.`);
  }
  const listDirectory = tablesFile ? path.dirname(tablesFile) : baseDirectory;
  return list.map((entry: unknown) => {
    const include = asInclude(entry);
    const file = include ? include.resolve(listDirectory, prop) : tablesFile ?? baseDirectory;
    const metadata = include ? readYaml(file, prop, 'An !include names a file that must exist.') : entry;
    const table = metadata?.table;
    if (typeof table?.name !== 'string') {
      invalid(prop, file, 'A table entry needs `table: { name: ..., schema: ... }`.');
    }
    return { schema: table.schema ?? 'public', name: table.name, metadata, file };
  });
}

function readMigrations(directory: string, databases: string[], prop: string): HasuraProjectMigration[] {
  const migrations: HasuraProjectMigration[] = [];
  for (const database of visibleEntries(directory)) {
    const databaseDirectory = path.join(directory, database);
    if (!isDirectory(databaseDirectory)) {
      invalid(prop, databaseDirectory, 'migrations/ holds one directory per database (`migrations/<database>/`), nothing else.');
    }
    if (!databases.includes(database)) {
      invalid(prop, databaseDirectory, `There is no database "${database}" in metadata/databases/databases.yaml; `
        + `migrations/ may hold only folders of listed databases: ${databases.map((d) => `"${d}"`).join(', ') || 'none listed'}.`);
    }
    const versions = new Map<string, string>();
    for (const folder of visibleEntries(databaseDirectory)) {
      const migrationDirectory = path.join(databaseDirectory, folder);
      const match = MIGRATION_FOLDER.exec(folder);
      if (!match || !isDirectory(migrationDirectory)) {
        invalid(prop, migrationDirectory, 'Each migration is a folder `<timestamp>_<name>` (as `hasura migrate create` makes it), e.g. `1700000000000_init`.');
      }
      if (!fs.existsSync(path.join(migrationDirectory, 'up.sql'))) {
        invalid(prop, migrationDirectory, 'Each migration folder needs an up.sql (and should have a down.sql).');
      }
      const earlier = versions.get(match[1]);
      if (earlier !== undefined) {
        invalid(prop, migrationDirectory, `Its version ${match[1]} is also the version of ${earlier}; each version may be used once per database.`);
      }
      versions.set(match[1], folder);
      migrations.push({ database, version: match[1], name: match[2], directory: migrationDirectory });
    }
  }
  return migrations.sort((a, b) => a.database.localeCompare(b.database) || compareVersions(a.version, b.version));
}

function compareVersions(a: string, b: string): number {
  return a.length - b.length || a.localeCompare(b);
}

/** Names in a directory, sorted, without dot files such as `.gitkeep`. */
export function visibleEntries(directory: string): string[] {
  return fs.readdirSync(directory).filter((name) => !name.startsWith('.')).sort();
}

function isDirectory(file: string): boolean {
  return fs.existsSync(file) && fs.statSync(file).isDirectory();
}

/** A `!include <file>` of Hasura's metadata, resolved against the including file's directory. */
class Include {
  constructor(private readonly target: string) {}

  resolve(baseDirectory: string, prop: string): string {
    const file = path.resolve(baseDirectory, this.target);
    if (!fs.existsSync(file)) {
      invalid(prop, file, `It is named by \`!include ${this.target}\` in ${baseDirectory}, but does not exist.`);
    }
    return file;
  }
}

/**
 * The include a value stands for: Hasura writes includes as quoted strings (`"!include file.yaml"`), and
 * also reads the bare `!include file.yaml` tag.
 */
function asInclude(value: unknown): Include | undefined {
  if (value instanceof Include) {
    return value;
  }
  const match = typeof value === 'string' ? /^!include\s+(\S.*)$/.exec(value) : null;
  return match ? new Include(match[1].trim()) : undefined;
}

const INCLUDE_TAG: YAML.ScalarTag = {
  tag: '!include',
  resolve: (value: string) => new Include(value) as any,
};

/** Parses a YAML file (with Hasura's `!include` tag), or throws naming `prop` and the file. */
export function readYaml(file: string, prop: string, whenMissing: string): any {
  if (!fs.existsSync(file)) {
    invalid(prop, file, `The file does not exist. ${whenMissing}`);
  }
  const document = YAML.parseDocument(fs.readFileSync(file, 'utf8'), { customTags: [INCLUDE_TAG] });
  if (document.errors.length > 0) {
    invalid(prop, file, `It is not valid YAML: ${document.errors[0].message.split('\n')[0]}`);
  }
  return document.toJS();
}
