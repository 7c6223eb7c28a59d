import { loadSpecFile, formatProblem } from './packages/spec/src/index.ts';
const r = loadSpecFile(process.argv[2]!); console.log(r.problems.map(formatProblem).join('\n'));
