import { describe, expect, it } from 'vitest';
import { REQUIRE_CUDA_12_4 } from '../test/fixtures.js';
import { containerRuntimeRequirements, evaluateRuntimeRequirements, runtimeBrand, runtimeRequirementsFromEnv, runtimeRequirementsFromTagCuda } from './cuda-require.js';

const tesla = { brand: 'Tesla' };

describe('runtimeRequirementsFromEnv', () => {
  it('takes every NVIDIA_REQUIRE_* variable, NVIDIA_REQUIRE_CUDA first', () => {
    expect(runtimeRequirementsFromEnv(['NVIDIA_REQUIRE_ARCH=arch>=7.0', 'PATH=/bin', `NVIDIA_REQUIRE_CUDA=${REQUIRE_CUDA_12_4}`, 'CUDA_VERSION=12.4.1'])).toEqual({
      constraints: [REQUIRE_CUDA_12_4, 'arch>=7.0'],
      source: 'image-env',
    });
  });
  it('a legacy CUDA image (CUDA_VERSION, no NVIDIA_REQUIRE_CUDA) requires cuda>=its major.minor, as the toolkit does', () => {
    expect(runtimeRequirementsFromEnv(['CUDA_VERSION=11.8.0'])).toEqual({ constraints: ['cuda>=11.8'], source: 'image-env' });
  });
  it('NVIDIA_DISABLE_REQUIRE=true (or 1) turns the check off', () => {
    expect(runtimeRequirementsFromEnv([`NVIDIA_REQUIRE_CUDA=${REQUIRE_CUDA_12_4}`, 'NVIDIA_DISABLE_REQUIRE=true'])?.disabled).toBe(true);
    expect(runtimeRequirementsFromEnv([`NVIDIA_REQUIRE_CUDA=${REQUIRE_CUDA_12_4}`, 'NVIDIA_DISABLE_REQUIRE=1'])?.disabled).toBe(true);
    expect(runtimeRequirementsFromEnv([`NVIDIA_REQUIRE_CUDA=${REQUIRE_CUDA_12_4}`, 'NVIDIA_DISABLE_REQUIRE=no'])?.disabled).toBeUndefined();
  });
  it('pytorch/pytorch images ask nothing of the runtime', () => {
    expect(runtimeRequirementsFromEnv(['NVIDIA_VISIBLE_DEVICES=all', 'NVIDIA_DRIVER_CAPABILITIES=compute,utility'])).toBeUndefined();
  });
  it('an nvidia/cuda tag is cuda>=its major.minor', () => {
    expect(runtimeRequirementsFromTagCuda('12.4.1')).toEqual({ constraints: ['cuda>=12.4'], source: 'image-tag' });
  });
});

describe("containerRuntimeRequirements: the image's environment with what the devcontainer sets over it", () => {
  const image = [`NVIDIA_REQUIRE_CUDA=${REQUIRE_CUDA_12_4}`, 'CUDA_VERSION=12.4.1'];
  it("NVIDIA_DISABLE_REQUIRE in the devcontainer's environment turns the check off, and says it was the devcontainer", () => {
    expect(containerRuntimeRequirements(image, ['NVIDIA_DISABLE_REQUIRE=true'], undefined)).toEqual({ constraints: [REQUIRE_CUDA_12_4], source: 'image-env', disabled: true, disabledBy: 'devcontainer' });
    expect(containerRuntimeRequirements([...image, 'NVIDIA_DISABLE_REQUIRE=1'], [], undefined)).toMatchObject({ disabled: true, disabledBy: 'image' });
  });
  it("a false one over the image's true turns the check back on, as docker's --env overrides the image's ENV", () => {
    expect(containerRuntimeRequirements([...image, 'NVIDIA_DISABLE_REQUIRE=true'], ['NVIDIA_DISABLE_REQUIRE=false'], undefined)).toEqual({ constraints: [REQUIRE_CUDA_12_4], source: 'image-env' });
  });
  it("the devcontainer's own NVIDIA_REQUIRE_CUDA replaces the image's", () => {
    expect(containerRuntimeRequirements(image, ['NVIDIA_REQUIRE_CUDA=cuda>=12.1'], undefined)?.constraints).toEqual(['cuda>=12.1']);
  });
  it("with the image's environment not read, the nvidia/cuda tag stands for it, and the devcontainer can still turn the check off", () => {
    expect(containerRuntimeRequirements(undefined, undefined, '12.4.1')).toEqual({ constraints: ['cuda>=12.4'], source: 'image-tag' });
    expect(containerRuntimeRequirements(undefined, ['NVIDIA_DISABLE_REQUIRE=True'], '12.4.1')).toEqual({ constraints: ['cuda>=12.4'], source: 'image-tag', disabled: true, disabledBy: 'devcontainer' });
    expect(containerRuntimeRequirements(undefined, ['NVIDIA_DISABLE_REQUIRE=true'], undefined)).toBeUndefined();
  });
});

