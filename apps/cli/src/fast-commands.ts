/** Commands the code-cached fast path serves: those that only read and check the spec. */
export const FAST_COMMANDS = ['validate', 'ports', 'env', 'docs', 'schema', 'init'] as const;
