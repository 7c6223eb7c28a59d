import type { RegistryResponse } from '@berth/api/contract';
import { formatPorts } from '../format/format.js';
import { Flag } from './status-badge.js';
import { Unavailable } from './panel.js';

type Registry = Extract<RegistryResponse, { available: true }>;

/** The port map: conflicts first, in words, then every binding with its registration and exclusive pairs. */
export function PortMap({ registry }: { registry: RegistryResponse }) {
  if (!registry.available) return <Unavailable reason={registry.reason} />;
  return (
    <>
      <Conflicts registry={registry} />
      <div className="scroll">
        <table>
          <thead>
            <tr>
              <th scope="col" className="num">Port</th>
              <th scope="col">Service</th>
              <th scope="col">Repo</th>
              <th scope="col">Env var</th>
              <th scope="col">Registry</th>
              <th scope="col">Never runs with</th>
            </tr>
          </thead>
          <tbody>
            {[...registry.bindings]
              .sort((a, b) => a.from - b.from || a.service.localeCompare(b.service))
              .map((b) => (
                <tr key={`${b.repo}:${b.service}:${b.from}:${b.protocol}:${b.name ?? ''}`} data-port={b.from}>
                  <td className="num mono">{formatPorts(b.from, b.to, b.protocol)}</td>
                  <th scope="row">
                    {b.service}
                    {b.name && <span className="sub">{b.name}</span>}
                  </th>
                  <td>{b.repo}</td>
                  <td className="mono">{b.env ?? '—'}</td>
                  <td>
                    <Flag ok={b.registered} yes="registered" no="not registered" warnOnly />
                  </td>
                  <td>{b.exclusiveWith.length ? b.exclusiveWith.join(', ') : '—'}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </div>
      {registry.file && <p className="muted small">Registry: {registry.file}</p>}
    </>
  );
}

function Conflicts({ registry }: { registry: Registry }) {
  if (registry.conflicts.length === 0) return <p className="ok-line">No port conflicts.</p>;
  return (
    <ul className="conflicts">
      {registry.conflicts.map((c) => {
        const holders = c.holders.map((h) => (h.repo ? `${h.service} (${h.repo})` : h.service)).join(' and ');
        return (
          <li key={`${c.port}/${c.protocol}`} className={c.exclusive ? 'warn' : 'bad'} data-conflict={c.port}>
            <strong>
              {c.exclusive ? 'Shared, exclusive' : 'Conflict'}: port {formatPorts(c.port, c.port, c.protocol)}
            </strong>{' '}
            — {holders}
            {c.exclusive ? ' are declared never to run together.' : ' both claim it.'}
          </li>
        );
      })}
    </ul>
  );
}
