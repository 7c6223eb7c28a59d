/**
 * Test support shared by every package whose tests need a real Docker engine: a probe for
 * `describe.skipIf`, and the local busybox image (nothing can be pulled here, so it is built
 * with `docker import` from the host's static busybox and its applet links), and a second dockerd
 * of a test's own (to freeze, stop, or reach as a remote engine) without touching the shared one.
 */
export { dockerAvailable, dockerSkipReason, dockerSocketPath } from './docker-available.js';
export { ensureTestImage, TEST_HTTPD_COMMAND, TEST_HTTPD_HEALTHCHECK, TEST_IMAGE, TEST_IMAGE_APPLETS } from './test-image.js';
export { uniqueProject } from './unique-project.js';
export { startSecondEngine, secondEngineSkipReason, SWARM_TURN_TIMEOUT_MS, type SecondEngine, type SecondEngineOptions } from './second-engine.js';
export { startLoopbackSshd, sshdSkipReason, type LoopbackSshd } from './loopback-sshd.js';
export { freePort } from './free-port.js';
export { makeTestCertificates } from './test-certificates.js';
