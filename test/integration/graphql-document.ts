// Just enough of a GraphQL parser to read the operations of a Hasura project's query collections: the
// operation's type and name, and its fields with their arguments and sub-selections. No fragments or
// directives: the documents read with it use neither, and it fails on them rather than guess.

/** An argument value: a variable (`{ variable: name }`), an object, a list, or a literal as written. */
export type GraphqlValue = { variable: string } | { [name: string]: GraphqlValue } | GraphqlValue[] | string;

export interface GraphqlField {
  readonly name: string;
  readonly args: { [name: string]: GraphqlValue };
  readonly selections: GraphqlField[];
}

export interface GraphqlOperation {
  readonly type: 'query' | 'mutation' | 'subscription';
  readonly name?: string;
  readonly selections: GraphqlField[];
}

const TOKEN = /\s+|,|#[^\n]*|("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[A-Za-z_][A-Za-z0-9_]*|\.\.\.|[{}()[\]:$!=@])/g;

export function parseOperation(document: string): GraphqlOperation {
  const tokens = [...document.matchAll(TOKEN)].map((match) => match[1]).filter((token): token is string => token !== undefined);
  let position = 0;
  const peek = () => tokens[position];
  const next = () => {
    if (position >= tokens.length) {
      throw new Error(`Unexpected end of GraphQL document: ${document}`);
    }
    return tokens[position++];
  };
  const expect = (token: string) => {
    const found = next();
    if (found !== token) {
      throw new Error(`Expected "${token}" but found "${found}" in: ${document}`);
    }
  };

  const value = (): GraphqlValue => {
    const token = next();
    if (token === '$') {
      return { variable: next() };
    }
    if (token === '{') {
      const object: { [name: string]: GraphqlValue } = {};
      while (peek() !== '}') {
        const name = next();
        expect(':');
        object[name] = value();
      }
      next();
      return object;
    }
    if (token === '[') {
      const list: GraphqlValue[] = [];
      while (peek() !== ']') {
        list.push(value());
      }
      next();
      return list;
    }
    return token;
  };

  const selectionSet = (): GraphqlField[] => {
    expect('{');
    const fields: GraphqlField[] = [];
    while (peek() !== '}') {
      if (peek() === '...' || peek() === '@') {
        throw new Error(`Fragments and directives are not supported: ${document}`);
      }
      let name = next();
      if (peek() === ':') { // an alias: the field is the name after it
        next();
        name = next();
      }
      const args: { [name: string]: GraphqlValue } = {};
      if (peek() === '(') {
        next();
        while (peek() !== ')') {
          const argument = next();
          expect(':');
          args[argument] = value();
        }
        next();
      }
      fields.push({ name, args, selections: peek() === '{' ? selectionSet() : [] });
    }
    next();
    return fields;
  };

  const type = peek() === '{' ? 'query' : next();
  if (type !== 'query' && type !== 'mutation' && type !== 'subscription') {
    throw new Error(`Not an operation: ${document}`);
  }
  const name = peek() !== '{' && peek() !== '(' ? next() : undefined;
  if (peek() === '(') { // variable definitions
    while (next() !== ')') {
      // skipped: the operation's variables are not checked
    }
  }
  const selections = selectionSet();
  if (position !== tokens.length) {
    throw new Error(`One operation per document expected: ${document}`);
  }
  return { type, name, selections };
}
