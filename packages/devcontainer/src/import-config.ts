import type { BerthSpec, DevcontainerBuild, DevcontainerCompose, LifecycleCommand, Problem } from '@berth/spec';
import { dockerfileBaseImage } from '@berth/docker/dockerfile';
import { argvWordSecrets, commandLineSecrets, devcontainerRuntime, looksSecret, urlPasswords, withoutTextSecrets } from '@berth/spec';
import { HOST_PORT_RE, type DevcontainerJson, type PortAttributes } from './config-schema.js';
import { gpuAskOf, gpuRunArgIndices, type GpuAsk } from './gpu-request.js';
import type { JsoncDocument } from './jsonc.js';

/** A forwarded port, as it lands in the spec: a port of a service that runs in the devcontainer. */
export interface ForwardImport {
  service: string;
  /** The service is already in the spec. */
  exists: boolean;
  port: number;
  /** The display name the label asks for, when the service's name does not already give that label. */
  name?: string;
  appProtocol?: 'http' | 'https';
  runtime: { onAutoForward?: PortAttributes['onAutoForward']; requireLocalPort?: boolean; composeService?: string };
}

/** What a devcontainer.json says, in the spec's terms. Absent fields are absent in the file. */
export interface DevcontainerImport {
  devcontainer: {
    config?: string;
    image?: string;
    build?: DevcontainerBuild;
    compose?: DevcontainerCompose;
    gpu?: GpuAsk;
    postCreateCommand?: LifecycleCommand;
    features?: NonNullable<DevcontainerJson['features']>;
  };
  forwards: ForwardImport[];
  /**
   * Carried fields devcontainer.json has but whose value holds a secret, so it is not carried (a warning says so):
   * the spec keeps what it has there, rather than hear that devcontainer.json has none.
   */
  withheld?: 'postCreateCommand'[];
  /** Warnings, at their place in devcontainer.json. */
  problems: Problem[];
}

export interface ImportOptions {
  /** devcontainer.json relative to the spec's folder, posix; left out of the spec when it is the default. */
  configRel: string;
  /** The spec to merge into, when there is one: forwards match its devcontainer services. */
  spec?: BerthSpec;
  /** A file relative to devcontainer.json's folder (the Dockerfile, the Compose file), or undefined. */
  readBeside?: (path: string) => string | undefined;
  /** Reads the base image off a Compose file's service, given its text (the caller owns YAML parsing). */
  composeServiceImage?: (composeText: string, service: string) => { image?: string; dockerfile?: string; context?: string; target?: string; args?: Record<string, string> } | undefined;
  /** The services a Compose file defines, given its text (undefined: it does not parse). */
  composeServiceNames?: (composeText: string) => Set<string> | undefined;
}

/** "Jupyter Lab" -> "jupyter-lab": a service id from a port's label. */
export function serviceIdFromLabel(label: string): string | undefined {
  const id = label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return id || undefined;
}

/** The attributes of a port: its own key, else a range key holding it; regular-expression keys are for processes. */
export function attributesOf(config: DevcontainerJson, port: number): PortAttributes | undefined {
  const all = config.portsAttributes ?? {};
  if (all[String(port)]) return all[String(port)];
  for (const [key, attrs] of Object.entries(all)) {
    const m = /^(\d+)-(\d+)$/.exec(key);
    if (m && Number(m[1]) <= port && port <= Number(m[2])) return attrs;
  }
  return undefined;
}

/**
 * The spec's service that this devcontainer forward is, when it has one: the service of that name for
 * "SERVICE:PORT"; else the devcontainer service with the port; else a service with the port whose name or id is
 * the port's label (it runs elsewhere too, such as Jupyter in Compose and in the devcontainer).
 */
function matchService(spec: BerthSpec | undefined, port: number, composeService: string | undefined, label: string | undefined): string | undefined {
  if (!spec) return undefined;
  if (composeService) return spec.services[composeService] ? composeService : undefined;
  const withPort = Object.entries(spec.services).filter(([, svc]) => (svc.ports ?? []).some((p) => p.protocol === 'tcp' && p.host.from === port && p.host.to === port));
  const inDevcontainer = withPort.find(([, svc]) => devcontainerRuntime(svc) && !devcontainerRuntime(svc)!.composeService);
  if (inDevcontainer) return inDevcontainer[0];
  if (label === undefined) return undefined;
  return withPort.find(([id, svc]) => svc.name === label || id === serviceIdFromLabel(label))?.[0];
}

/**
 * devcontainer.json in the spec's terms: the base image (or the Dockerfile build, or the Compose setup, with the
 * base image read off the Dockerfile or the Compose service where it can be), the GPU it asks for, the
 * postCreateCommand and features, and each forwarded port as a port of a devcontainer service: the spec's service
 * with that port, else a new one named by the port's label.
 */
