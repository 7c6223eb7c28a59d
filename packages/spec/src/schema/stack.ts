import { z } from 'zod';

export const StackDependency = z.strictObject({
  name: z.string(),
  purpose: z.string().optional(),
  sharedWith: z.array(z.string()).default([]).describe('Other repos that use it too.'),
});

export const OptionalGroup = z.strictObject({
  name: z.string(),
  packages: z.array(z.string()).min(1),
  purpose: z.string().optional(),
});

export const SetupStep = z.strictObject({
  description: z.string().optional(),
  command: z.string(),
});

/** The language stack: how the repo's code is installed, linted and tested. */
export const Stack = z.strictObject({
  language: z.string(),
  version: z.string().optional(),
  packageManager: z.string().optional(),
  packageManagerNote: z.string().optional().describe('Such as "with pyproject.toml (DevContainer; global standard is uv)".'),
  virtualEnv: z.string().optional(),
  linter: z.string().optional(),
  formatter: z.string().optional(),
  testFramework: z.string().optional(),
  dependencies: z.array(StackDependency).default([]),
  optionalGroups: z.array(OptionalGroup).default([]),
  setup: z.array(SetupStep).default([]),
});
export type Stack = z.output<typeof Stack>;
