import { envMap, envValue } from '@berth/spec';

/**
 * What berth needs to know of a Dockerfile before it sends it: its stages and the images they start
 * from (to have them local before BuildKit runs, since BuildKit cannot pull without a session), and
 * what in it needs BuildKit, or a BuildKit session berth does not open. Not a full parser: the
 * instructions' words are read as the builders read them (parser directives, line continuations with
 * the escape character, comments, heredocs skipped), nothing else.
 */

export interface DockerfileStage {
  /** `AS name`, lower-cased as the builders compare it. */
  name?: string;
  /** The FROM image or stage, with build args substituted where they could be. */
  from: string;
  /** Stages or images this stage copies or mounts from (`COPY --from`, `RUN --mount=from=`). */
  uses: string[];
  line: number;
}

/** Something a Dockerfile asks for, with the line it is on. */
export interface DockerfileNeed {
  what: string;
  line: number;
}

export interface DockerfileInfo {
  /** `# syntax=` : an external frontend, which BuildKit fetches through a session. */
  syntax?: string;
  stages: DockerfileStage[];
  /** Needs a BuildKit session: secret and ssh mounts. */
  session: DockerfileNeed[];
  /** Needs BuildKit (the classic builder refuses it): other RUN mounts, RUN --network/--security, COPY --link/--chmod/--exclude/--parents, heredocs. */
  buildkit: DockerfileNeed[];
}

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const HEREDOC = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;

/** Splits a Dockerfile into instructions: continuations joined, comments and heredoc bodies dropped. */
function instructions(text: string): { directives: Record<string, string>; list: Instruction[]; heredocs: number[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const directives: Record<string, string> = {};
  let i = 0;
  for (; i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i]!.trim());
    if (!m || m[1]!.toLowerCase() in directives) break;
    directives[m[1]!.toLowerCase()] = m[2]!;
  }
  const escape = directives['escape'] === '`' ? '`' : '\\';
  const list: Instruction[] = [];
  const heredocs: number[] = [];
  for (; i < lines.length; i++) {
    const first = lines[i]!.trim();
    if (!first || first.startsWith('#')) continue;
    const start = i + 1;
    let text = lines[i]!;
    while (text.trimEnd().endsWith(escape) && i + 1 < lines.length) {
      text = text.trimEnd().slice(0, -1);
      i++;
      while (i < lines.length && /^\s*(#.*)?$/.test(lines[i]!) && i + 1 < lines.length) i++;
      text += lines[i]!;
    }
    const m = /^\s*(\S+)\s*(.*)$/s.exec(text);
    if (!m) continue;
    const keyword = m[1]!.toUpperCase();
    list.push({ keyword, args: m[2]!, line: start });
    if (keyword === 'RUN' || keyword === 'COPY' || keyword === 'ADD') {
      // a heredoc's body is the instruction's input, not more instructions
      for (const doc of m[2]!.matchAll(HEREDOC)) {
        heredocs.push(start);
        const end = doc[3]!;
        while (i + 1 < lines.length && (doc[1] ? lines[i + 1]!.replace(/^\t+/, '') : lines[i + 1]!) !== end) i++;
        i++;
      }
    }
  }
  return { directives, list, heredocs };
}

/** The `--name=value` flags at the start of an instruction's arguments, and what follows them. */
function flags(args: string): { flags: [string, string][]; rest: string } {
  const out: [string, string][] = [];
  let rest = args.trimStart();
  for (let m = /^--([a-zA-Z-]+)(?:=(\S*))?\s*/.exec(rest); m; m = /^--([a-zA-Z-]+)(?:=(\S*))?\s*/.exec(rest)) {
    out.push([m[1]!.toLowerCase(), m[2] ?? '']);
    rest = rest.slice(m[0].length);
  }
  return { flags: out, rest };
}

/** `${NAME}`, `$NAME`, `${NAME:-default}`, `${NAME:+alt}` with the args known; undefined when one is not. */
export function substituteArgs(text: string, args: Record<string, string | undefined>): string | undefined {
  let unknown = false;
  const out = text.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
    const value = envValue(args, (braced ?? bare)!);
    if (op === '-') return value ? value : (word ?? '');
    if (op === '+') return value ? (word ?? '') : '';
    if (value === undefined) unknown = true;
    return value ?? '';
  });
  return unknown ? undefined : out;
}

