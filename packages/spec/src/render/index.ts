export { renderInfrastructurePage, INFRASTRUCTURE_PAGE, type RenderOptions } from './infrastructure-page.js';
export { findKeepBlocks, mergeKeepBlocks, type KeepBlock, type KeepScan } from './keep-blocks.js';
export { generatedNotice, isReplaceablePage, oneLine } from './generated-notice.js';
export { lineDrift, samePage, type Drift } from './drift.js';
export { checkCommand } from './health-section.js';
export { writeFileAtomic } from '../util/write-file-atomic.js';
export { starterSpecText, repoIdentifier } from './starter-spec.js';
export { renderSpecReference } from './spec-reference.js';
export { cell, code, fence, link, printable, table } from './markdown.js';
