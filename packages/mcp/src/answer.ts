import { formatProblem, type Problem } from '@berth/spec';
import type { CallToolResult } from '@modelcontextprotocol/server';
import type { CliRun } from './host.js';
import { summarize, type BerthTool } from './tools.js';

/** Log lines kept at most in one answer, and characters: an agent's context is not a log store. */
export const MAX_LOG_LINES = 2000;
export const MAX_LOG_CHARS = 1024 * 1024;

type Json = Record<string, unknown>;

/**
 * The error lines the CLI prints without --json for an error it reported with --json: one line per
 * problem (`file:line:col: message`), else `berth: message`, then the hint.
 */
export function errorLines(json: Json): string[] | undefined {
  const error = json.error as { message?: string; hint?: string } | undefined;
  if (!error || typeof error !== 'object' || typeof error.message !== 'string') return undefined;
  const problems = Array.isArray(json.problems) ? (json.problems as Problem[]) : [];
  const lines = problems.length ? problems.map(formatProblem) : [`berth: ${error.message}`];
  return error.hint ? [...lines, `hint: ${error.hint}`] : lines;
}

/** A JSON object, or undefined for anything else (empty output, a list, not JSON). */
export function parseJson(text: string): Json | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
  } catch {
    return undefined;
  }
}

/** `berth logs --json` prints one JSON object per line; the answer holds them as `lines`, the newest kept when there are too many. */
function logLines(stdout: string): Json | undefined {
  const lines: Json[] = [];
  for (const text of stdout.split('\n')) {
    if (!text.trim()) continue;
    const line = parseJson(text);
    if (!line) return undefined;
    // with no line to show, berth logs --json prints {"ok":true,"lines":0,...}: no log line
    if (line.ok === true && line.lines === 0) continue;
    lines.push(line);
  }
  const kept = lines.slice(-MAX_LOG_LINES);
  let chars = kept.reduce((n, l) => n + JSON.stringify(l).length, 0);
  while (chars > MAX_LOG_CHARS && kept.length) chars -= JSON.stringify(kept.shift()).length;
  return kept.length < lines.length ? { lines: kept, truncated: true, omitted: lines.length - kept.length } : { lines };
}

function toolError(lines: string[], structured?: Json): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: lines.join('\n') }], ...(structured ? { structuredContent: structured } : {}) };
}

/**
 * A tool's answer from the CLI run behind it. Structured content is exactly what `--json` printed; the text
 * is a one-line summary and the same data for clients that read only text. Exit 0 and 1 are answers (1: the
 * command found problems); an error the CLI reported, or any other exit, is a tool error with the CLI's lines.
 */
export function toolAnswer(tool: BerthTool, run: CliRun): CallToolResult {
  // A command that prints JSON lines still reports an error as one JSON document.
  const whole = parseJson(run.stdout);
  const json = tool.output === 'json-lines' && !(whole && errorLines(whole)) ? logLines(run.stdout) : whole;
  const errors = json && errorLines(json);
  if (errors) return toolError(errors, json);
  if (!json || (run.exitCode !== 0 && run.exitCode !== 1)) {
    const said = run.stderr.split('\n').map((l) => l.trimEnd()).filter(Boolean);
    return toolError(said.length ? said : [`the ${tool.name} tool: berth ended with exit code ${run.exitCode} and no answer`]);
  }
  const summary = summarize(tool, json);
  return { content: [{ type: 'text', text: summary }, { type: 'text', text: detail(tool, json) }], structuredContent: json };
}

/** The second text block: the page for docs, the log lines as the CLI shows them, else the JSON itself. */
function detail(tool: BerthTool, json: Json): string {
  if (tool.name === 'docs' && typeof json.markdown === 'string') return json.markdown;
  if (tool.output === 'json-lines') return (json.lines as Json[]).map((l) => `${l.service} | ${l.line}`).join('\n');
  return JSON.stringify(json);
}