export function importDevcontainer(config: DevcontainerJson, doc: JsoncDocument, options: ImportOptions): DevcontainerImport {
  const problems: Problem[] = [];
  const warn = (path: (string | number)[], code: string, message: string) => problems.push({ code, severity: 'warning', file: doc.file, ...doc.locate(path), path, message });
  const error = (path: (string | number)[], code: string, message: string) => problems.push({ code, severity: 'error', file: doc.file, ...doc.locate(path), path, message });
  const dc: DevcontainerImport['devcontainer'] = {};
  if (options.configRel !== '.devcontainer/devcontainer.json') dc.config = options.configRel;
  base(config, options, dc, { warn, error });
  // a Compose setup's GPU is its service's reservation (runArgs do nothing there), read off the Compose files
  const gpu = gpuAskOf(config, options.readBeside);
  if (gpu.ask) dc.gpu = gpu.ask;
  for (const w of gpu.warnings) warn(w.path, w.code, w.message);
  const withheld: NonNullable<DevcontainerImport['withheld']> = [];
  if (config.postCreateCommand !== undefined) {
    const command = carriedCommand(config.postCreateCommand, warn);
    if (command !== undefined) dc.postCreateCommand = command;
    else withheld.push('postCreateCommand');
  }
  if (config.features && Object.keys(config.features).length) dc.features = carriedFeatures(config.features, warn);
  if ((config as Record<string, unknown>).appPort !== undefined) warn(['appPort'], 'devcontainer-app-port', 'appPort publishes ports with `docker run -p`; berth carries only forwardPorts (the Dev Containers spec recommends them)');
  // nothing is dropped silently: berth reads the GPU flags of runArgs, and says so of every other one
  const gpuFlags = new Set(gpuRunArgIndices(config));
  (config.runArgs ?? []).forEach((arg, i) => {
    if (gpuFlags.has(i)) return;
    const value = /^--[a-z-]+$/.test(arg) && i + 1 < config.runArgs!.length && !config.runArgs![i + 1]!.startsWith('-');
    if (i > 0 && !gpuFlags.has(i - 1) && /^--[a-z-]+$/.test(config.runArgs![i - 1]!) && !arg.startsWith('-')) return; // the value of the flag before, warned with it
    // the words as written, but for a secret among them (`--env API_TOKEN=...`): a warning is printed
    const shown = withoutTextSecrets(value ? `${arg} ${config.runArgs![i + 1]}` : arg);
    const network = /^--(network|net)(=|$)/.test(arg) ? ' (a devcontainer on the host network shares its ports with the host: say it in the spec with a runtime on a `mode: host` network)' : '';
    warn(['runArgs', i], 'devcontainer-run-arg', `runArgs ${JSON.stringify(shown)} is not carried: berth reads only the GPU flags of runArgs; devcontainer.json keeps it${network}`);
  });

  const forwards: ForwardImport[] = [];
  const taken = new Set(Object.keys(options.spec?.services ?? {}));
  const seen = new Set<string>();
  (config.forwardPorts ?? []).forEach((entry, i) => {
    const m = typeof entry === 'string' ? HOST_PORT_RE.exec(entry) : undefined;
    const port = typeof entry === 'number' ? entry : Number(m![2]);
    const composeService = m && m[1] !== 'localhost' ? m[1] : undefined;
    const key = composeService ? `${composeService}:${port}` : String(port);
    if (seen.has(key)) return warn(['forwardPorts', i], 'devcontainer-forward-twice', `${JSON.stringify(entry)} is forwarded twice; imported once`);
    seen.add(key);
    const attrs = attributesOf(config, port);
    const existing = matchService(options.spec, port, composeService, attrs?.label);
    let service = existing;
    if (!service) {
      const base = composeService ?? serviceIdFromLabel(attrs?.label ?? '') ?? `port-${port}`;
      service = base;
      for (let n = 2; taken.has(service); n++) service = `${base}-${n}`;
      taken.add(service);
    }
    const runtime: ForwardImport['runtime'] = {
      ...(attrs?.onAutoForward ? { onAutoForward: attrs.onAutoForward } : {}),
      ...(attrs?.requireLocalPort !== undefined ? { requireLocalPort: attrs.requireLocalPort } : {}),
      ...(composeService ? { composeService } : {}),
    };
    const name = attrs?.label !== undefined ? nameForLabel(options.spec, existing, port, attrs.label) : undefined;
    forwards.push({ service, exists: !!existing || !!options.spec?.services[service], port, ...(name !== undefined ? { name } : {}), ...(attrs?.protocol ? { appProtocol: attrs.protocol } : {}), runtime });
  });
  const byService = new Map<string, ForwardImport>();
  for (const f of forwards) {
    const first = byService.get(f.service);
    if (!first) byService.set(f.service, f);
    else if (JSON.stringify(first.runtime) !== JSON.stringify(f.runtime) || (f.name !== undefined && first.name !== undefined && f.name !== first.name)) {
      warn(['portsAttributes', String(f.port)], 'devcontainer-attributes-differ', `port ${f.port} of ${f.service} has other attributes than port ${first.port}; berth keeps one name and one onAutoForward per service, those of port ${first.port}`);
    }
  }
  return { devcontainer: dc, forwards, ...(withheld.length ? { withheld } : {}), problems: problems.sort((a, b) => a.line! - b.line! || a.col! - b.col!) };
}

