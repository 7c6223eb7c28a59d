import { createHash } from 'node:crypto';
import { chmodSync } from 'node:fs';
import path from 'node:path';
import { BerthError, makeDirs, unwritableReason, writeFileAtomic, type FileObjectReference, type Problem, type Service } from '@berth/spec';
import type Dockerode from 'dockerode';
import type { DesiredInput } from './desired.js';

/** A file berth writes for a secret or config whose content is not a file already (`environment:`, `content:`). */
export interface ObjectFile {
  /** Where, under the project's folder in berth's cache (never under the repo). */
  path: string;
  /** The content: never printed, never put in a label. */
  text: string;
}

/** What a service's `secrets` and `configs` become on a plain engine: read-only binds, and the files to write first. */
export interface ServiceObjectMounts {
  mounts: Dockerode.MountSettings[];
  files: ObjectFile[];
  /** sha256 of each config's content berth writes: a changed config recreates the container. Secrets stay out (a label must not reveal them). */
  configDigests: string[];
}

type Kind = 'secrets' | 'configs';
const singular = (kind: Kind) => (kind === 'secrets' ? 'secret' : 'config');

/** The folder of a project's written secrets and configs, under berth's cache folder. */
export function projectObjectsDir(cacheDir: string, project: string): string {
  return path.join(cacheDir, 'projects', project);
}

/**
 * Where a secret or config appears in the container, as Compose puts it without a swarm: a secret under
 * /run/secrets (an absolute target as it is), a config at its target, else at `/<key>`.
 */
export function objectTarget(kind: Kind, ref: FileObjectReference): string {
  const target = ref.target ?? ref.source;
  if (target.startsWith('/')) return target;
  return kind === 'secrets' ? `/run/secrets/${target}` : `/${target}`;
}

/**
 * The service's secrets and configs as Compose mounts them on a plain engine: a `file:` bound read-only from
 * the spec's directory; an `environment:` value or a config's `content:` written to a file of berth's
 * (`objectsDir`) and bound from there. An external one exists only on a swarm, and a missing file or variable
 * stops `up` before anything starts; each problem names the service, the key and where berth looked.
 */
export function serviceObjectMounts(name: string, service: Service, input: DesiredInput, objectsDir: string, problems: Problem[]): ServiceObjectMounts {
  const out: ServiceObjectMounts = { mounts: [], files: [], configDigests: [] };
  for (const kind of ['secrets', 'configs'] as const) {
    for (const [i, ref] of (service[kind] ?? []).entries()) {
      const def = input.spec[kind][ref.source];
      const where = ['services', name, kind, i];
      const what = `service "${name}": ${singular(kind)} "${ref.source}"`;
      if (!def) continue; // the loader reports a reference to an undeclared one
      let source: string | undefined;
      if (def.external) {
        problems.push({ code: 'external-object', severity: 'error', path: where, message: `${what} is external: unsupported external ${singular(kind)} outside a swarm`, hint: `give it \`file:\` or \`environment:\`, or run the service on a swarm engine` });
      } else if (def.file !== undefined) {
        source = path.resolve(input.projectDir, def.file);
        if (input.readText(source) === undefined) {
          problems.push({ code: 'object-file-missing', severity: 'error', path: where, message: `${what}: file ${source} cannot be read`, hint: `create it, or point ${kind}.${ref.source}.file at it` });
          source = undefined;
        }
      } else {
        const text = def.environment !== undefined ? input.vars[def.environment] : 'content' in def ? def.content : undefined;
        if (text === undefined) {
          problems.push({ code: 'object-variable-missing', severity: 'error', path: where, message: `${what}: variable ${def.environment} is not set`, hint: 'berth reads the environment, then the .env beside the spec' });
        } else {
          source = path.join(objectsDir, kind, ref.source);
          out.files.push({ path: source, text });
          if (kind === 'configs') out.configDigests.push(createHash('sha256').update(text).digest('hex'));
        }
      }
      if (source) out.mounts.push({ Type: 'bind', Source: source, Target: objectTarget(kind, ref), ReadOnly: true });
    }
  }
  return out;
}

/**
 * Writes the secrets' and configs' files, atomically, in folders only this user can enter (0700): the
 * container sees each file read-only with Compose's default mode (0444), other users of the host see nothing.
 * `up` cannot go on without them, so a cache folder that cannot take them (read-only, full, a file in the way)
 * is one line naming the file and why, ERR_BERTH_WRITE (exit 2), before anything is made on the engine.
 */
export function writeObjectFiles(files: ObjectFile[]): void {
  for (const file of files) {
    const dir = path.dirname(file.path);
    try {
      makeDirs(dir, 0o700);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      // mkdir's ENOENT under a folder that exists (/proc, some FUSE mounts) is the file system refusing, not a missing parent
      const why = e.code === 'ENOENT' ? 'the file system does not let a folder be made there' : unwritableReason(err);
      throw writeError(file, `cannot make the folder ${e.path ?? dir} (${why})`, err);
    }
    try {
      chmodSync(path.dirname(dir), 0o700);
      chmodSync(dir, 0o700);
      writeFileAtomic(file.path, file.text, { mode: 0o444 });
    } catch (err) {
      throw writeError(file, unwritableReason(err), err);
    }
  }
}

function writeError(file: ObjectFile, why: string, cause: unknown): BerthError {
  return new BerthError('ERR_BERTH_WRITE', `cannot write ${file.path}: ${why}`, {
    cause,
    hint: 'berth writes the files of environment: secrets and content: configs under its cache folder ($XDG_CACHE_HOME/berth, else ~/.cache/berth); point XDG_CACHE_HOME at a folder it can write',
  });
}
