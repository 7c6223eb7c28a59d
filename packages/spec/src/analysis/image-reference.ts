import type { Problem } from '../problem.js';
import type { BerthSpec } from '../schema/spec.js';
import type { SourceDocument } from '../load/yaml-document.js';

/**
 * Whether a text is an image reference the engine accepts, by the grammar of distribution/reference (the package
 * the docker CLI, Compose and the engine parse `image:` with): `[host[:port]/]path[:tag][@digest]`, where the
 * path's components are lowercase letters and digits joined by `.`, `_`, `__` or dashes, a tag is up to 128 of
 * `[A-Za-z0-9_.-]` not starting with `.` or `-`, and a name is at most 255 characters. As ParseNormalizedNamed
 * does, a first component is the registry host when it holds `.` or `:`, is `localhost`, or has capitals.
 */
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST = /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const NAME_MAX = 255;

const body = (re: RegExp) => re.source.slice(1, -1);
/** A first path component that is not taken for a registry host: no `.` or `:`, no capitals (so PATH_COMPONENT without `.`). */
const FIRST_PATH_COMPONENT = '[a-z0-9]+(?:(?:_|__|-+)[a-z0-9]+)*';

/**
 * The same grammar as one regular expression, for the JSON Schema's `pattern` (editors flag what validate refuses):
 * a name of one component, or of several whose first is a host or a component without `.`; at most NAME_MAX
 * characters before the tag; a reference with `$` is left to berth up, as checkImageReferences leaves it.
 * image-reference.test.ts holds it to imageReferenceProblem.
 */
export const IMAGE_REFERENCE_PATTERN =
  `\\$|^(?=[^@]{1,${NAME_MAX}}(?::${body(TAG)})?(?:@|$))` +
  `(?:${body(PATH_COMPONENT)}|(?:${body(HOST)}|${FIRST_PATH_COMPONENT})(?:/${body(PATH_COMPONENT)})+)` +
  `(?::${body(TAG)})?(?:@${body(DIGEST)})?$`;

/** Why REF is not an image reference the engine accepts (one phrase), or undefined when it is one. */
export function imageReferenceProblem(ref: string): string | undefined {
  if (ref === '') return 'it is empty';
  if (/\s/.test(ref)) return 'it has white space';
  let rest = ref;
  const at = rest.indexOf('@');
  if (at !== -1) {
    if (!DIGEST.test(rest.slice(at + 1))) return `its digest "${rest.slice(at + 1)}" is not algorithm:hex (such as sha256: and 64 hex digits)`;
    rest = rest.slice(0, at);
  }
  // a tag follows the last ':' after the last '/' (a ':' before it is the registry's port)
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    const tag = rest.slice(colon + 1);
    if (!TAG.test(tag)) return `its tag "${tag}" is not 1 to 128 letters, digits, '_', '.' or '-' (not starting with '.' or '-')`;
    rest = rest.slice(0, colon);
  }
  if (rest === '') return 'it has no name';
  if (rest.length > NAME_MAX) return `its name is longer than ${NAME_MAX} characters`;
  const parts = rest.split('/');
  const first = parts[0]!;
  const hasHost = parts.length > 1 && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase());
  if (hasHost && !HOST.test(first)) return `its registry "${first}" is not a host name or address (with an optional :port)`;
  for (const part of hasHost ? parts.slice(1) : parts) {
    if (part !== part.toLowerCase()) return `its name "${rest}" has capitals, which an image name cannot have`;
    if (!PATH_COMPONENT.test(part)) return `"${part}" in its name is not lowercase letters and digits joined by '.', '_', '__' or '-'`;
  }
  return undefined;
}

/**
 * `berth validate`'s check of the images the spec names: each service's `image` and the devcontainer's, where
 * written out (one with `${VAR}` is checked once resolved, by `berth up`). The engine would refuse them at start.
 */
export function checkImageReferences(spec: BerthSpec, file?: string, source?: SourceDocument): Problem[] {
  const problems: Problem[] = [];
  const check = (image: string | undefined, path: (string | number)[], owner: string) => {
    if (image === undefined || image.includes('$')) return;
    const why = imageReferenceProblem(image);
    if (why) problems.push(imageReferenceError(owner, image, why, { file, ...(source ? source.locate(path) : {}), path }));
  };
  for (const [name, service] of Object.entries(spec.services)) check(service.image, ['services', name, 'image'], `service "${name}"`);
  check(spec.devcontainer?.image, ['devcontainer', 'image'], 'the devcontainer');
  return problems;
}

/** The problem of an image the engine would refuse: bad input, before anything starts. */
export function imageReferenceError(owner: string, image: string, why: string, where: Pick<Problem, 'file' | 'line' | 'col' | 'path'>): Problem {
  return { code: 'image-reference', severity: 'error', ...where, message: `${owner}: image ${JSON.stringify(image)} is not an image reference the engine accepts: ${why}` };
}
