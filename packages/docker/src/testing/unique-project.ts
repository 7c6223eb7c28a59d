import { randomBytes } from 'node:crypto';

/** A project name no other test (or helper running tests at the same time) will use. */
export function uniqueProject(prefix = 'berth-test'): string {
  return `${prefix}-${process.pid}-${randomBytes(3).toString('hex')}`.toLowerCase().replace(/[^a-z0-9_-]/g, '-');
}
