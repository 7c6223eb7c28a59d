import { BerthError } from '@berth/spec';

/** An engine API error, shaped like dockerode's (statusCode, json.message) so one translator serves both. */
export class EngineApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly json: { message?: string } | undefined,
    what: string,
  ) {
    super(`(HTTP code ${statusCode}) ${what} - ${json?.message ?? ''}`.trim());
    this.name = 'EngineApiError';
  }

  /** From an error answer: the engine's JSON `message`, or the body's text. */
  static from(status: number, body: Buffer): EngineApiError {
    let json: { message?: string } | undefined;
    try {
      json = JSON.parse(body.toString('utf8')) as { message?: string };
    } catch {
      json = { message: body.toString('utf8').trim() };
    }
    return new EngineApiError(status, json, status === 404 ? 'no such object' : status === 409 ? 'conflict' : 'server error');
  }
}

/** The engine took a call and never answered it (frozen, deadlocked, or gone mid-call). Exit 3, as when it cannot be reached. */
export class EngineStalledError extends BerthError {
  constructor(endpoint: string, detail: string, how: 'stopped answering' | 'went away' = 'stopped answering') {
    super('ERR_BERTH_ENGINE_STALLED', `the engine at ${endpoint} ${how} (${detail})`, {
      hint:
        how === 'went away'
          ? 'check the Docker daemon (did it stop, crash or restart?); what berth made carries its labels, and the next berth up converges'
          : 'check the Docker daemon (is it frozen, overloaded or restarting?); what berth made carries its labels, and the next berth up converges',
    });
  }
}

/** What each socket-level failure means, in the words berth says it: the engine's end of the connection, not berth. */
const CONNECTION_FAULTS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ECONNABORTED: 'connection aborted',
  EPIPE: 'connection closed',
  ENOENT: 'its socket is gone',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
};

/**
 * A call's connection failed under it (the engine killed, restarted, its socket removed): the few words for it, or
 * undefined when the error is not the connection's (an engine's answer, an abort, a bug). Node says "socket hang up"
 * (ECONNRESET) when the engine closes a connection before answering.
 */
export function connectionFault(err: unknown): string | undefined {
  if (err instanceof BerthError) return undefined;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code ? CONNECTION_FAULTS[code] : undefined;
}

/** A call whose connection failed becomes "the engine at ... went away" (exit 3); any other error is returned as it is. */
export function engineGone(endpoint: string, what: string, err: Error): Error {
  const fault = connectionFault(err);
  return fault ? new EngineStalledError(endpoint, `${fault} during ${what}`, 'went away') : err;
}

/** The error an aborted wait or call ends with: `AbortError`, with what aborted it as its cause. */
export function abortError(reason?: unknown): Error {
  const e = new Error('interrupted', reason === undefined ? undefined : { cause: reason });
  e.name = 'AbortError';
  return e;
}

/** The codes that mean an engine is out of reach: not found, not answering, or its ssh way in failing. */
const OUT_OF_REACH = new Set(['ERR_BERTH_ENGINE_UNREACHABLE', 'ERR_BERTH_ENGINES_UNREACHABLE', 'ERR_BERTH_ENGINE_STALLED', 'ERR_BERTH_SSH_KEY_REFUSED', 'ERR_BERTH_SSH_HOST_KEY', 'ERR_BERTH_SSH_UNREACHABLE', 'ERR_BERTH_SSH_NO_DOCKER', 'ERR_BERTH_SSH_NO_ENGINE', 'ERR_BERTH_SSH_FAILED']);

/** An engine could not be reached, or stopped answering (see OUT_OF_REACH). */
export function isOutOfReach(err: unknown): boolean {
  return err instanceof BerthError && OUT_OF_REACH.has(err.code);
}

export function isAbort(err: unknown): boolean {
  return (err as { name?: string } | undefined)?.name === 'AbortError';
}

/** Whether an abort reason is a deadline passing (AbortSignal.timeout's TimeoutError) rather than a person. */
export function isDeadline(reason: unknown): boolean {
  return (reason as { name?: string } | undefined)?.name === 'TimeoutError';
}

function messageOf(err: unknown): string {
  const e = err as { json?: { message?: string }; reason?: string; message?: string };
  return e?.json?.message ?? e?.message ?? String(err);
}

/** The engine's message for a failed call, without dockerode's "(HTTP code 500) server error -" prefix. */
export function engineMessage(err: unknown): string {
  return messageOf(err).replace(/^\(HTTP code \d+\)[^-]*- /, '').trim();
}

