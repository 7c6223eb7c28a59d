#!/usr/bin/env node
// The launcher's older name, kept for scripts that run it: the berth binary is bin/berth.cjs (package.json `bin`).
import './berth.cjs';
