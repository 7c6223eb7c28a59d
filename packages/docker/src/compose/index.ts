export { importCompose, specYaml, type ImportComposeOptions, type ImportComposeResult } from './import-compose.js';
export { exportCompose, type ExportComposeOptions, type ExportComposeResult } from './export-compose.js';
export { loadComposeProject, resolvedModel, type ComposeLoadOptions, type LoadedCompose } from './load-project.js';
export { interpolate, type Interpolated } from './interpolate.js';
export { parseEnvFile } from './dotenv.js';
export { mergeCompose, mergeService } from './merge.js';
export { parseComposePorts, type ComposePort } from './ports.js';
export { formatDuration } from './duration.js';
export { writeFileAtomic } from './write-file.js';
