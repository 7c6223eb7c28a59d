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

/**
 * `${NAME}`, `$NAME` and the shell's defaults as BuildKit's lexer reads them: `${NAME:-word}` (unset or empty),
 * `${NAME-word}` (unset), `${NAME:+word}` (set and not empty), `${NAME+word}` (set). A name with no value in
 * `args` (unknown, or an ARG declared without one) makes the whole text undefined: what it stands for cannot be told.
 */
export function substituteArgs(text: string, args: Record<string, string | undefined>): string | undefined {
  let unknown = false;
  const out = text.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_, braced: string | undefined, colon: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
    const value = envValue(args, (braced ?? bare)!);
    const set = colon ? !!value : value !== undefined;
    if (op === '-') return set ? value! : (word ?? '');
    if (op === '+') return set ? (word ?? '') : '';
    if (value === undefined) unknown = true;
    return value ?? '';
  });
  return unknown ? undefined : out;
}

/** The words of an instruction as the shell splits them: quotes keep spaces together. */
const shellWords = (text: string): string[] => text.match(/(?:[^\s"']+|"(?:[^"\\]|\\.)*"|'[^']*')+/g) ?? [];

/** A word's value: quotes removed, `$NAME` substituted (not inside single quotes); undefined where a name has no value. */
function wordValue(word: string, args: Record<string, string | undefined>): string | undefined {
  let out = '';
  for (const [, single, double, bare] of word.matchAll(/'([^']*)'|"((?:[^"\\]|\\.)*)"|([^'"]+)/g)) {
    const part = single !== undefined ? single : substituteArgs(double !== undefined ? double.replace(/\\(["\\$])/g, '$1') : bare!, args);
    if (part === undefined) return undefined;
    out += part;
  }
  return out;
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
      for (const decl of shellWords(rest)) {
        const [name, value] = decl.split(/=(.*)/s) as [string, string?];
        globalArgs[name] = envValue(args, name) ?? (value === undefined ? undefined : wordValue(value, envMap(globalArgs, args)));
      }
    } else if (ins.keyword === 'FROM') {
      const [image, as, name] = shellWords(rest);
      const from = wordValue(image ?? '', envMap(globalArgs, args)) ?? image ?? '';
      info.stages.push({ from, uses: [], line: ins.line, ...(as?.toLowerCase() === 'as' && name ? { name: name.toLowerCase() } : {}) });
    } else if (ins.keyword === 'RUN') {
      for (const [flag, value] of f) {
        if (flag === 'mount') {
          const o = mountOptions(value);
          // BuildKit lowercases the type (commands_runmount.go parseMount): `type=Secret` is a secret mount
          const type = (o['type'] ?? 'bind').toLowerCase();
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
 * The stage `ref` names among the stages before `before`: by name (`FROM build`, `COPY --from=build`), or, where
 * `byIndex` (`COPY --from=0`, `RUN --mount=from=0`; a FROM line takes names only), by number.
 */
function earlierStage(info: DockerfileInfo, ref: string, before: number, byIndex: boolean): number | undefined {
  const lower = ref.toLowerCase();
  for (let i = before - 1; i >= 0; i--) if (info.stages[i]!.name === lower) return i;
  if (byIndex && /^\d+$/.test(ref) && Number(ref) < before) return Number(ref);
  return undefined;
}

/** The stage a build stops at: `target` (a stage name), else the last one; undefined when there is no such stage. */
function targetStage(info: DockerfileInfo, target?: string): number | undefined {
  if (target === undefined) return info.stages.length ? info.stages.length - 1 : undefined;
  const i = info.stages.findLastIndex((s) => s.name === target.toLowerCase());
  return i < 0 ? undefined : i;
}

/** An image that can be named: not `scratch`, not one whose build args had no value. */
const nameable = (ref: string) => !!ref && ref.toLowerCase() !== 'scratch' && !ref.includes('$');

/**
 * The images a build starts from or copies from, for the stages `target` needs (the last stage without
 * one): not stage names, not `scratch`, and only those whose name could be worked out.
 */
export function externalImages(info: DockerfileInfo, target?: string): string[] {
  const images = new Set<string>();
  const seen = new Set<number>();
  const visit = (i: number) => {
    if (seen.has(i)) return;
    seen.add(i);
    const stage = info.stages[i]!;
    const from = earlierStage(info, stage.from, i, false);
    if (from !== undefined) visit(from);
    else if (nameable(stage.from)) images.add(stage.from);
    for (const ref of stage.uses) {
      const s = earlierStage(info, ref, i, true);
      if (s !== undefined) visit(s);
      else if (nameable(ref)) images.add(ref);
    }
  };
  const last = targetStage(info, target);
  if (last !== undefined) visit(last);
  return [...images];
}

/**
 * The image the target stage (the last one without a target) is built on, followed through the stages it builds
 * on (`FROM base AS dev` after `FROM node:22 AS base` is node:22): what a devcontainer's Dockerfile runs on.
 * Undefined when that cannot be told: no FROM, no such target, an image named by a build arg without a value,
 * or `scratch`.
 */
export function baseImage(info: DockerfileInfo, target?: string): string | undefined {
  let i = targetStage(info, target);
  while (i !== undefined) {
    const from = info.stages[i]!.from;
    const earlier = earlierStage(info, from, i, false);
    if (earlier === undefined) return nameable(from) ? from : undefined;
    i = earlier;
  }
  return undefined;
}

/** The base image of a Dockerfile's text (see baseImage), with the build args given. */
export function dockerfileBaseImage(text: string, options: { target?: string; args?: Record<string, string> } = {}): string | undefined {
  return baseImage(readDockerfile(text, options.args), options.target);
}

/** The stage names a target may be (for "no such stage" before anything is sent). */
export function stageNames(info: DockerfileInfo): string[] {
  return info.stages.flatMap((s) => (s.name ? [s.name] : []));
}
