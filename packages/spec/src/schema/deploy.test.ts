import { describe, expect, it } from 'vitest';
import { deployReplicas, ServiceDeploy } from './deploy.js';

describe('deployReplicas', () => {
  it("is replicas when given (0 included), 1 when deploy says none (Compose's default), and left to the swarm for global", () => {
    expect(deployReplicas(ServiceDeploy.parse({ replicas: 3 }))).toBe(3);
    expect(deployReplicas(ServiceDeploy.parse({ replicas: 0 }))).toBe(0);
    expect(deployReplicas(ServiceDeploy.parse({ mode: 'replicated' }))).toBe(1);
    expect(deployReplicas(undefined)).toBe(1);
    expect(deployReplicas(ServiceDeploy.parse({ mode: 'global' }))).toBeUndefined();
  });
});
