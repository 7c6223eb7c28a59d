import type { EcosystemResponse } from '@berth/api/contract';
import { formatPorts } from '../format/format.js';

type Ecosystem = Extract<EcosystemResponse, { available: true }>;

/**
 * The ecosystem this repo belongs to, from the orchestrator's seat: the port map across repos with conflicts in
 * words, every member with its ports and who uses it, who uses whom on which port, and each finding with the repos
 * it concerns. Rendered only when the server found an ecosystem (App hides it otherwise).
 */
export function EcosystemPanel({ eco }: { eco: Ecosystem }) {
  return (
    <>
      <p className="muted small">
        {eco.name ? <strong>{eco.name}</strong> : 'Ecosystem'}: {eco.members.length} member{eco.members.length === 1 ? '' : 's'}, manifest {eco.manifest}, registry {eco.registry}
        {eco.member ? '' : ` — ${eco.repo} is not named in the manifest; it is shown as if it were`}
        {eco.unloaded.length > 0 && ` — not loaded: ${eco.unloaded.join(', ')}`}
      </p>
      <Conflicts eco={eco} />
      <Members eco={eco} />
      <Uses eco={eco} />
      <Findings eco={eco} />
    </>
  );
}

function Conflicts({ eco }: { eco: Ecosystem }) {
  if (eco.conflicts.length === 0) return <p className="ok-line">No port conflicts across the repos.</p>;
  return (
    <ul className="conflicts">
      {eco.conflicts.map((c) => (
        <li key={`${c.port}/${c.protocol}`} className={c.exclusive ? 'warn' : 'bad'} data-eco-conflict={c.port}>
          <strong>
            {c.exclusive ? 'Shared, exclusive' : 'Conflict'}: port {formatPorts(c.port, c.port, c.protocol)}
          </strong>{' '}
          — {c.holders.map((h) => (h.repo ? `${h.repo}/${h.service}` : h.service)).join(' and ')}
          {c.exclusive ? ' are declared never to run together.' : ' both publish it.'}
        </li>
      ))}
    </ul>
  );
}

function Members({ eco }: { eco: Ecosystem }) {
  return (
    <div className="scroll">
      <table>
        <caption className="sr-only">Member repos</caption>
        <thead>
          <tr>
            <th scope="col">Repo</th>
            <th scope="col">Services and ports</th>
            <th scope="col">Used by</th>
            <th scope="col" className="num">Findings</th>
          </tr>
        </thead>
        <tbody>
          {eco.members.map((m) => (
            <tr key={m.repo} data-member={m.repo} className={m.repo === eco.repo ? 'this-repo' : undefined}>
              <th scope="row">
                {m.repo}
                {m.repo === eco.repo && <span className="tag">this repo</span>}
                <span className="sub mono">{m.source.text}</span>
              </th>
              <td>{m.services.length ? m.services.map((s) => `${s.id} ${s.ports.map((p) => (p.protocol === 'tcp' ? p.port : `${p.port}/${p.protocol}`)).join(', ')}`).join(' · ') : '—'}</td>
              <td data-consumed-by>{m.consumedBy.length ? m.consumedBy.map((c) => `${c.repo} (${c.services.join(', ')})`).join(', ') : '—'}</td>
              <td className="num">{m.errors || m.warnings ? [m.errors ? `${m.errors} error${m.errors === 1 ? '' : 's'}` : '', m.warnings ? `${m.warnings} warning${m.warnings === 1 ? '' : 's'}` : ''].filter(Boolean).join(', ') : 'none'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Who uses whom: each connection of a member drawn as an arrow to the service it reaches, with the port. */
function Uses({ eco }: { eco: Ecosystem }) {
  if (eco.edges.length === 0) return <p className="muted">No member connects to another's service.</p>;
  return (
    <>
      <h3 className="small">Who uses whom</h3>
      <ul className="edges">
        {eco.edges.map((e) => {
          const to = e.to.repo ? `${e.to.repo}/${e.to.service}` : `${e.to.service} (shared)`;
          return (
            <li key={`${e.from.repo}:${e.from.connection}`} data-edge={`${e.from.repo}->${e.to.repo ?? 'shared'}/${e.to.service}`}>
              <span className="mono">{e.from.repo}</span> <span className="muted">{e.from.connection}</span> → <span className="mono">{to}</span> <span className="muted">on {e.port}</span>
            </li>
          );
        })}
      </ul>
    </>
  );
}

function Findings({ eco }: { eco: Ecosystem }) {
  if (eco.problems.length === 0) return <p className="ok-line">No cross-repo findings.</p>;
  return (
    <>
      <h3 className="small">Findings</h3>
      <ul className="conflicts">
        {eco.problems.map((p, i) => (
          <li key={i} className={p.severity === 'error' ? 'bad' : 'warn'} data-eco-problem={p.code}>
            <strong>{p.severity === 'error' ? 'Error' : 'Warning'}</strong> ({p.repos.join(', ') || 'the ecosystem'}): {p.message}
            {p.file && (
              <span className="sub mono">
                {p.file}
                {p.line ? `:${p.line}:${p.col ?? 1}` : ''}
              </span>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
