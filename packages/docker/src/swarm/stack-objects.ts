import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { BerthError, type BerthSpec, type Problem } from '@berth/spec';
import { BERTH_CONTENT_DIGEST, BERTH_MANAGED, STACK_NAMESPACE } from '../labels.js';
import type { DesiredSwarmService } from './desired-service.js';
import type { SwarmApi, SwarmObjectKind } from './swarm-api.js';

/** A secret or config the selected services mount, with its content read (never printed, never written). */
export interface StackObject {
  kind: SwarmObjectKind;
  /** The key under the spec's top-level `secrets` / `configs`. */
  key: string;
  /** The engine-side name. */
  name: string;
  external: boolean;
  /** The content; absent for an external one. */
  data?: Buffer;
}

const singular = (kind: SwarmObjectKind) => (kind === 'secrets' ? 'secret' : 'config');

/**
 * The secrets and configs the desired services mount, their content read from the file (relative to
 * the spec), the variable (the environment, then .env) or, for a config, the spec itself. A file or
 * variable that is missing is an error naming the key and where berth looked, never the content.
 */
export function stackObjects(
  spec: BerthSpec,
  desired: DesiredSwarmService[],
  input: { projectDir: string; vars: Record<string, string | undefined>; readFile: (file: string) => Buffer | undefined },
  problems: Problem[],
): StackObject[] {
  const out = new Map<string, StackObject>();
  for (const kind of ['secrets', 'configs'] as const) {
    for (const mounted of desired.flatMap((d) => d[kind])) {
      const id = `${kind}:${mounted.name}`;
      if (out.has(id)) continue;
      const def = spec[kind][mounted.source]!;
      const where = [kind, mounted.source];
      const object: StackObject = { kind, key: mounted.source, name: mounted.name, external: def.external };
      if (!def.external) {
        if (def.file !== undefined) {
          object.data = input.readFile(path.resolve(input.projectDir, def.file));
          if (!object.data) problems.push({ code: 'swarm-object-missing', severity: 'error', path: where, message: `${singular(kind)} "${mounted.source}": file ${def.file} cannot be read` });
        } else if (def.environment !== undefined) {
          const value = input.vars[def.environment];
          if (value === undefined) problems.push({ code: 'swarm-object-missing', severity: 'error', path: where, message: `${singular(kind)} "${mounted.source}": variable ${def.environment} is not set`, hint: 'berth reads the environment, then the .env beside the spec' });
          else object.data = Buffer.from(value, 'utf8');
        } else if ('content' in def && def.content !== undefined) object.data = Buffer.from(def.content, 'utf8');
      }
      out.set(id, object);
    }
  }
  return [...out.values()];
}

/** `salt:sha256(salt, content)`: tells a changed content from the same one without keeping the content. */
function digest(data: Buffer, salt = randomBytes(8).toString('hex')): string {
  return `${salt}:${createHash('sha256').update(salt).update(data).digest('hex')}`;
}

function sameContent(label: string | undefined, data: Buffer): boolean {
  const [salt] = (label ?? '').split(':');
  return !!salt && label === digest(data, salt);
}

/**
 * Creates the stack's secrets and configs that are missing (labelled with the stack), checks that the
 * external ones exist, and returns each name's ID for the services' references. The engine does not
 * let a secret's or config's content change: one whose content changed is kept, with a warning.
 */
export async function ensureStackObjects(swarm: SwarmApi, stack: string, objects: StackObject[], warnings: Problem[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const kind of ['secrets', 'configs'] as const) {
    const wanted = objects.filter((o) => o.kind === kind);
    if (!wanted.length) continue;
    const existing = await swarm.list(kind, { name: wanted.map((o) => o.name) });
    for (const o of wanted) {
      const found = existing.find((e) => e.Spec?.Name === o.name);
      if (o.external) {
        if (!found) {
          throw new BerthError('ERR_BERTH_SWARM_EXTERNAL', `external ${singular(kind)} "${o.name}" (${kind}.${o.key}) is not on the swarm`, { hint: `create it first: docker ${singular(kind)} create ${o.name} FILE` });
        }
        ids.set(`${kind}:${o.name}`, found.ID);
        continue;
      }
      if (found) {
        if (!sameContent(found.Spec?.Labels?.[BERTH_CONTENT_DIGEST], o.data!)) {
          warnings.push({
            code: 'swarm-object-changed',
            severity: 'warning',
            path: [kind, o.key],
            message: `${singular(kind)} "${o.key}" changed, but a swarm ${singular(kind)} cannot change: the services keep the one on the swarm`,
            hint: `berth down removes the stack's ${kind}; the next up creates them anew`,
          });
        }
        ids.set(`${kind}:${o.name}`, found.ID);
        continue;
      }
      const labels = { [STACK_NAMESPACE]: stack, [BERTH_MANAGED]: 'true', [BERTH_CONTENT_DIGEST]: digest(o.data!) };
      ids.set(`${kind}:${o.name}`, await swarm.create(kind, o.name, labels, o.data!));
    }
  }
  return ids;
}
