// Prints which real test peers this machine has, one word each. The workspace plugin (workspace.cjs) hashes
// the line into every test task, so a result cached where a peer was missing (its tests skipped) is never
// replayed where the peer is present, and the other way round.
'use strict';
const { existsSync } = require('node:fs');
const { delimiter, join } = require('node:path');

const onPath = (name, extra = []) => [...(process.env.PATH ?? '').split(delimiter), ...extra].some((dir) => dir && existsSync(join(dir, name)));
const host = process.env.DOCKER_HOST ?? '';
const socket = host.startsWith('unix://') ? host.slice('unix://'.length) : '/var/run/docker.sock';
const postgres = ['13', '14', '15', '16', '17'].map((v) => `/usr/lib/postgresql/${v}/bin`);

const peers = {
  docker: existsSync(socket),
  'docker-compose': onPath('docker-compose'),
  postgres: onPath('initdb', postgres),
  jupyter: onPath('jupyter-server'),
  chromium: existsSync('/usr/bin/chromium'),
  openssl: onPath('openssl'),
  script: onPath('script'),
};
process.stdout.write(`${Object.entries(peers).map(([name, present]) => `${name}:${present ? 'yes' : 'no'}`).join(' ')}\n`);
