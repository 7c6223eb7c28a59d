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
    expect(asked).toEqual([['devcontainer.local_folder=/work/semops-data']]);
    expect(await findDevcontainer(async () => [], where)).toEqual({
      missing: 'no container labelled devcontainer.local_folder=/work/semops-data: the devcontainer has not been opened (Dev Containers: Reopen in Container, or devcontainer up)',
    });
  });
});
