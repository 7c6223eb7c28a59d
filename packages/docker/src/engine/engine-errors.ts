import { BerthError } from '@berth/spec';

function messageOf(err: unknown): string {
  const e = err as { json?: { message?: string }; reason?: string; message?: string };
  return e?.json?.message ?? e?.message ?? String(err);
}

/** The engine's message for a failed call, without dockerode's "(HTTP code 500) server error -" prefix. */
export function engineMessage(err: unknown): string {
  return messageOf(err).replace(/^\(HTTP code \d+\)[^-]*- /, '').trim();
}

/**
 * Turns a failed create/start into a line a user can act on: the missing NVIDIA toolkit,
 * a port taken after the preflight, an image missing. Other engine messages pass through.
 */
export function explainStartError(service: string, err: unknown): BerthError {
  const text = engineMessage(err);
  if (/could not select device driver/i.test(text)) {
    return new BerthError('ERR_BERTH_GPU_RUNTIME', `service "${service}" asks for a GPU but the engine has no GPU runtime (${text})`, {
      hint: 'install the NVIDIA Container Toolkit (apt install nvidia-container-toolkit; nvidia-ctk runtime configure --runtime=docker; restart dockerd), or drop `gpu:` from the service',
    });
  }
  const port = /(?:Bind for [^ ]*?:(\d+) failed: port is already allocated|listen (?:tcp|udp)[46]? [^ ]*?:(\d+): bind: address already in use)/i.exec(text);
  if (port) {
    return new BerthError('ERR_BERTH_PORT_TAKEN', `service "${service}": host port ${port[1] ?? port[2]} was taken after the preflight check (${text})`, {
      hint: 'something started on that port in the meantime: run `berth up` again to see who holds it',
    });
  }
  if (/No such image/i.test(text)) {
    return new BerthError('ERR_BERTH_IMAGE_MISSING', `service "${service}": image not found locally (${text})`, { hint: 'berth does not pull unless --pull' });
  }
  return new BerthError('ERR_BERTH_ENGINE', `service "${service}": ${text}`);
}
