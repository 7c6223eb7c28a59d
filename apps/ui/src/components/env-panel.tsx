import type { EnvResponse } from '@berth/api/contract';
import { Flag } from './status-badge.js';
import { Unavailable } from './panel.js';

/** Env status per module: names and set/missing/valid only. The API never sends a value, and we show none. */
export function EnvPanel({ env }: { env: EnvResponse }) {
  if (!env.available) return <Unavailable reason={env.reason} />;
  if (env.modules.length === 0) return <p className="muted">The spec declares no environment variables.</p>;
  return (
    <div className="env-grid">
      {env.modules.map((m) => (
        <details key={m.module} className="env-module" data-module={m.module} open={!m.ok}>
          <summary>
            <strong>{m.module}</strong> <Flag ok={m.ok} yes="ready" no="needs attention" />{' '}
            <span className="muted small">
              {m.vars.filter((v) => v.set).length}/{m.vars.length} set
            </span>
          </summary>
          {m.description && <p className="small muted">{m.description}</p>}
          <ul className="vars">
            {m.vars.map((v) => (
              <li key={v.name}>
                <code>{v.name}</code> <Flag ok={v.set} yes="set" no={v.required ? 'missing' : 'not set'} warnOnly={!v.required} />
                {v.set && !v.valid && <Flag ok={false} yes="" no="invalid" />}
                {v.secret && <span className="tag">secret</span>}
                {v.source && v.source !== 'env' && <span className="tag">{v.source}</span>}
                {v.reason && <span className="sub">{v.reason}</span>}
              </li>
            ))}
          </ul>
        </details>
      ))}
    </div>
  );
}
