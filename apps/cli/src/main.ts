import { CommanderError } from 'commander';
import { BerthError } from '@berth/spec';
import { createProgram } from './program.js';
import { ExitCode, exitCodeOf } from './exit-codes.js';
import { Output, useColor } from './output.js';
import { Redaction } from './redaction.js';
import type { RunEnvironment } from './context.js';

/**
 * Runs berth with `argv` (without node and script) and returns its exit code.
 * Never throws and never calls process.exit: the same function serves the binary and in-process tests.
 */
export async function runCli(argv: string[], environment: RunEnvironment): Promise<number> {
  let exit: number = ExitCode.Ok;
  // One redactor for the run: commands, progress and the error report below all print through it.
  const run: RunEnvironment = { ...environment, redaction: environment.redaction ?? new Redaction(environment.env) };
  const json = argv.includes('--json');
  const program = createProgram(
    run,
    (code) => {
      exit = Math.max(exit, code);
    },
    { json },
  );
  const out = new Output(run, json, useColor(run.stderr, run.env, argv.includes('--no-color') ? false : undefined), run.redaction!.redact, argv.includes('--all-problems'));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exit;
  } catch (err) {
    return reportError(err, out);
  }
}

function reportError(err: unknown, out: Output): number {
  if (err instanceof CommanderError) {
    // --help, --version and `help` asked for: help on stderr is the answer. A group without its subcommand (`berth env`)
    // or `help nosuch` is commander's help as an error (exitCode 1): a usage error, like any other.
    const asked = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || (err.code === 'commander.help' && err.exitCode === 0);
    if (asked) return ExitCode.Ok;
    // commander has already printed its one-line message (or the help) on stderr; a script that asked for JSON gets it too
    if (out.json) {
      const message = err.code === 'commander.help' ? 'a subcommand is needed (see the help on stderr)' : err.message.replace(/^error: /, '');
      out.writeJson({ ok: false, error: { code: 'ERR_BERTH_USAGE', message } });
    }
    return ExitCode.BadInput;
  }
  if (err instanceof BerthError) {
    if (out.json) {
      out.writeJson(out.errorJson(err));
    } else if (err.problems.length) {
      out.problems(err.problems, 'stderr');
      if (err.hint) out.note(`hint: ${err.hint}`);
    } else {
      out.note(out.paint.red(`berth: ${err.message}`));
      if (err.hint) out.note(`hint: ${err.hint}`);
    }
    return exitCodeOf(err.code);
  }
  if (isAbort(err)) {
    out.note('berth: interrupted');
    // a script that asked for JSON reads every ending from stdout, this one too
    if (out.json) out.writeJson({ ok: false, error: { code: 'ERR_BERTH_INTERRUPTED', message: 'interrupted' } });
    return ExitCode.Interrupted;
  }
  // Anything else is a bug in berth: say so in one line, with the stack only when asked for.
  const e = err as Error;
  out.note(out.paint.red(`berth: internal error: ${e?.message ?? String(err)} (this is a bug; set BERTH_DEBUG=1 for the stack)`));
  if (out.json) out.writeJson({ ok: false, error: { code: 'ERR_BERTH_INTERNAL', message: `internal error: ${e?.message ?? String(err)} (this is a bug)` } });
  if (process.env.BERTH_DEBUG) out.note(String(e?.stack));
  return ExitCode.Internal;
}

function isAbort(err: unknown): boolean {
  return !!err && typeof err === 'object' && (err as { name?: string }).name === 'AbortError';
}
