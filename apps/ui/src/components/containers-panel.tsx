import type { ContainersResponse } from '@berth/api/contract';
import { containerBadge } from '../format/container-badge.js';
import { formatDuration } from '../format/format.js';
import { Unavailable } from './panel.js';

/** The project's containers as the engines report them; with several engines, each naming its own. */
export function ContainersPanel({ data }: { data: ContainersResponse }) {
  if (!data.available) return <Unavailable reason={data.reason} />;
  if (data.containers.length === 0) return <p className="muted">No containers for project {data.project}.</p>;
  const many = (data.engines?.length ?? 1) > 1;
  return (
    <div className="scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">State</th>
            <th scope="col">Service</th>
            {many && <th scope="col">Engine</th>}
            <th scope="col">Image</th>
            <th scope="col">Ports</th>
            <th scope="col">Up for</th>
          </tr>
        </thead>
        <tbody>
          {data.containers.map((c) => (
            <tr key={c.service + (c.container ?? '') + (c.engine ?? '')} data-container={c.service} data-state={c.state}>
              <td>
                <span className={`badge ${containerBadge(c)}`}>
                  {c.state}
                  {c.health && c.health !== 'none' ? ` · ${c.health}` : ''}
                  {c.state === 'exited' && c.exitCode != null ? ` (${c.exitCode})` : ''}
                </span>
              </td>
              <th scope="row">
                {c.service}
                {c.container && <span className="sub">{c.container}</span>}
                {c.tasks && (
                  <span className="sub" data-tasks={`${c.tasks.running}/${c.tasks.desired}`}>
                    swarm tasks {c.tasks.running}/{c.tasks.desired}
                    {c.tasks.nodes.length ? ` · ${c.tasks.nodes.map((n) => `${n.node} ${n.running}/${n.desired}`).join(', ')}` : ''}
                  </span>
                )}
              </th>
              {many && <td className="mono small">{c.engine ?? '—'}</td>}
              <td className="mono small">{c.image ?? '—'}</td>
              <td className="mono small">{c.ports.map((p) => `${p.host}→${p.container}${p.protocol === 'tcp' ? '' : `/${p.protocol}`}`).join(', ') || '—'}</td>
              <td>{c.state === 'running' ? formatDuration(c.uptimeMs) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        Project {data.project} on {many ? data.engines!.map((e) => `${e.name} (${e.endpoint})`).join(', ') : data.endpoint}
      </p>
    </div>
  );
}
