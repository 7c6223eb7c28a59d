/** The builder berth asks the engine for (`version=2` BuildKit, `version=1` the classic one), and why. */
export interface BuilderChoice {
  kind: 'buildkit' | 'classic';
  why: string;
  /** What the user should know of this choice (BuildKit letting COPY see a file the .dockerignore names). */
  warning?: string;
}

/** What the engine says of itself: `GET /_ping`'s `Builder-Version`, `OSType` and `API-Version` headers. */
export interface EngineBuildFacts {
  builderVersion?: string;
  osType?: string;
  apiVersion?: string;
}

const apiAtLeast = (version: string | undefined, major: number, minor: number) => {
  const [a, b] = (version ?? '').split('.').map(Number);
  return a !== undefined && b !== undefined && (a > major || (a === major && b >= minor));
};

/**
 * Which builder to use, as the docker CLI decides, with one difference: where the engine does not say
 * (no `Builder-Version`, as Docker 20.10 sends), BuildKit is used when the engine has it (a Linux engine,
 * API 1.39 or later), since it runs without a session for everything berth sends it.
 * - `DOCKER_BUILDKIT=0`/`1` decides first, as for the docker CLI;
 * - then the engine's `Builder-Version`: `2` BuildKit, `1` the classic builder (its operator chose it);
 * - else BuildKit on a Linux engine with API ≥ 1.39, the classic builder otherwise (Windows engines).
 */
export function chooseBuilder(facts: EngineBuildFacts, env: NodeJS.ProcessEnv = process.env): BuilderChoice {
  const forced = env['DOCKER_BUILDKIT']?.trim().toLowerCase();
  if (forced === '0' || forced === 'false') return { kind: 'classic', why: 'DOCKER_BUILDKIT=0' };
  if (forced === '1' || forced === 'true') return { kind: 'buildkit', why: 'DOCKER_BUILDKIT=1' };
  if (facts.builderVersion === '2') return { kind: 'buildkit', why: "the engine's default builder (Builder-Version: 2)" };
  if (facts.builderVersion === '1') return { kind: 'classic', why: "the engine's default builder (Builder-Version: 1)" };
  if ((facts.osType ?? 'linux').toLowerCase() === 'linux' && apiAtLeast(facts.apiVersion, 1, 39)) {
    return { kind: 'buildkit', why: `the engine offers BuildKit (API ${facts.apiVersion}, ${facts.osType ?? 'linux'})` };
  }
  return { kind: 'classic', why: `the engine offers no BuildKit (API ${facts.apiVersion ?? 'unknown'}, ${facts.osType ?? 'unknown OS'})` };
}

/** Reads the facts from `/_ping`'s headers (names lower-cased). */
export function buildFactsFromPing(headers: Record<string, string>): EngineBuildFacts {
  return {
    ...(headers['builder-version'] ? { builderVersion: headers['builder-version'] } : {}),
    ...(headers['ostype'] ? { osType: headers['ostype'] } : {}),
    ...(headers['api-version'] ? { apiVersion: headers['api-version'] } : {}),
  };
}