/** An answer from the engine (not a bug in berth, not a stall): it has a status code. */
export function isEngineAnswer(err: unknown): boolean {
  return typeof (err as { statusCode?: unknown } | undefined)?.statusCode === 'number';
}

/**
 * The container went away under berth: someone removed it (another `berth down`, `docker rm`) between
 * two calls. An expected race, not a bug.
 */
export function isContainerGone(err: unknown): boolean {
  if (!isEngineAnswer(err)) return false;
  const status = (err as { statusCode: number }).statusCode;
  const text = engineMessage(err);
  return (status === 404 && /container/i.test(text)) || /no such container|is being removed|removal of container .* is already in progress|marked for removal/i.test(text);
}

/** The project's network went away under berth (a `down` at the same time). */
export function isNetworkGone(err: unknown): boolean {
  return isEngineAnswer(err) && /network .* not found|no such network/i.test(engineMessage(err));
}

/** "its container was removed while berth was starting it": one line, exit 1, the next `up` mends it. */
export function containerGone(service: string, doing: string): BerthError {
  return new BerthError('ERR_BERTH_CONTAINER_GONE', `service "${service}": its container was removed while berth was ${doing} (a berth down or docker rm at the same time?)`, {
    hint: 'run berth up again: it creates what is missing',
  });
}

/**
 * Turns a failed create/start into a line a user can act on: the missing NVIDIA toolkit, a port
 * taken after the preflight (on an engine of another machine, `remoteHost`: held there by a process the
 * preflight could not see), an image missing, the container or network removed meanwhile. Other
 * engine messages pass through. What is not an answer of the engine (an abort, a stall, a bug) is
 * returned as it is.
 */
export function explainStartError(service: string, err: unknown, remoteHost?: string): unknown {
  if (!isEngineAnswer(err)) return err;
  const text = engineMessage(err);
  if (/could not select device driver/i.test(text)) {
    return new BerthError('ERR_BERTH_GPU_RUNTIME', `service "${service}" asks for a GPU but the engine has no GPU runtime (${text})`, {
      hint: 'install the NVIDIA Container Toolkit (apt install nvidia-container-toolkit; nvidia-ctk runtime configure --runtime=docker; restart dockerd), or drop `gpu:` from the service',
    });
  }
  const port = /(?:Bind for [^ ]*?:(\d+) failed: port is already allocated|listen (?:tcp|udp)[46]? [^ ]*?:(\d+): bind: address already in use)/i.exec(text);
  if (port && remoteHost) {
    // The preflight saw that engine's containers only: no container had the port, so a process of that machine holds it.
    const n = port[1] ?? port[2];
    return new BerthError('ERR_BERTH_PORT_TAKEN', `service "${service}": host port ${n} is held on ${remoteHost} by something berth cannot see from here, not a container (${text})`, {
      hint: `free it on ${remoteHost} (ss -ltnp 'sport = :${n}' there names the process), or move ${service} to a free port: berth ports suggest`,
    });
  }
  if (port) {
    return new BerthError('ERR_BERTH_PORT_TAKEN', `service "${service}": host port ${port[1] ?? port[2]} was taken after the preflight check (${text})`, {
      hint: 'something started on that port in the meantime: run `berth up` again to see who holds it',
    });
  }
  if (/No such image/i.test(text)) {
    return new BerthError('ERR_BERTH_IMAGE_MISSING', `service "${service}": image not found locally (${text})`, { hint: 'berth does not pull unless --pull' });
  }
  if (isContainerGone(err)) return containerGone(service, 'starting it');
  if (isNetworkGone(err)) {
    return new BerthError('ERR_BERTH_NETWORK_GONE', `service "${service}": the project's network was removed while berth was creating it (a berth down at the same time?)`, {
      hint: 'run berth up again: it creates what is missing',
    });
  }
  return new BerthError('ERR_BERTH_ENGINE', `service "${service}": ${text}`);
}

/**
 * At the edge of an engine command: an answer the engine gave (a status code) becomes a one-line
 * BerthError saying what berth was doing; BerthErrors, aborts and anything else (a bug) pass through.
 */
export function engineRefused(err: unknown, doing: string): unknown {
  if (err instanceof BerthError || !isEngineAnswer(err)) return err;
  return new BerthError('ERR_BERTH_ENGINE', `the engine refused ${doing}: ${engineMessage(err)}`);
}
