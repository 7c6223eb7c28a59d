export { runDoctor } from './run-doctor.js';
export { nextStep } from './next-step.js';
export { heldByRightService } from './port-owner.js';
export type { DoctorFinding, DoctorInput, DoctorReport, DoctorSection, DoctorSectionId } from './types.js';