describe('evaluateRuntimeRequirements (libnvidia-container: space = OR, comma = AND, every visible GPU)', () => {
  it('a driver reporting the CUDA version is admitted by the base condition', () => {
    expect(evaluateRuntimeRequirements([REQUIRE_CUDA_12_4], { driverVersion: '550.163.01', cudaVersion: '12.4', gpus: [tesla] })).toEqual({ satisfied: true, admittedBy: 'cuda>=12.4' });
  });
  it('minor version compatibility does not get past it: 545.29.06 (CUDA 12.3) on a GeForce is refused', () => {
    const r = evaluateRuntimeRequirements([REQUIRE_CUDA_12_4], { driverVersion: '545.29.06', cudaVersion: '12.3', gpus: [{ brand: 'GeForce' }] });
    expect(r.satisfied).toBe(false);
    expect(r.unsatisfied).toBe('brand = titanrtx'); // the last alternative's first failing condition, as the runtime names it
  });
  it('older branches are admitted for the brands the image lists (forward compatibility)', () => {
    expect(evaluateRuntimeRequirements([REQUIRE_CUDA_12_4], { driverVersion: '470.82.01', cudaVersion: '11.4', gpus: [tesla] })).toEqual({ satisfied: true, admittedBy: 'brand=tesla,driver>=470,driver<471' });
    expect(evaluateRuntimeRequirements([REQUIRE_CUDA_12_4], { driverVersion: '535.54.03', cudaVersion: '12.2', gpus: [{ brand: 'NVIDIA' }] }).admittedBy).toBe('brand=nvidia,driver>=535,driver<536');
    expect(evaluateRuntimeRequirements([REQUIRE_CUDA_12_4], { driverVersion: '525.125.06', cudaVersion: '12.0', gpus: [{ brand: 'Quadro RTX' }] }).admittedBy).toBe('brand=quadrortx,driver>=525,driver<526');
  });
  it('every visible GPU must meet it', () => {
    expect(evaluateRuntimeRequirements(['cuda>=12.4 brand=tesla,driver>=470,driver<471'], { driverVersion: '470.82.01', cudaVersion: '11.4', gpus: [tesla, { brand: 'GeForce' }] }).satisfied).toBe(false);
  });
  it('with no GPU visible, brand and arch are assumed fine', () => {
    expect(evaluateRuntimeRequirements(['cuda>=12.4 brand=tesla,driver>=470,driver<471'], { driverVersion: '470.82.01', cudaVersion: '11.4', gpus: [] }).satisfied).toBe(true);
  });
  it('a fact berth cannot read is unknown, never a pass or a refusal', () => {
    expect(evaluateRuntimeRequirements(['cuda>=12.4'], { driverVersion: '550.54.15', gpus: [tesla] }).satisfied).toBeUndefined();
    expect(evaluateRuntimeRequirements(['cuda>=12.4 brand=tesla,driver>=470,driver<471'], { driverVersion: '470.82.01', cudaVersion: '11.4', gpus: [{}] }).satisfied).toBeUndefined();
    // but one alternative that holds decides
    expect(evaluateRuntimeRequirements(['cuda>=12.4 brand=tesla,driver>=470,driver<471'], { driverVersion: '550.54.15', cudaVersion: '12.4', gpus: [{}] }).satisfied).toBe(true);
  });
  it('an expression the runtime cannot read refuses the container, as the runtime does', () => {
    expect(evaluateRuntimeRequirements(['cuda~12.4'], { driverVersion: '550.54.15', cudaVersion: '12.4', gpus: [tesla] })).toEqual({ satisfied: false, unsatisfied: 'invalid expression' });
    expect(evaluateRuntimeRequirements(['driver>=abc'], { driverVersion: '550.54.15', cudaVersion: '12.4', gpus: [tesla] }).satisfied).toBe(false);
  });
  it('brands as the runtime names them', () => {
    expect(['Tesla', 'NVIDIA', 'Quadro RTX', 'NVIDIA RTX', 'GeForce RTX', 'NVIDIA Virtual Compute Server'].map(runtimeBrand)).toEqual(['tesla', 'nvidia', 'quadrortx', 'nvidiartx', 'geforcertx', 'nvidiavcs']);
  });
});
