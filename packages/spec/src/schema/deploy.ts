import { z } from 'zod';
import { Duration, EnvVarName, Identifier } from './common.js';
import { deferred, once } from './deferred.js';

/**
 * What a service needs to run as Docker Swarm services, with the names of Compose's `deploy:` (in
 * camelCase, as the rest of the spec): replicas, placement, restart and update policy, generic
 * resources. Only a swarm deployment (and `docker stack deploy` of `berth compose --swarm`) reads it.
 */
export const DiscreteResource = z.strictObject({
  kind: z.string().min(1).describe('The resource a node advertises, such as NVIDIA-GPU (dockerd `--node-generic-resource NVIDIA-GPU=<uuid>`).'),
  value: z.number().int().min(1).describe('How many of it one task reserves.'),
});

export const GenericResource = z.strictObject({
  discreteResourceSpec: DiscreteResource,
});

export const ServiceDeploy = deferred(
  () =>
    z
      .strictObject({
        mode: z.enum(['replicated', 'global']).optional().describe('replicated (default): `replicas` tasks; global: one task on every node that fits.'),
        replicas: z.number().int().min(0).optional().describe('Tasks of a replicated service (default 1).'),
        endpointMode: z
          .enum(['vip', 'dnsrr'])
          .optional()
          .describe('How other services find it: vip (default, one virtual IP through IPVS) or dnsrr (the service name resolves to every task\'s address).'),
        placement: z
          .strictObject({
            constraints: z.array(z.string()).optional().describe('Node constraints every task needs, such as "node.labels.gpu==true" or "node.role==manager".'),
            maxReplicasPerNode: z.number().int().min(1).optional().describe('At most this many tasks on one node.'),
          })
          .optional(),
        restartPolicy: z
          .strictObject({
            condition: z.enum(['none', 'on-failure', 'any']).optional().describe('When a stopped task is replaced (swarm\'s default: any).'),
            delay: Duration.optional().describe('Wait between restarts.'),
            maxAttempts: z.number().int().min(0).optional().describe('Give up after this many restarts (0: never give up).'),
            window: Duration.optional().describe('How long a restart must stay up to count as a success.'),
          })
          .optional()
          .describe('Replaces the service\'s `restart` on a swarm: no → none, always and unless-stopped → any, on-failure → on-failure.'),
        updateConfig: z
          .strictObject({
            parallelism: z.number().int().min(0).optional().describe('Tasks updated at once (0: all).'),
            delay: Duration.optional().describe('Wait between batches.'),
            failureAction: z.enum(['continue', 'rollback', 'pause']).optional(),
            monitor: Duration.optional().describe('How long a new task is watched for failure.'),
            maxFailureRatio: z.number().min(0).max(1).optional(),
            order: z.enum(['stop-first', 'start-first']).optional(),
          })
          .optional(),
        resources: z
          .strictObject({
            reservations: z
              .strictObject({
                genericResources: z.array(GenericResource).optional().describe('Node resources each task reserves, such as { discreteResourceSpec: { kind: NVIDIA-GPU, value: 1 } }.'),
              })
              .optional(),
          })
          .optional(),
      })
      .refine((d) => !(d.mode === 'global' && d.replicas !== undefined), { message: 'replicas is only for mode: replicated', path: ['replicas'] })
      .describe('How it runs as Docker Swarm services (Compose `deploy:`); read by swarm engines and `berth compose --swarm`.'),
);
export type ServiceDeploy = z.output<typeof ServiceDeploy>;

/**
 * The tasks a service's `deploy` asks for: one on every node that fits for `mode: global` (undefined: the swarm counts
 * them), else `replicas`, 1 when it says none (Compose's default).
 */
export function deployReplicas(deploy: ServiceDeploy | undefined): number | undefined {
  return deploy?.mode === 'global' ? undefined : (deploy?.replicas ?? 1);
}

/** Where a secret's or config's content comes from, as Compose's top-level `secrets:` and `configs:` say it. */
const SwarmObjectSource = once(() => ({
  file: z.string().optional().describe('A file, relative to the spec.'),
  environment: EnvVarName.optional().describe('An environment variable (or the .env beside the spec) holding the content.'),
  external: z.boolean().default(false).describe('Already on the swarm: berth neither creates nor removes it.'),
  name: z.string().optional().describe('The engine-side name (default `<project>_<key>`).'),
}));

const oneSource = (v: { file?: string | undefined; environment?: string | undefined; content?: string | undefined; external: boolean }) =>
  [v.file !== undefined, v.environment !== undefined, v.content !== undefined, v.external].filter(Boolean).length === 1;

export const SecretDefinition = deferred(
  () =>
    z
      .strictObject(SwarmObjectSource())
      .refine(oneSource, { message: 'give exactly one of file, environment or external: true' })
      .describe('A secret, mounted at /run/secrets/<target> in the services that name it; its content is never printed.'),
);
export type SecretDefinition = z.output<typeof SecretDefinition>;

export const ConfigDefinition = deferred(
  () =>
    z
      .strictObject({ ...SwarmObjectSource(), content: z.string().optional().describe('The content itself.') })
      .refine(oneSource, { message: 'give exactly one of file, environment, content or external: true' })
      .describe('A config file, mounted in the services that name it.'),
);
export type ConfigDefinition = z.output<typeof ConfigDefinition>;

/** A service's use of a secret or config: its key, or Compose's long form. */
export const FileObjectReference = deferred(
  () =>
    z
      .union([
        Identifier,
        z.strictObject({
          source: Identifier.describe('The key under the top-level secrets or configs.'),
          target: z.string().optional().describe('The file name (under /run/secrets for a secret) or path; default the key.'),
          uid: z.string().optional(),
          gid: z.string().optional(),
          mode: z.number().int().min(0).max(0o777).optional().describe('File mode, such as 0o440 (default 0444).'),
        }),
      ])
      .transform((v) => (typeof v === 'string' ? { source: v } : v)),
);
export type FileObjectReference = z.output<typeof FileObjectReference>;
