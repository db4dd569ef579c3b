import * as fs from 'fs';
import * as path from 'path';
import { Annotations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import type { HasuraOptions } from './hasura-options';
import { LoadedHasuraProject, readYaml } from './project-checks';
import { invalid } from '../private/validation';

/** What a project's metadata is held against. */
export interface MetadataCheckContext {
  /** The Hasura options the project is served with. */
  readonly options: HasuraOptions;
  /** The prop that gave the project, for error messages. */
  readonly prop: string;
  /** Names of the variables every Hasura task gets, the one that applies the project included. */
  readonly variables: string[];
  /** Where warnings go. */
  readonly scope: IConstruct;
  /** Seconds a request may stay silent in front of Hasura (the load balancer's idle timeout), if known. */
  readonly requestTimeoutSeconds?: number;
}

/** Hasura's own timeout of an action without `timeout` (`defaultActionTimeoutSecs`). */
export const DEFAULT_ACTION_TIMEOUT_SECONDS = 30;

/** A place in the metadata that reads the environment, for error messages. */
interface EnvironmentReference {
  readonly file: string;
  /** e.g. `action "publishPost" handler`. */
  readonly where: string;
  readonly name: string;
}

/** A header of an action, trigger or remote schema: a value (a template) or a variable's value. */
interface MetadataHeader {
  readonly name?: string;
  readonly value?: unknown;
  readonly value_from_env?: unknown;
}

/**
 * Holds a project's metadata against the platform that serves it: every environment variable the
 * metadata reads is one that Hasura's tasks get (else Hasura marks the action, trigger or remote schema
 * inconsistent, and the project fails its deploy-time check); the allow-list, when on, names
 * collections that exist; RESTified endpoints name stored queries and are routed.
 */
export function checkMetadataAgainstPlatform(project: LoadedHasuraProject, context: MetadataCheckContext): void {
  const metadataDirectory = path.join(project.directory, 'metadata');
  checkEnvironmentReferences(environmentReferences(project, metadataDirectory, context.prop), context);
  const collections = readQueryCollections(metadataDirectory, context.prop);
  if (context.options.allowList) {
    checkAllowList(metadataDirectory, collections, context.prop);
  }
  checkRestEndpoints(metadataDirectory, collections, context);
  checkActionTimeouts(path.join(metadataDirectory, 'actions.yaml'), context);
}

function actionsOf(actionsFile: string, prop: string): any[] {
  return listOf(optionalYaml(actionsFile, prop)?.actions, actionsFile, prop, 'actions');
}

/**
 * Warns about synchronous actions that may take longer than a request may stay silent in front of
 * Hasura: the load balancer answers 504 first, while Hasura and the route go on working.
 */
function checkActionTimeouts(actionsFile: string, context: MetadataCheckContext): void {
  const limit = context.requestTimeoutSeconds;
  if (limit === undefined) {
    return;
  }
  for (const action of actionsOf(actionsFile, context.prop)) {
    const timeout = action?.definition?.timeout ?? DEFAULT_ACTION_TIMEOUT_SECONDS;
    if (action?.definition?.kind !== 'asynchronous' && typeof timeout === 'number' && timeout >= limit) {
      Annotations.of(context.scope).addWarningV2('cdk-hasura-nextjs:actionTimeoutAboveIdleTimeout', 'The action'
        + ` ${JSON.stringify(action?.name)} may take ${timeout} seconds (its timeout${action?.definition?.timeout === undefined
          ? ', Hasura\'s default' : ''}), but the load balancer answers 504 after ${limit} silent seconds`
        + ` (loadBalancer.idleTimeout): give it a timeout below ${limit} in metadata/actions.yaml.`);
    }
  }
}

/** Every variable the metadata reads: `{{NAME}}` in URLs and header values, and `*_from_env` keys. */
function environmentReferences(project: LoadedHasuraProject, metadataDirectory: string, prop: string): EnvironmentReference[] {
  const references: EnvironmentReference[] = [];
  const add = (file: string, where: string, names: string[]) => {
    references.push(...names.map((name) => ({ file, where, name })));
  };

  const actionsFile = path.join(metadataDirectory, 'actions.yaml');
  for (const action of actionsOf(actionsFile, prop)) {
    const where = `action ${JSON.stringify(action?.name)}`;
    add(actionsFile, `${where} handler`, templateNames(action?.definition?.handler, actionsFile, prop));
    headerReferences(action?.definition?.headers, `${where} header`, actionsFile, prop, add);
  }

  for (const source of project.sources) {
    for (const table of source.tables) {
      for (const trigger of listOf(table.metadata.event_triggers, table.file, prop, 'event_triggers')) {
        const where = `event trigger ${JSON.stringify(trigger?.name)}`;
        add(table.file, `${where} webhook`, templateNames(trigger?.webhook, table.file, prop));
        add(table.file, `${where} webhook_from_env`, fromEnv(trigger?.webhook_from_env));
        headerReferences(trigger?.headers, `${where} header`, table.file, prop, add);
      }
    }
  }

  const cronFile = path.join(metadataDirectory, 'cron_triggers.yaml');
  for (const cron of listOf(optionalYaml(cronFile, prop), cronFile, prop, 'the file')) {
    const where = `cron trigger ${JSON.stringify(cron?.name)}`;
    add(cronFile, `${where} webhook`, templateNames(cron?.webhook, cronFile, prop));
    headerReferences(cron?.headers, `${where} header`, cronFile, prop, add);
  }

  const remoteFile = path.join(metadataDirectory, 'remote_schemas.yaml');
  for (const remote of listOf(optionalYaml(remoteFile, prop), remoteFile, prop, 'the file')) {
    const where = `remote schema ${JSON.stringify(remote?.name)}`;
    if (templateNames(remote?.definition?.url, remoteFile, prop).includes('NEXTJS_INTERNAL_URL')
      || remote?.definition?.url_from_env === 'NEXTJS_INTERNAL_URL') {
      invalid(prop, remoteFile, `The ${where} is served by the Next.js app inside the VPC. Hasura introspects a remote schema`
        + ' whenever it loads its metadata, and the one-off task that applies and checks the project has no Service Connect'
        + ' proxy (ECS runs one only in services), so the check would fail every deploy: serve the remote schema from a'
        + ' public URL, or use actions instead.');
    }
    add(remoteFile, `${where} url`, templateNames(remote?.definition?.url, remoteFile, prop));
    add(remoteFile, `${where} url_from_env`, fromEnv(remote?.definition?.url_from_env));
    headerReferences(remote?.definition?.headers, `${where} header`, remoteFile, prop, add);
  }
  return references;
}

function headerReferences(headers: unknown, where: string, file: string, prop: string,
  add: (file: string, where: string, names: string[]) => void): void {
  for (const header of listOf(headers, file, prop, 'headers') as MetadataHeader[]) {
    const named = `${where} ${JSON.stringify(header?.name)}`;
    const variable = header?.value_from_env;
    if (typeof variable === 'string' && variable.startsWith('HASURA_GRAPHQL_')) {
      invalid(prop, file, `The ${named} reads value_from_env ${variable}; Hasura refuses variables whose names start with`
        + ' HASURA_GRAPHQL_ there (they hold its own settings and secrets). Use HASURA_WEBHOOK_SECRET, which the platform'
        + ' gives every Hasura task, or a variable of your own.');
    }
    add(file, named, fromEnv(variable));
    add(file, named, templateNames(header?.value, file, prop));
  }
}

/** A `*_from_env` value as a list of names. */
function fromEnv(value: unknown): string[] {
  return typeof value === 'string' && value.length > 0 ? [value] : [];
}

/**
 * The variables `{{NAME}}` in a metadata string. Hasura takes everything between the braces as the
 * name, spaces included, so `{{ NAME }}` looks for a variable named " NAME ": refused here.
 */
function templateNames(value: unknown, file: string, prop: string): string[] {
  if (typeof value !== 'string') {
    return [];
  }
  const names: string[] = [];
  for (const match of value.matchAll(/\{\{(.*?)\}\}/g)) {
    const name = match[1];
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      invalid(prop, file, `${JSON.stringify(value)} has the template ${JSON.stringify(match[0])}; Hasura reads everything`
        + ' between the braces as the variable name, spaces included: write {{NAME}} with a variable name only.');
    }
    names.push(name);
  }
  return names;
}

