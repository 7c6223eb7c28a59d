import { Composer, Document, Parser, YAMLParseError, type CST, type DocumentOptions, type LineCounter, type ParseOptions, type SchemaOptions } from 'yaml';

/**
 * How deep berth lets a YAML or JSONC document nest its maps and lists. The YAML library composes, and
 * jsonc-parser parses, by recursion: a few thousand levels (`a: [[[[...`, a hundred kilobytes of text) exhaust
 * the stack, and near its end V8 can abort the whole process while compiling a regular expression. A file
 * berth reads nests a few levels; an `x-` extension carrying some other tool's JSON a few dozen.
 */
export const MAX_NESTING = 256;

/** The message of a document nested deeper than MAX_NESTING, as every reader says it. */
export const TOO_DEEP = `nested more than ${MAX_NESTING} levels deep`;

type Options = ParseOptions & DocumentOptions & SchemaOptions & { lineCounter?: LineCounter };

/**
 * The YAML library's parseDocument (first document, prettyErrors off), for every text berth hands to the library:
 * the text is tokenised first (the library's parser keeps its own stack, so any depth is safe there) and a
 * document nested deeper than MAX_NESTING is answered with one RESOURCE_EXHAUSTION error at the first collection
 * past the limit, without composing it.
 */
export function parseYamlDocument(text: string, options: Options = {}): Document.Parsed {
  const tokens = [...new Parser(options.lineCounter?.addNewLine).parse(text)];
  const deep = firstTooDeep(tokens);
  if (deep !== undefined) {
    const doc = new Document(null, options) as unknown as Document.Parsed;
    doc.errors.push(new YAMLParseError([deep, deep + 1], 'RESOURCE_EXHAUSTION', TOO_DEEP));
    return doc;
  }
  const composer = new Composer(options);
  let doc: Document.Parsed | undefined;
  for (const next of composer.compose(tokens, true, text.length)) {
    if (!doc) doc = next;
    else {
      doc.errors.push(new YAMLParseError(next.range.slice(0, 2) as [number, number], 'MULTIPLE_DOCS', 'Source contains multiple documents; please use YAML.parseAllDocuments()'));
      break;
    }
  }
  // compose(..., true) always ends with a document, an empty text's included
  return doc!;
}

/** The offset of the first map or list nested deeper than MAX_NESTING in the library's tokens, walked without recursion. */
function firstTooDeep(tokens: CST.Token[]): number | undefined {
  const stack: [CST.Token | undefined, number][] = tokens.map((t) => [t, 0]);
  while (stack.length) {
    const [token, depth] = stack.pop()!;
    if (!token) continue;
    if (token.type === 'document') stack.push([token.value, depth]);
    else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      if (depth + 1 > MAX_NESTING) return token.offset;
      for (const item of token.items) {
        if ('key' in item && item.key) stack.push([item.key, depth + 1]);
        if (item.value) stack.push([item.value, depth + 1]);
      }
    }
  }
  return undefined;
}
