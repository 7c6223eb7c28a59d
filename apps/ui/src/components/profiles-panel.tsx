import { useState } from 'react';
import type { ProfilesResponse } from '@berth/api/contract';
import { api, ApiError } from '../api/client.js';
import { readToken, saveToken } from '../api/token.js';
import { TokenDialog } from './token-dialog.js';
import { Unavailable } from './panel.js';

type Action = { name: string; action: 'up' | 'down' };
const stateWord = { running: 'running', partial: 'partly running', stopped: 'stopped', unknown: 'unknown' } as const;
const actionWord = { up: { verb: 'Start', button: 'Up' }, down: { verb: 'Stop', button: 'Down' } } as const;
const stateClass = { running: 's-passing', partial: 's-warning', stopped: 's-unknown', unknown: 's-unknown' } as const;

/** Profiles with up and down buttons; asks for the token on first use and again if it is refused. */
export function ProfilesPanel({ data, onChanged }: { data: ProfilesResponse; onChanged: () => void }) {
  // every profile with an action in flight: two profiles may run at once, and each keeps its buttons off until its own ends
  const [busy, setBusy] = useState<ReadonlySet<string>>(() => new Set());
  const [asking, setAsking] = useState<{ pending: Action; note?: string } | null>(null);
  const [messages, setMessages] = useState<Record<string, { ok: boolean; text: string }>>({});

  async function run(act: Action, token: string) {
    setBusy((b) => new Set(b).add(act.name));
    setMessages((m) => ({ ...m, [act.name]: { ok: true, text: act.action === 'up' ? 'Starting…' : 'Stopping…' } }));
    try {
      const res = await api.profileAction(act.name, act.action, token);
      setMessages((m) => ({ ...m, [act.name]: { ok: res.ok, text: res.message } }));
      onChanged();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        saveToken(undefined);
        setMessages((m) => ({ ...m, [act.name]: { ok: false, text: 'The token was refused.' } }));
        setAsking({ pending: act, note: 'That token was refused; check it and try again.' });
      } else setMessages((m) => ({ ...m, [act.name]: { ok: false, text: e instanceof Error ? e.message : String(e) } }));
    } finally {
      setBusy((b) => {
        const left = new Set(b);
        left.delete(act.name);
        return left;
      });
    }
  }

  function start(act: Action) {
    const token = readToken();
    if (token) void run(act, token);
    else setAsking({ pending: act });
  }

  return (
    <>
      {!data.engine.available && <Unavailable reason={`Docker engine: ${data.engine.reason}`} />}
      {data.profiles.length === 0 ? (
        <p className="muted">The spec declares no profiles.</p>
      ) : (
        <ul className="profiles">
          {data.profiles.map((p) => {
            const msg = messages[p.name];
            const isBusy = busy.has(p.name);
            return (
              <li key={p.name} data-profile={p.name} data-state={p.state}>
                <div className="profile-head">
                  <strong>{p.name}</strong>
                  <span className={`badge ${stateClass[p.state]}`}>{stateWord[p.state]}</span>
                </div>
                {p.description && <p className="small">{p.description}</p>}
                <p className="sub">{p.services.length ? p.services.join(', ') : 'no services'}</p>
                <div className="actions">
                  {/* busy is aria-disabled, not disabled: a disabled button cannot hold focus, so the token dialog closing
                      as the action starts would drop focus to the page instead of returning it to this button */}
                  {(['up', 'down'] as const).map((action) => (
                    <button
                      key={action}
                      type="button"
                      disabled={!data.engine.available}
                      aria-disabled={isBusy || undefined}
                      onClick={() => !isBusy && start({ name: p.name, action })}
                      aria-label={`${actionWord[action].verb} profile ${p.name}`}
                    >
                      {actionWord[action].button}
                    </button>
                  ))}
                </div>
                {msg && (
                  <p className={msg.ok ? 'small' : 'small error'} role="status">
                    {msg.text}
                  </p>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <TokenDialog
        open={asking !== null}
        note={asking?.note}
        onCancel={() => setAsking(null)}
        onSubmit={(token) => {
          const pending = asking?.pending;
          saveToken(token);
          setAsking(null);
          if (pending) void run(pending, token);
        }}
      />
    </>
  );
}