function checkEnvironmentReferences(references: EnvironmentReference[], context: MetadataCheckContext): void {
  const given = new Set(context.variables);
  for (const reference of references) {
    if (!given.has(reference.name)) {
      const offered = context.variables.filter((name) => name === 'NEXTJS_INTERNAL_URL' || name === 'HASURA_WEBHOOK_SECRET');
      invalid(context.prop, reference.file, `The ${reference.where} reads the environment variable ${reference.name},`
        + ' which Hasura\'s tasks do not get, so Hasura would mark it inconsistent and the deploy would fail: pass it in'
        + ` hasura.environment (or hasura.secrets for a secret)${offered.length > 0 ? `, or use what the platform sets: ${offered.join(', ')}` : ''}.`);
    }
  }
}

/** Query collection name to the names of its queries, from `metadata/query_collections.yaml`. */
function readQueryCollections(metadataDirectory: string, prop: string): Map<string, Set<string>> {
  const file = path.join(metadataDirectory, 'query_collections.yaml');
  const collections = new Map<string, Set<string>>();
  for (const collection of listOf(optionalYaml(file, prop), file, prop, 'the file')) {
    const queries = listOf(collection?.definition?.queries, file, prop, `collection ${JSON.stringify(collection?.name)}`);
    collections.set(String(collection?.name), new Set(queries.map((query: any) => String(query?.name))));
  }
  return collections;
}

