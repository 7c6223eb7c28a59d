import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devcontainerLocation, findDevcontainer, pickDevcontainer, workspaceFolderOf, type ListedContainer } from './find-container.js';

const where = devcontainerLocation('/work/semops-data');
const c = (Id: string, State: string, labels: Record<string, string>): ListedContainer => ({ Id, Names: [`/${Id}-name`], State, Labels: labels });
const folder = { 'devcontainer.local_folder': '/work/semops-data' };
const config = (file: string) => ({ ...folder, 'devcontainer.config_file': file });

describe('finding the devcontainer by its labels', () => {
  it('knows where the devcontainer is from the spec folder and its config path', () => {
    expect(where).toEqual({ workspaceFolder: '/work/semops-data', configFile: '/work/semops-data/.devcontainer/devcontainer.json' });
    expect(devcontainerLocation('/repo/apps/api', '../../.devcontainer/gpu/devcontainer.json')).toEqual({ workspaceFolder: '/repo', configFile: '/repo/.devcontainer/gpu/devcontainer.json' });
  });

  it('knows the workspace folder of a devcontainer.json, as the editor opens it', () => {
    expect(workspaceFolderOf('/repo/.devcontainer/devcontainer.json')).toBe('/repo');
    expect(workspaceFolderOf('/repo/.devcontainer/gpu/devcontainer.json')).toBe('/repo');
    expect(workspaceFolderOf('/repo/.devcontainer.json')).toBe('/repo');
    expect(workspaceFolderOf('/repo/tools/dev.json')).toBe('/repo/tools');
    expect(workspaceFolderOf('/.devcontainer/devcontainer.json')).toBe('/');
    expect(workspaceFolderOf('/repo/.devcontainer/a/b/devcontainer.json')).toBe('/repo/.devcontainer/a/b');
  });

  it('picks the one started from this devcontainer.json, running first, never one of another config of the folder', () => {
    const mine = config('/work/semops-data/.devcontainer/devcontainer.json');
    const other = config('/work/semops-data/.devcontainer/cpu/devcontainer.json');
    expect(pickDevcontainer([c('stopped', 'exited', mine), c('running', 'running', mine)], where)?.Id).toBe('running');
    expect(pickDevcontainer([c('legacy', 'running', folder), c('new', 'exited', mine)], where)?.Id).toBe('new');
    expect(pickDevcontainer([c('legacy', 'running', folder)], where)?.Id).toBe('legacy');
    expect(pickDevcontainer([c('cpu', 'running', other)], where)).toBeUndefined();
    expect(pickDevcontainer([c('gone', 'removing', mine)], where)).toBeUndefined();
    expect(pickDevcontainer([c('elsewhere', 'running', { 'devcontainer.local_folder': '/work/other' })], where)).toBeUndefined();
  });

  it('asks the engine for the folder label, and says how to open it when there is none', async () => {
    const asked: string[][] = [];
    const list = async (labels: string[]) => {
      asked.push(labels);
      return [c('abc', 'running', config(where.configFile))];
    };
    expect(await findDevcontainer(list, where)).toMatchObject({ name: 'abc-name', container: { Id: 'abc' } });
    // every container carrying the label: its path is compared here, as written and through symlinks
    expect(asked).toEqual([['devcontainer.local_folder']]);
    expect(await findDevcontainer(async () => [], where)).toEqual({
      missing:
        'no container labelled devcontainer.local_folder=/work/semops-data and devcontainer.config_file=/work/semops-data/.devcontainer/devcontainer.json (compared through symlinks too): the devcontainer has not been opened (Dev Containers: Reopen in Container, or devcontainer up)',
    });
  });

  it('names the container open for another configuration of the folder, rather than saying none carries the folder label', async () => {
    const found = await findDevcontainer(async () => [c('gpu', 'running', config('/work/semops-data/.devcontainer/gpu/devcontainer.json')), c('x', 'running', { 'devcontainer.local_folder': '/work/x' })], where);
    expect(found).toEqual({ missing: expect.stringMatching(/has not been opened \(Dev Containers: Reopen in Container, or devcontainer up\); gpu-name is open for another configuration \(\/work\/semops-data\/\.devcontainer\/gpu\/devcontainer\.json\)$/) });
  });

  it('finds it through a symlinked checkout, whichever spelling the label and berth each have', async () => {
    const real = mkdtempSync(join(tmpdir(), 'dcfix-real-'));
    const link = `${real}-link`;
    symlinkSync(real, link);
    try {
      mkdirSync(join(real, '.devcontainer'));
      writeFileSync(join(real, '.devcontainer/devcontainer.json'), '{}');
      const labelled = (folder: string) => async () => [c('dc', 'running', { 'devcontainer.local_folder': folder, 'devcontainer.config_file': join(folder, '.devcontainer/devcontainer.json') })];
      for (const [label, berth] of [[link, real], [real, link], [link, link], [real, real]]) {
        expect([label, berth, await findDevcontainer(labelled(label!), devcontainerLocation(berth!))]).toEqual([label, berth, expect.objectContaining({ name: 'dc-name' })]);
      }
      // a config not on disk (yet) is still compared through its folder's symlinks
      const gpu = devcontainerLocation(link, '.devcontainer/gpu/devcontainer.json');
      expect(await findDevcontainer(async () => [c('g', 'running', { 'devcontainer.local_folder': real, 'devcontainer.config_file': join(real, '.devcontainer/gpu/devcontainer.json') })], gpu)).toMatchObject({ name: 'g-name' });
    } finally {
      rmSync(link);
      rmSync(real, { recursive: true, force: true });
    }
  });
});