const mountOptions = (value: string) => Object.fromEntries(value.split(',').map((kv) => kv.split('=') as [string, string?]).map(([k, v]) => [k.toLowerCase(), v ?? 'true']));

/**
 * Reads a Dockerfile. `args` are the build args given (they override the `ARG` defaults before the
 * first FROM, which is all a FROM line may use).
 */
export function readDockerfile(text: string, args: Record<string, string | undefined> = {}): DockerfileInfo {
  const { directives, list, heredocs } = instructions(text);
  const info: DockerfileInfo = { stages: [], session: [], buildkit: heredocs.map((line) => ({ what: 'a heredoc (<<EOF)', line })) };
  if (directives['syntax']) info.syntax = directives['syntax'];
  const globalArgs = envMap();
  for (const ins of list) {
    const { flags: f, rest } = flags(ins.args);
    if (ins.keyword === 'ARG' && !info.stages.length) {
      for (const decl of rest.split(/\s+/).filter(Boolean)) {
        const [name, value] = decl.split(/=(.*)/s) as [string, string?];
        globalArgs[name] = envValue(args, name) ?? (value === undefined ? undefined : substituteArgs(value.replace(/^"(.*)"$/s, '$1'), envMap(globalArgs, args)));
      }
    } else if (ins.keyword === 'FROM') {
      const [image, as, name] = rest.split(/\s+/);
      const from = substituteArgs(image ?? '', envMap(globalArgs, args)) ?? image ?? '';
      info.stages.push({ from, uses: [], line: ins.line, ...(as?.toLowerCase() === 'as' && name ? { name: name.toLowerCase() } : {}) });
    } else if (ins.keyword === 'RUN') {
      for (const [flag, value] of f) {
        if (flag === 'mount') {
          const o = mountOptions(value);
          const type = o['type'] ?? 'bind';
          if (type === 'secret' || type === 'ssh') info.session.push({ what: `RUN --mount=type=${type}`, line: ins.line });
          else info.buildkit.push({ what: `RUN --mount=type=${type}`, line: ins.line });
          if (o['from']) info.stages.at(-1)?.uses.push(o['from']);
        } else if (flag === 'network' || flag === 'security') info.buildkit.push({ what: `RUN --${flag}`, line: ins.line });
      }
    } else if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
      for (const [flag, value] of f) {
        if (flag === 'from') info.stages.at(-1)?.uses.push(value);
        else if (flag === 'link' || flag === 'chmod' || flag === 'exclude' || flag === 'parents' || flag === 'checksum' || flag === 'keep-git-dir') info.buildkit.push({ what: `${ins.keyword} --${flag}`, line: ins.line });
      }
    }
  }
  return info;
}

/**
 * The images a build starts from or copies from, for the stages `target` needs (the last stage without
 * one): not stage names, not `scratch`, and only those whose name could be worked out.
 */
export function externalImages(info: DockerfileInfo, target?: string): string[] {
  const byName = new Map<string, number>();
  info.stages.forEach((s, i) => s.name && byName.set(s.name, i));
  const stageOf = (ref: string, before: number): number | undefined => {
    const named = byName.get(ref.toLowerCase());
    if (named !== undefined && named < before) return named;
    if (/^\d+$/.test(ref) && Number(ref) < before) return Number(ref);
    return undefined;
  };
  const images = new Set<string>();
  const seen = new Set<number>();
  const visit = (i: number) => {
    if (seen.has(i)) return;
    seen.add(i);
    const stage = info.stages[i]!;
    for (const ref of [stage.from, ...stage.uses]) {
      const s = stageOf(ref, i);
      if (s !== undefined) visit(s);
      else if (ref && ref.toLowerCase() !== 'scratch' && !ref.includes('$')) images.add(ref);
    }
  };
  const last = target !== undefined ? byName.get(target.toLowerCase()) : info.stages.length - 1;
  if (last !== undefined && last >= 0) visit(last);
  return [...images];
}

/** The stage names a target may be (for "no such stage" before anything is sent). */
export function stageNames(info: DockerfileInfo): string[] {
  return info.stages.flatMap((s) => (s.name ? [s.name] : []));
}