function checkAllowList(metadataDirectory: string, collections: Map<string, Set<string>>, prop: string): void {
  const file = path.join(metadataDirectory, 'allow_list.yaml');
  const entries = listOf(optionalYaml(file, prop), file, prop, 'the file');
  if (entries.length === 0) {
    invalid('hasura.allowList', true, 'The project\'s metadata/allow_list.yaml lists no query collection, so Hasura would'
      + ' refuse every operation but the admin\'s: list the collections of allowed operations there, or turn allowList off.');
  }
  for (const entry of entries) {
    const name = entry?.collection;
    if (!collections.has(String(name))) {
      invalid(prop, file, `It allows the query collection ${JSON.stringify(name)}, which metadata/query_collections.yaml does not`
        + ` define (it defines ${[...collections.keys()].map((c) => JSON.stringify(c)).join(', ') || 'none'}).`);
    }
    if (entry?.scope?.global === false) {
      invalid(prop, file, `It allows the query collection ${JSON.stringify(name)} for some roles only; Hasura's free edition`
        + ' ignores role-based allow-list entries, so those operations would be refused: use `scope: { global: true }`.');
    }
  }
}

function checkRestEndpoints(metadataDirectory: string, collections: Map<string, Set<string>>, context: MetadataCheckContext): void {
  const file = path.join(metadataDirectory, 'rest_endpoints.yaml');
  const endpoints = listOf(optionalYaml(file, context.prop), file, context.prop, 'the file');
  for (const endpoint of endpoints) {
    const query = endpoint?.definition?.query;
    if (!collections.get(String(query?.collection_name))?.has(String(query?.query_name))) {
      invalid(context.prop, file, `The REST endpoint ${JSON.stringify(endpoint?.name)} serves the query`
        + ` ${JSON.stringify(query?.query_name)} of the collection ${JSON.stringify(query?.collection_name)}, which`
        + ' metadata/query_collections.yaml does not define.');
    }
  }
  if (endpoints.length > 0 && !context.options.restifiedEndpoints) {
    Annotations.of(context.scope).addWarningV2('cdk-hasura-nextjs:restEndpointsNotRouted', 'The Hasura project defines'
      + ` ${endpoints.length} REST endpoint(s) in metadata/rest_endpoints.yaml, but /api/rest/* goes to Next.js: set`
      + ' hasura.restifiedEndpoints to route it to Hasura.');
  }
}

/** A metadata file's content, or undefined when the project does not have it. */
function optionalYaml(file: string, prop: string): any {
  return fs.existsSync(file) ? readYaml(file, prop, '') : undefined;
}

/** `value` as a list; an absent value is an empty one. */
function listOf(value: unknown, file: string, prop: string, what: string): any[] {
  if (value === undefined || value === null) {
    return [];
  }
  if (!Array.isArray(value)) {
    invalid(prop, file, `In it, ${what} must be a YAML list.`);
  }
  return value;
}
