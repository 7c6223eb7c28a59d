import { envValue } from '@berth/spec';

interface Stage {
  image: string;
  name?: string;
}

/**
 * The base image a Dockerfile builds on: the FROM of the target stage (the last stage without one), followed
 * through stages that build on earlier stages, with `${ARG}` filled from the build args and the ARG defaults
 * declared before the first FROM. Undefined when it cannot be told (no FROM, an ARG without a value, `scratch`).
 */
export function dockerfileBaseImage(text: string, options: { target?: string; args?: Record<string, string> } = {}): string | undefined {
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  const globals: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const arg = /^ARG\s+([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/i.exec(line);
    if (arg && stages.length === 0) {
      const value = options.args?.[arg[1]!] ?? (arg[2] !== undefined ? unquote(arg[2].trim()) : undefined);
      if (value !== undefined) globals[arg[1]!] = value;
      continue;
    }
    const from = /^FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?\s*$/i.exec(line);
    if (from) stages.push({ image: from[1]!, ...(from[2] ? { name: from[2].toLowerCase() } : {}) });
  }
  let stage = options.target ? stages.find((s) => s.name === options.target!.toLowerCase()) : stages[stages.length - 1];
  for (let hops = 0; stage && hops <= stages.length; hops++) {
    const image = substitute(stage.image, globals);
    if (image === undefined) return undefined;
    const earlier = stages.find((s) => s.name === image.toLowerCase());
    if (!earlier || earlier === stage) return image.toLowerCase() === 'scratch' ? undefined : image;
    stage = earlier;
  }
  return undefined;
}

function unquote(v: string): string {
  return /^(["']).*\1$/.test(v) ? v.slice(1, -1) : v;
}

/** `${NAME}`, `$NAME`, `${NAME:-default}`; undefined when a name has no value. */
function substitute(text: string, vars: Record<string, string>): string | undefined {
  let missing = false;
  const out = text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
    const value = envValue(vars, (braced ?? bare)!) ?? fallback;
    if (value === undefined) missing = true;
    return value ?? '';
  });
  return missing ? undefined : out;
}