/** The service name a port's label asks for; undefined when the spec's names already give that label. */
function nameForLabel(spec: BerthSpec | undefined, existing: string | undefined, port: number, label: string): string | undefined {
  const svc = existing ? spec?.services[existing] : undefined;
  if (!svc) return label;
  const binding = (svc.ports ?? []).find((p) => p.host.from === port);
  const suffix = binding?.name ? ` (${binding.name})` : '';
  if (`${svc.name ?? existing}${suffix}` === label) return undefined;
  return suffix && label.endsWith(suffix) ? label.slice(0, -suffix.length) : label;
}

type Warn = (path: (string | number)[], code: string, message: string) => void;

/**
 * What makes a value a secret that must not reach the spec (berth.yaml is committed), in words, by @berth/spec's rule:
 * a literal under a name that looks secret (NPM_TOKEN, GH_PAT), a URL's password (`https://u:PASSWORD@host`). A
 * reference (`${localEnv:NPM_TOKEN}`, `https://u:${localEnv:PIP_PASSWORD}@host`) is no secret and travels.
 */
function secretIn(name: string, value: string): string | undefined {
  if (looksSecret(name) && !/\$\{/.test(value)) return 'looks secret';
  return urlPasswords(value).length ? "holds a URL's password" : undefined;
}

/** Build args carried into the spec: one that holds a secret (secretIn) is left out, with a warning naming the arg and never its value. */
function carriedArgs(args: Record<string, string> | undefined, warn: Warn): Record<string, string> | undefined {
  if (!args) return undefined;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(args)) {
    const why = secretIn(name, value);
    if (why) {
      warn(['build', 'args', name], 'devcontainer-secret-arg', `build arg ${name} ${why}: its value is not copied into the spec (a committed file); pass it from the environment (\${localEnv:${name}}) instead`);
      continue;
    }
    out[name] = value;
  }
  return Object.keys(out).length ? out : undefined;
}

/** Whether a command line (a shell line, or an argv) holds a secret: a URL's password, a credential (`--token X`, `Authorization: Bearer X`). */
const commandHoldsSecret = (command: string | readonly string[]): boolean =>
  typeof command === 'string'
    ? commandLineSecrets(command).spans.length > 0 || urlPasswords(command).length > 0
    : command.some((word, i) => argvWordSecrets(command, i).spans.length > 0 || urlPasswords(word).length > 0);

/**
 * postCreateCommand as it is carried into the spec: a command that holds a secret (commandHoldsSecret) is left out,
 * with a warning naming it and never quoting it (one of several named commands alone); undefined when none is left.
 */
function carriedCommand(command: LifecycleCommand, warn: Warn): LifecycleCommand | undefined {
  const leftOut = (at: (string | number)[]) =>
    warn(at, 'devcontainer-secret-command', `${at.join('.')} holds a secret (a URL's password, or a credential such as --token or an Authorization header): it is not copied into the spec (a committed file); write it there as \${localEnv:NAME}, for the Dev Containers CLI to take from the environment, and import again`);
  if (typeof command === 'string' || Array.isArray(command)) {
    if (!commandHoldsSecret(command)) return command;
    leftOut(['postCreateCommand']);
    return undefined;
  }
  const out: Record<string, string | string[]> = {};
  for (const [name, one] of Object.entries(command)) {
    if (commandHoldsSecret(one)) leftOut(['postCreateCommand', name]);
    else out[name] = one;
  }
  return Object.keys(out).length ? out : undefined;
}

type Features = NonNullable<DevcontainerJson['features']>;

