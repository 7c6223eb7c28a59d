/**
 * Errors and log lines in one line. The SDK writes zod's whole issue list, pretty-printed, into some messages
 * (forty lines for one wrong field); berth says its first issue, `path: message`, which names the field.
 */
import { ProtocolErrorCode, type JSONRPCMessage } from '@modelcontextprotocol/server';

interface Issue {
  path?: unknown;
  message?: unknown;
  errors?: Issue[][];
}

/** An issue of zod's, as one `path: message` line; a union's by its first branch's first issue. */
function issueLine(issue: Issue | undefined, path: unknown[] = []): string | undefined {
  if (!issue || typeof issue.message !== 'string' || !Array.isArray(issue.path)) return undefined;
  const at = [...path, ...(issue.path as unknown[])];
  const inner = issue.errors?.[0]?.[0];
  if (inner) return issueLine(inner, at);
  return at.length ? `${at.join('.')}: ${issue.message}` : issue.message;
}

/** The first issue of a zod issue list written out as JSON (`[{ "path": [...], "message": ... }]`), if `text` is one. */
function firstIssue(text: string): string | undefined {
  try {
    const issues: unknown = JSON.parse(text);
    return Array.isArray(issues) ? issueLine(issues[0] as Issue) : undefined;
  } catch {
    return undefined;
  }
}

/** `text` split into the words before a zod issue list in it and that list's first issue, if it holds one. */
function splitIssues(text: string): { before: string; issue: string } | undefined {
  const at = text.indexOf('[');
  const issue = at < 0 ? undefined : firstIssue(text.slice(at));
  return issue === undefined ? undefined : { before: text.slice(0, at), issue };
}

/** A message in one line: a zod issue list becomes its first issue; line breaks become spaces. */
export function oneLine(text: string): string {
  const split = splitIssues(text);
  return (split ? `${split.before}${split.issue}` : text).replace(/\s*\n\s*/g, ' ');
}

/**
 * An error response in one line. The SDK answers a request whose params fail the method's schema with zod's
 * issue list as the message, and as -32603 "internal error" when it checks them before any handler runs
 * (`initialize` without params, `resources/read` without a uri): that is the client's mistake, -32602 invalid
 * params, and its first issue says which field.
 */
export function plainError<T extends JSONRPCMessage>(message: T): T {
  if (!('error' in message) || typeof message.error?.message !== 'string') return message;
  const split = splitIssues(message.error.message);
  if (!split) return message;
  const bare = !split.before && message.error.code === ProtocolErrorCode.InternalError;
  return { ...message, error: { ...message.error, code: bare ? ProtocolErrorCode.InvalidParams : message.error.code, message: `${bare ? 'Invalid params: ' : split.before}${split.issue}` } };
}
