import { Document, Scalar, visit, type ScalarTag } from 'yaml';

/**
 * What a plain scalar can mean besides a string to the readers of what berth writes: berth reads its spec
 * as YAML 1.2 (`0o17` is 15), docker-compose 1.29's PyYAML as YAML 1.1 (`yes` is true, `017` is 15, `<<`
 * a merge key), Compose v2's go-yaml as a mix of both. PyYAML also takes a lone `=` for its `value` tag,
 * which it cannot construct.
 */
const NOT_A_STRING: RegExp[] = [
  ...['1.1', '1.2'].flatMap((version) => new Document(null, { version: version as '1.1' | '1.2', merge: true }).schema.tags),
]
  .filter((tag): tag is ScalarTag => 'test' in tag && !!tag.default && tag.test instanceof RegExp && tag.tag !== 'tag:yaml.org,2002:str')
  .map((tag) => tag.test!)
  .concat(/^=$/);

/** Would some reader (YAML 1.1 or 1.2) take this text, written plain, for something other than this string? */
export function plainIsAmbiguous(text: string): boolean {
  return NOT_A_STRING.some((test) => test.test(text));
}

/**
 * `value` as YAML that every reader takes as it is: a string any of them would read as a number, boolean,
 * null, date or merge key is quoted, keys included. `header` becomes the comment at the top.
 */
export function writeYaml(value: unknown, header: string): string {
  // Written under 1.2 rules plus the quoting above: the library's 1.1 writer leaves a `<<` plain whatever it is told.
  const doc = new Document(value, { version: '1.2', aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && plainIsAmbiguous(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  doc.commentBefore = header;
  return doc.toString({ lineWidth: 0 });
}
