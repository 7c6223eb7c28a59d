import type { BerthSpec } from '@berth/spec';
import { parseDevcontainerJson } from './read-config.js';
import { render, styleOf } from './jsonc-edit.js';
import { syncDevcontainerJson } from './sync.js';

/**
 * A new devcontainer.json for a spec whose repo has none: how the container is made (image, Dockerfile build or
 * Compose setup), its features and postCreateCommand, then what berth keeps in step (the forwarded ports with
 * their attributes, the GPU request), written by the same code that keeps an existing file in step.
 */
export function newDevcontainerJson(spec: BerthSpec, specFile = 'berth.yaml'): string {
  const d = spec.devcontainer!;
  const base: Record<string, unknown> = { name: spec.repo.name };
  if (d.compose) {
    base.dockerComposeFile = d.compose.files.length === 1 ? d.compose.files[0] : d.compose.files;
    base.service = d.compose.service;
    if (d.compose.runServices) base.runServices = d.compose.runServices;
    base.workspaceFolder = '/workspaces/${localWorkspaceFolderBasename}';
  } else if (d.build) base.build = d.build;
  else base.image = d.image;
  if (d.features) base.features = d.features;
  if (d.postCreateCommand !== undefined) base.postCreateCommand = d.postCreateCommand;
  const text = `// Written by \`berth devcontainer --write\` from ${specFile}, which keeps forwardPorts, their portsAttributes and the GPU request in step.\n${render(base, styleOf(''), '', '', { block: true })}\n`;
  const read = parseDevcontainerJson(text, 'devcontainer.json');
  return syncDevcontainerJson(text, read.config!, spec).text;
}
