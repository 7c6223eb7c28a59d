import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { decodeTrace } from './buildkit-trace.js';

/** How a build ended, read from the engine's progress stream. */
export interface BuildOutcome {
  /** The image built (`sha256:...`); absent when the build failed. */
  imageId?: string;
  failure?: BuildFailure;
  /** Images the classic builder left for its cache (`---> id`), for whoever wants to remove them. */
  layers: string[];
}

export interface BuildFailure {
  /** The step that failed, as the builder names it (`[final 2/2] RUN make`, `Step 3/5 : RUN make`). */
  step?: string;
  /** The engine's message. */
  message: string;
  /** The last lines the failed step wrote. */
  output: string[];
}

const KEEP_LINES = 8;

interface EngineMessage {
  stream?: string;
  id?: string;
  aux?: unknown;
  error?: string;
  errorDetail?: { message?: string };
}

/**
 * Follows `POST /build`'s answer, either builder's: the classic one writes `Step 3/5 : RUN ...` and the
 * step's output as `stream` text and the image id as `aux`; BuildKit writes `moby.buildkit.trace`
 * messages (vertexes with names such as `[final 2/2] RUN make`, their logs and errors) and
 * `moby.image.id`. `onStep` is told each step as it starts. A stream that carries an error is a
 * failure whatever else it says.
 */
export class BuildProgress {
  private step: string | undefined;
  private readonly lines: string[] = [];
  private partial = '';
  private imageId: string | undefined;
  private failure: BuildFailure | undefined;
  private readonly layers: string[] = [];
  // BuildKit: what each vertex is called and wrote
  private readonly vertexes = new Map<string, { name: string; lines: string[]; partial: string; error?: string; told?: boolean }>();
  private readonly running: string[] = [];

  constructor(private readonly onStep: (step: string) => void = () => undefined) {}

  private keep(lines: string[], text: string, partial: string): string {
    const parts = (partial + text).split(/\r?\n|\r/);
    const rest = parts.pop() ?? '';
    for (const l of parts) if (l.trim()) lines.push(l.replace(/\s+$/, ''));
    if (lines.length > KEEP_LINES) lines.splice(0, lines.length - KEEP_LINES);
    return rest;
  }

  private classic(text: string): void {
    const step = /^Step \d+\/\d+ : .*/.exec(text.trim());
    if (step) {
      this.step = step[0];
      this.lines.length = 0;
      this.partial = '';
      this.onStep(this.step);
      return;
    }
    const layer = /^ ---> ([0-9a-f]{12,64})\s*$/.exec(text);
    if (layer) {
      this.layers.push(layer[1]!);
      return;
    }
    if (/^ ---> Running in |^Removing intermediate container |^ ---> Using cache|^Successfully (built|tagged) /.test(text)) return;
    this.partial = this.keep(this.lines, text, this.partial);
  }

  private trace(aux: string): void {
    const status = decodeTrace(aux);
    if (!status) return;
    for (const v of status.vertexes) {
      const known = this.vertexes.get(v.digest) ?? { name: v.name, lines: [], partial: '' };
      this.vertexes.set(v.digest, known);
      if (v.error) known.error = v.error;
      const at = this.running.indexOf(v.digest);
      if (v.started && !known.told) {
        // a step the cache answers comes started and done at once: told too, so the line moves on
        known.told = true;
        this.onStep(v.cached ? `${v.name} (cached)` : v.name);
      }
      if (v.completed || v.error) {
        if (at >= 0) this.running.splice(at, 1);
      } else if (v.started && at < 0) this.running.push(v.digest);
    }
    for (const l of status.logs) {
      const v = this.vertexes.get(l.vertex);
      if (v) v.partial = this.keep(v.lines, l.msg.toString('utf8'), v.partial);
    }
  }

  /** One message of the stream (one line of JSON). */
  message(m: EngineMessage): void {
    if (m.error || m.errorDetail) {
      const message = (m.errorDetail?.message ?? m.error ?? '').trim();
      const failed = [...this.vertexes.values()].find((v) => v.error);
      this.failure ??= failed
        ? { step: failed.name, message, output: [...failed.lines, ...(failed.partial.trim() ? [failed.partial] : [])] }
        : { ...(this.step ? { step: this.step } : {}), message, output: [...this.lines, ...(this.partial.trim() ? [this.partial] : [])] };
      return;
    }
    if (m.id === 'moby.buildkit.trace' && typeof m.aux === 'string') return this.trace(m.aux);
    if (m.aux && typeof m.aux === 'object' && typeof (m.aux as { ID?: unknown }).ID === 'string') {
      this.imageId = (m.aux as { ID: string }).ID;
      return;
    }
    if (typeof m.stream === 'string') this.classic(m.stream);
  }

  /** The step running now (the one started last, for BuildKit). */
  current(): string | undefined {
    const last = this.running.at(-1);
    return last ? this.vertexes.get(last)?.name : this.step;
  }

  outcome(): BuildOutcome {
    if (this.failure) return { failure: this.failure, layers: this.layers };
    if (!this.imageId) return { failure: { ...(this.current() ? { step: this.current()! } : {}), message: 'the engine ended the build without an image id', output: [] }, layers: this.layers };
    return { imageId: this.imageId, layers: this.layers };
  }
}

/** Reads the engine's answer to the end (newline-separated JSON messages) and says how the build ended. */
export async function followBuild(stream: Readable, onStep?: (step: string) => void): Promise<BuildOutcome> {
  const progress = new BuildProgress(onStep);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  const take = (line: string) => {
    const text = line.trim();
    if (!text) return;
    try {
      progress.message(JSON.parse(text) as EngineMessage);
    } catch {
      // not JSON: a proxy's or an old engine's plain text; its words are the best message there is
      progress.message({ stream: `${text}\n` });
    }
  };
  for await (const chunk of stream) {
    const parts = (rest + decoder.write(chunk as Buffer)).split('\n');
    rest = parts.pop() ?? '';
    parts.forEach(take);
  }
  take(rest + decoder.end());
  return progress.outcome();
}
