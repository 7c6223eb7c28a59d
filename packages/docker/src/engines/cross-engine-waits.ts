import { BerthError } from '@berth/spec';
import { abortError, isAbort } from '../engine/engine-errors.js';
import type { WaitCondition } from '../engine/health-state.js';

type Wait = (condition: WaitCondition) => Promise<void>;

interface Owner {
  engine: string;
  wait: Promise<Wait>;
  offer(wait: Wait): void;
  fail(err: unknown): void;
}

/**
 * Dependencies across engines during one `up`: a service on one engine waits for the condition of a
 * dependency that another engine's `up` runs (started, healthy, completed), as it would for one of its
 * own. Each engine's `up` offers the conditions of its services as its plan begins; one that fails
 * before (an unreachable engine, a refused preflight) fails its services' waiters. A waiter learns of
 * a failure there as one line naming the dependency and its engine, never as an interrupt of its own.
 */
export class CrossEngineWaits {
  private readonly owners = new Map<string, Owner>();

  /** `placement`: each service of the selection and the engine that runs it. */
  constructor(placement: Map<string, string[]>) {
    for (const [engine, services] of placement) {
      for (const service of services) {
        let offer!: (w: Wait) => void;
        let fail!: (e: unknown) => void;
        const wait = new Promise<Wait>((resolve, reject) => ((offer = resolve), (fail = reject)));
        wait.catch(() => undefined);
        this.owners.set(service, { engine, wait, offer, fail });
      }
    }
  }

  /** The engine running `service`, when this `up` runs it at all. */
  engineOf(service: string): string | undefined {
    return this.owners.get(service)?.engine;
  }

  /** Called by the `up` that runs `service`, once its container's conditions can be waited for. */
  offer(service: string, wait: Wait): void {
    this.owners.get(service)?.offer(wait);
  }

  /** Called when an engine's `up` ended before offering its services (or failed after). */
  fail(engine: string, err: unknown): void {
    for (const o of this.owners.values()) if (o.engine === engine) o.fail(err);
  }

  /**
   * Waits, for `dependent` on engine `from`, until `service` on its own engine meets `condition`.
   * Ends at once when `signal` aborts (this engine's own failure, deadline or Ctrl-C).
   */
  async wait(dependent: string, service: string, condition: WaitCondition, signal: AbortSignal): Promise<void> {
    const owner = this.owners.get(service);
    if (!owner) return;
    const ended = new Promise<never>((_, reject) => {
      const onAbort = () => reject(abortError(signal.reason));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    ended.catch(() => undefined);
    try {
      await Promise.race([owner.wait.then((w) => w(condition)), ended]);
    } catch (err) {
      if (signal.aborted) throw abortError(signal.reason);
      const why = isAbort(err) ? 'its engine\'s up stopped' : (err as Error).message;
      throw new BerthError('ERR_BERTH_DEPENDENCY_FAILED', `service "${dependent}" waits for "${service}" on engine "${owner.engine}", which did not get there: ${why}`, {
        hint: `see what berth says about engine "${owner.engine}"; the next berth up goes on from there`,
      });
    }
  }
}
