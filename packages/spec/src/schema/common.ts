import { z } from 'zod';
import { IDENTIFIER_PATTERN } from './identifier-pattern.js';
import { ipBytes } from './ip-address.js';
import { alsoInJsonSchema } from './json-schema-extra.js';

/** A lower-case identifier, as Compose accepts for service and profile names. */
export const Identifier = z
  .string()
  .regex(IDENTIFIER_PATTERN, 'must start with a letter or digit and hold only letters, digits, "_", "." and "-"')
  .describe('An identifier: letters, digits, "_", "." and "-", starting with a letter or digit.');
export type Identifier = z.infer<typeof Identifier>;

export const EnvVarName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'is not a valid environment variable name')
  .describe('An environment variable name.');

const DURATION_RE = /^(?:\d+(?:\.\d+)?(?:us|ms|s|m|h))+$/;
const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Compose-style duration ("1m30s", "500ms") into milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  if (!DURATION_RE.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(us|ms|s|m|h)/g)) total += Number(m[1]) * UNIT_MS[m[2]!]!;
  return total;
}

/**
 * The longest wait berth can keep: Node's timers hold a signed 32-bit count of milliseconds (about 24.8 days), and
 * fire after 1 ms for anything longer, so a check "timed out after 34 d" in 12 ms.
 */
export const MAX_DURATION_MS = 2 ** 31 - 1;

/** A duration: a Compose-style string ("2s", "1m30s", "500ms") or a number of milliseconds. Parsed to milliseconds. */
export const Duration = z
  .union([
    alsoInJsonSchema(z.number().nonnegative(), { maximum: MAX_DURATION_MS }),
    alsoInJsonSchema(z.string().refine((s) => parseDuration(s) !== undefined, { message: 'is not a duration such as "2s", "500ms" or "1m30s"' }), { pattern: DURATION_RE.source }),
  ])
  .transform((v) => (typeof v === 'number' ? v : parseDuration(v)!))
  .refine((ms) => ms <= MAX_DURATION_MS, { message: 'is longer than berth can wait (24 days at most)' })
  .describe('A duration such as "2s", "500ms" or "1m30s", or a number of milliseconds; at most 24 days (2147483647 ms), which a string\'s pattern cannot say.');

/** A duration that must be longer than 0: how long a check may take, how often it runs. */
export const PositiveDuration = alsoInJsonSchema(Duration.refine((ms) => ms > 0, { message: 'must be longer than 0' }), {
  not: { anyOf: [{ const: 0 }, { type: 'string', pattern: '^(?:0+(?:\\.0+)?(?:us|ms|s|m|h))+$' }] },
});

export const PortNumber = z
  .number({ error: 'must be a port number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535')
  .describe('A TCP/UDP port number, 1-65535.');

const RANGE_RE = /^(\d{1,5})-(\d{1,5})$/;

/** A port or an inclusive port range, written `5000` or `"7000-7010"`. Parsed to `{ from, to }`. */
export const PortOrRange = z
  .union([
    PortNumber,
    z.string().regex(/^\d{1,5}(-\d{1,5})?$/, 'must be a port (5000) or a range ("7000-7010")'),
  ])
  .transform((v, ctx) => {
    if (typeof v === 'number') return { from: v, to: v };
    const m = RANGE_RE.exec(v);
    const from = Number(m ? m[1] : v);
    const to = Number(m ? m[2] : v);
    if (from < 1 || to > 65535 || from > 65535 || to < 1) {
      ctx.addIssue({ code: 'custom', message: 'must be between 1 and 65535' });
      return z.NEVER;
    }
    if (from > to) {
      ctx.addIssue({ code: 'custom', message: `range starts after it ends (${from} > ${to})` });
      return z.NEVER;
    }
    return { from, to };
  })
  .describe('A port (5000) or an inclusive range ("7000-7010"). berth also refuses a range that starts after it ends ("7010-7000") and a port in a string outside 1-65535, which this JSON Schema does not say.');
export type PortRange = { from: number; to: number };

/** Whether TEXT is an IP address as Docker reads a port's host address: IPv4, or IPv6 in any spelling (no brackets, no zone). */
export function isIpAddress(text: string): boolean {
  return ipBytes(text) !== undefined;
}

/** The address a published port is bound to on the host. */
export const HostIp = z
  .string()
  .refine(isIpAddress, { message: 'must be an IP address, such as 127.0.0.1, 0.0.0.0 or ::1' });

export const Protocol = z.enum(['tcp', 'udp']).default('tcp').describe('Transport protocol; tcp unless stated.');

/** Free-form extension fields, as Compose's `x-` keys. */
export const Extensions = z.record(z.string().regex(/^x-/), z.unknown());

export const RelatedDoc = z
  .strictObject({
    title: z.string().describe('Link text.'),
    href: z.string().describe('A relative path or a URL.'),
    description: z.string().optional().describe('What the reader finds there.'),
  })
  .describe('A document related to this repo\'s infrastructure.');
export type RelatedDoc = z.infer<typeof RelatedDoc>;

const SIZE_RE = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?b?)\s*$/i;
/** SIZE_RE for a JSON Schema pattern, which has no flags. */
const SIZE_PATTERN = SIZE_RE.source.replace('[kmg]?b?', '[kmgKMG]?[bB]?');
const SIZE_UNITS: Record<string, number> = { b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

/** Compose's sizes: bytes, or `512m`, `2gb` (powers of 1024); undefined when it is not a size. */
export function parseSize(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  const m = SIZE_RE.exec(value);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * (SIZE_UNITS[(m[2] || 'b').toLowerCase()] ?? 1));
}

/** A size as Compose writes one: bytes, or a number with b, k, m or g (`512m`, `2gb`). */
export const Size = z
  .union([alsoInJsonSchema(z.string(), { pattern: SIZE_PATTERN }), z.number().int().nonnegative()])
  .refine((v) => parseSize(v) !== undefined, { message: 'must be a size: bytes, or a number with b, k, m or g, such as 512m or 2gb' });