/** Features as they are carried into the spec: an option that holds a secret (secretIn: a `token` option) is left out, with a warning naming it. */
function carriedFeatures(features: Features, warn: Warn): Features {
  const out: Features = {};
  for (const [id, options] of Object.entries(features)) {
    if (!options || typeof options !== 'object') {
      out[id] = options;
      continue;
    }
    const kept: Record<string, string | boolean | number> = {};
    for (const [name, value] of Object.entries(options)) {
      const why = typeof value === 'string' ? secretIn(name, value) : undefined;
      if (why) warn(['features', id, name], 'devcontainer-secret-option', `option ${name} of feature ${id} ${why}: its value is not copied into the spec (a committed file); pass it from the environment (\${localEnv:NAME}) instead`);
      else kept[name] = value;
    }
    out[id] = kept;
  }
  return out;
}

/** image, build or Compose setup, and the base image where it can be read. */
function base(config: DevcontainerJson, options: ImportOptions, dc: DevcontainerImport['devcontainer'], { warn, error }: { warn: Warn; error: Warn }): void {
  const dockerfile = config.build?.dockerfile ?? config.dockerFile;
  if (config.image) dc.image = config.image;
  if (dockerfile) {
    const context = config.build?.context ?? config.context;
    const args = carriedArgs(config.build?.args, warn);
    dc.build = {
      dockerfile,
      ...(context !== undefined ? { context } : {}),
      ...(args ? { args } : {}),
      ...(config.build?.target ? { target: config.build.target } : {}),
    };
    const at = config.build?.dockerfile ? ['build', 'dockerfile'] : ['dockerFile'];
    const text = options.readBeside?.(dockerfile);
    // the Dev Containers CLI cannot build from a Dockerfile that is not there: nor is it imported (exit 2)
    if (options.readBeside && text === undefined) return error(at, 'devcontainer-dockerfile-missing', `cannot read ${dockerfile} (a path relative to devcontainer.json's folder)`);
    const from = text === undefined ? undefined : dockerfileBaseImage(text, { ...(dc.build.target ? { target: dc.build.target } : {}), ...(config.build?.args ? { args: config.build.args } : {}) });
    if (from) dc.image = from;
    else if (text !== undefined) warn(at, 'devcontainer-base-unknown', `cannot tell the base image of ${dockerfile} (no FROM, or an ARG without a value)`);
  } else if (config.dockerComposeFile !== undefined) {
    const files = Array.isArray(config.dockerComposeFile) ? config.dockerComposeFile : [config.dockerComposeFile];
    if (!config.service) return warn(['dockerComposeFile'], 'devcontainer-no-service', 'a Compose setup names the service to attach to in `service`; without it the devcontainer does not start');
    dc.compose = { files, service: config.service, ...(config.runServices ? { runServices: config.runServices } : {}) };
    if (!composeSetupHolds(config, files, options, error)) return;
    for (const f of [...files].reverse()) {
      const text = options.readBeside?.(f);
      const found = text === undefined ? undefined : options.composeServiceImage?.(text, config.service);
      if (!found) continue;
      if (found.image) dc.image = found.image;
      else if (found.dockerfile !== undefined || found.context !== undefined) {
        const dir = `${f.replace(/[^/]*$/, '')}${found.context ?? '.'}`;
        const df = options.readBeside?.(`${dir}/${found.dockerfile ?? 'Dockerfile'}`);
        const from = df === undefined ? undefined : dockerfileBaseImage(df, { ...(found.target ? { target: found.target } : {}), ...(found.args ? { args: found.args } : {}) });
        if (from) dc.image = from;
      }
      break;
    }
  }
}

/**
 * Whether the Compose files are there and define the service to attach to and every one of runServices, as the Dev
 * Containers CLI needs them to be; each that does not is an error at its place (exit 2). Unchecked without a reader.
 */
function composeSetupHolds(config: DevcontainerJson, files: string[], options: ImportOptions, error: Warn): boolean {
  if (!options.readBeside || !options.composeServiceNames) return true;
  const listed = Array.isArray(config.dockerComposeFile);
  const defined = new Set<string>();
  let ok = true;
  const fail: Warn = (...problem) => {
    ok = false;
    error(...problem);
  };
  files.forEach((f, i) => {
    const text = options.readBeside!(f);
    const names = text === undefined ? undefined : options.composeServiceNames!(text);
    if (names) for (const n of names) defined.add(n);
    else fail(listed ? ['dockerComposeFile', i] : ['dockerComposeFile'], 'devcontainer-compose-missing', text === undefined ? `cannot read ${f} (a path relative to devcontainer.json's folder)` : `${f} is not a Compose file berth can read`);
  });
  if (!ok) return false;
  const named: [(string | number)[], string][] = [...(config.service ? [[['service'], config.service] as [string[], string]] : []), ...(config.runServices ?? []).map((name, i): [(string | number)[], string] => [['runServices', i], name])];
  for (const [at, name] of named) if (!defined.has(name)) fail(at, 'devcontainer-compose-service', `service "${name}" is not defined in ${files.join(', ')}`);
  return ok;
}
