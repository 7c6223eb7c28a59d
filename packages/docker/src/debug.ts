/** Whether `BERTH_DEBUG` (a comma-separated list: `engine`, `build`) names `word`: berth then traces that part on stderr. */
export function debugging(env: NodeJS.ProcessEnv, word: string): boolean {
  return (env['BERTH_DEBUG'] ?? '').split(',').some((w) => w.trim() === word);
}
