/**
 * The one error type configuration loading throws. It always carries every problem found,
 * never only the first, so an operator fixes a file in one pass.
 */
export class ConfigError extends Error {
  /** One entry per problem; each names the key path and where the value came from. */
  readonly problems: string[];

  constructor(problems: string[], header = 'invalid configuration') {
    const lines = problems.map((p) => `  - ${p}`);
    super([`${header} (${problems.length} problem${problems.length === 1 ? '' : 's'}):`, ...lines].join('\n'));
    this.name = 'ConfigError';
    this.problems = [...problems];
  }
}

/** Throws a ConfigError when `problems` is not empty. */
export function throwIfProblems(problems: string[], header?: string): void {
  if (problems.length > 0) throw new ConfigError(problems, header);
}
