import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** A minimal valid Hasura project: one database, one table, one migration. */
export const VALID_PROJECT: { [file: string]: string | undefined } = {
  'config.yaml': 'version: 3\nendpoint: http://localhost:8080\n',
  'metadata/version.yaml': 'version: 3\n',
  'metadata/databases/databases.yaml': [
    '- name: default',
    '  kind: postgres',
    '  configuration:',
    '    connection_info:',
    '      database_url:',
    '        from_env: HASURA_GRAPHQL_DATABASE_URL',
    '      pool_settings:',
    '        max_connections: 10',
    '  tables: "!include default/tables/tables.yaml"',
    '',
  ].join('\n'),
  'metadata/databases/default/tables/tables.yaml': '- "!include public_notes.yaml"\n',
  'metadata/databases/default/tables/public_notes.yaml': 'table:\n  name: notes\n  schema: public\n',
  'migrations/default/1700000000000_init/up.sql': 'CREATE TABLE public.notes (id int PRIMARY KEY);\n',
  'migrations/default/1700000000000_init/down.sql': 'DROP TABLE public.notes;\n',
};

const created: string[] = [];

/** Writes `VALID_PROJECT` with `changes` (undefined deletes a file) into a new temp directory. */
export function writeProject(changes: { [file: string]: string | undefined } = {}): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'hasura-project-'));
  created.push(directory);
  for (const [file, content] of Object.entries({ ...VALID_PROJECT, ...changes })) {
    const target = path.join(directory, file);
    if (content === undefined) {
      continue;
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
  return directory;
}

/** Removes every directory `writeProject` created. */
export function removeProjects(): void {
  for (const directory of created.splice(0)) {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}
