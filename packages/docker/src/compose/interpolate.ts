// Compose's variable substitution is one rule, in @berth/spec: the `.env` reader and the Compose loader share it.
export { interpolate, MAX_INTERPOLATION_NESTING, type Interpolated, type Lookup } from '@berth/spec';
