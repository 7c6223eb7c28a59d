import { api } from './api/client.js';
import { ContainersPanel } from './components/containers-panel.js';
import { EcosystemPanel } from './components/ecosystem-panel.js';
import { EnvPanel } from './components/env-panel.js';
import { GpuPanel } from './components/gpu-panel.js';
import { Panel } from './components/panel.js';
import { PortMap } from './components/ports-panel.js';
import { ProfilesPanel } from './components/profiles-panel.js';
import { ServicesTable } from './components/services-panel.js';
import { StatusBadge } from './components/status-badge.js';
import { useEffect } from 'react';
import { STATUS_ORDER, type HealthStatus, type SpecOnDisk } from '@berth/api/contract';
import { formatAgo, statusLook } from './format/format.js';
import { useLiveServices, useNow } from './use-live-services.js';
import { usePoll } from './use-poll.js';

/** "4 up · 1 warning · 1 down": the whole table in one line, best to worst. */
function countLine(services: { status: HealthStatus }[]): string {
  const counts = new Map<HealthStatus, number>();
  for (const s of services) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  return STATUS_ORDER.filter((s) => counts.get(s)).map((s) => `${counts.get(s)} ${statusLook[s].word}`).join(' · ');
}

/**
 * The spec's files changed on disk since the server loaded them: the page still shows what the server runs, and says
 * so, with what stops the files loading now (as `berth validate` says it), until a restart applies them.
 */
function SpecChanged({ onDisk }: { onDisk: Extract<SpecOnDisk, { changed: true }> }) {
  const files = onDisk.files.map((f) => f.split('/').at(-1)).join(', ');
  return (
    <div className="spec-changed" role="status" data-testid="spec-changed">
      <p>
        <strong>{files} changed on disk</strong> at <time dateTime={onDisk.at} title={new Date(onDisk.at).toString()}>{new Date(onDisk.at).toLocaleTimeString()}</time>.{' '}
        {onDisk.loads ? 'This page shows what the server loaded at start: restart berth serve to apply the change.' : 'The files no longer load as they are; this page shows what the server loaded at start:'}
      </p>
      {!onDisk.loads && onDisk.problems.length > 0 && (
        <ul>
          {onDisk.problems.slice(0, 10).map((p, i) => (
            <li key={i}>
              <code>{p}</code>
            </li>
          ))}
          {onDisk.problems.length > 10 && <li>and {onDisk.problems.length - 10} more (berth validate lists them all)</li>}
        </ul>
      )}
    </div>
  );
}

const streamWord = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…' } as const;

export function App() {
  const now = useNow();
  const { live, stream, error, loaded, reconnects, specChanges } = useLiveServices();
  const spec = usePoll(api.spec, 300_000);
  const registry = usePoll(api.registry, 60_000);
  const env = usePoll(api.env, 60_000);
  const profiles = usePoll(api.profiles, 10_000);
  const containers = usePoll(api.containers, 10_000);
  const gpu = usePoll(api.gpu, 60_000);
  const ecosystem = usePoll(api.ecosystem, 300_000);
  const refreshEngine = () => {
    profiles.refresh();
    containers.refresh();
  };
  // The stream back after a drop: every polled panel asks again now, instead of showing "could not load" until its
  // next tick (up to five minutes).
  const polls = [spec.refresh, registry.refresh, env.refresh, profiles.refresh, containers.refresh, gpu.refresh, ecosystem.refresh];
  useEffect(() => {
    if (reconnects > 0) for (const refresh of polls) refresh();
  }, [reconnects, ...polls]); // the refresh functions never change: only a reconnection asks again
  useEffect(() => {
    if (specChanges > 0) spec.refresh();
  }, [specChanges, spec.refresh]);
  const title = spec.data ? spec.data.repo.name : 'berth';
  // With the stream lost, the page no longer knows the stack's state: it says so rather than keep the last one.
  const lost = loaded && stream === 'reconnecting';
  const overall: HealthStatus = lost ? 'unknown' : live.overall;
  const overallWord = `${statusLook[overall].word}${lost ? ' (reconnecting)' : ''}`;
  // The tab says the state too, for a dashboard left open behind other windows.
  useEffect(() => {
    document.title = loaded ? `${statusLook[overall].mark} ${title} ${overallWord} · berth` : `${title} · berth`;
  }, [loaded, overall, overallWord, title]);

  return (
    <>
      <a className="skip" href="#services">
        Skip to services
      </a>
      <header className="top">
        <div className="top-inner">
          <div>
            <h1>
              {title} <span className="muted">· berth</span>
            </h1>
            {spec.data && <p className="sub">{spec.data.file}</p>}
          </div>
          <div className="overall" data-overall={overall}>
            <span>Stack</span> <StatusBadge status={overall} label={overallWord} />
            {loaded && <span className="counts">{countLine(live.services)}</span>}
            <span className={`stream stream-${stream}`} data-stream={stream}>
              {streamWord[stream]}
            </span>
            <span className="muted small">updated {formatAgo(live.checkedAt, now)}</span>
          </div>
        </div>
      </header>
      {spec.data?.onDisk?.changed && <SpecChanged onDisk={spec.data.onDisk} />}
      <div className="sr-only" aria-live="polite" aria-relevant="additions" role="log" data-testid="announcer">
        {live.changes.slice(0, 3).map((c) => (
          <p key={c.id}>{c.text}</p>
        ))}
      </div>
      <main>
        <Panel id="services" title="Services and connections" state={{ data: loaded ? live : undefined, error }}>
          {(l) => (
            <>
              <ServicesTable services={l.services} samples={l.samples} now={now} />
              {l.changes.length > 0 && (
                <details className="changes">
                  <summary>Changes since this page opened ({l.changes.length})</summary>
                  <ul>
                    {l.changes.map((c) => (
                      <li key={c.id}>{c.text}</li>
                    ))}
                  </ul>
                </details>
              )}
            </>
          )}
        </Panel>
        <div className="columns">
          <Panel id="profiles" title="Profiles" state={profiles}>
            {(d) => <ProfilesPanel data={d} onChanged={refreshEngine} />}
          </Panel>
          <Panel id="gpu" title="GPU" state={gpu}>
            {(d) => <GpuPanel gpu={d} />}
          </Panel>
        </div>
        <Panel id="ports" title="Port map" state={registry}>
          {(d) => <PortMap registry={d} />}
        </Panel>
        {/* only for a spec in an ecosystem: a fetch that failed before any answer says nothing of one */}
        {ecosystem.data?.available && (
          <Panel id="ecosystem" title="Ecosystem" state={ecosystem}>
            {(d) => d.available && <EcosystemPanel eco={d} />}
          </Panel>
        )}
        <Panel id="containers" title="Containers" state={containers}>
          {(d) => <ContainersPanel data={d} />}
        </Panel>
        <Panel id="env" title="Environment" state={env}>
          {(d) => <EnvPanel env={d} />}
        </Panel>
      </main>
    </>
  );
}
