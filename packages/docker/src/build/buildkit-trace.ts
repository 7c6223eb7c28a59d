/**
 * BuildKit's progress as the engine streams it from `POST /build?version=2`: `{"id":"moby.buildkit.trace",
 * "aux":"<base64>"}`, the base64 of a protobuf `moby.buildkit.v1.StatusResponse`. Only the fields berth
 * shows are decoded (a few dozen lines of protobuf wire format, rather than a protobuf library):
 *
 *   StatusResponse { repeated Vertex vertexes = 1; repeated VertexStatus statuses = 2; repeated VertexLog logs = 3; }
 *   Vertex         { string digest = 1; repeated string inputs = 2; string name = 3; bool cached = 4;
 *                    Timestamp started = 5; Timestamp completed = 6; string error = 7; }
 *   VertexLog      { string vertex = 1; Timestamp timestamp = 2; int64 stream = 3; bytes msg = 4; }
 */

export interface TraceVertex {
  digest: string;
  name: string;
  cached: boolean;
  started: boolean;
  completed: boolean;
  error?: string;
}

export interface TraceLog {
  vertex: string;
  msg: Buffer;
}

export interface TraceStatus {
  vertexes: TraceVertex[];
  logs: TraceLog[];
}

type Field = { no: number; wire: number; value: number | Buffer };

/** The fields of one protobuf message; unknown wire types end the read (the rest is not berth's). */
function* fields(buf: Buffer): Generator<Field> {
  let at = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (at >= buf.length) throw new Error('truncated varint');
      const b = buf[at++]!;
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
      if (shift > 63) throw new Error('varint too long');
    }
  };
  while (at < buf.length) {
    const key = varint();
    const no = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) yield { no, wire, value: varint() };
    else if (wire === 2) {
      const len = varint();
      if (at + len > buf.length) throw new Error('truncated field');
      yield { no, wire, value: buf.subarray(at, at + len) };
      at += len;
    } else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else return;
  }
}

function vertex(buf: Buffer): TraceVertex {
  const v: TraceVertex = { digest: '', name: '', cached: false, started: false, completed: false };
  for (const f of fields(buf)) {
    if (f.no === 1 && f.wire === 2) v.digest = (f.value as Buffer).toString('utf8');
    else if (f.no === 3 && f.wire === 2) v.name = (f.value as Buffer).toString('utf8');
    else if (f.no === 4 && f.wire === 0) v.cached = f.value !== 0;
    else if (f.no === 5 && f.wire === 2) v.started = true;
    else if (f.no === 6 && f.wire === 2) v.completed = true;
    else if (f.no === 7 && f.wire === 2) v.error = (f.value as Buffer).toString('utf8');
  }
  return v;
}

function log(buf: Buffer): TraceLog {
  const l: TraceLog = { vertex: '', msg: Buffer.alloc(0) };
  for (const f of fields(buf)) {
    if (f.no === 1 && f.wire === 2) l.vertex = (f.value as Buffer).toString('utf8');
    else if (f.no === 4 && f.wire === 2) l.msg = f.value as Buffer;
  }
  return l;
}

/** Decodes one trace message's `aux` (base64); undefined for what cannot be read. */
export function decodeTrace(aux: string): TraceStatus | undefined {
  try {
    const status: TraceStatus = { vertexes: [], logs: [] };
    for (const f of fields(Buffer.from(aux, 'base64'))) {
      if (f.wire !== 2) continue;
      if (f.no === 1) status.vertexes.push(vertex(f.value as Buffer));
      else if (f.no === 3) status.logs.push(log(f.value as Buffer));
    }
    return status;
  } catch {
    return undefined;
  }
}

/** Encodes a StatusResponse the way the engine does (for tests: the inverse of decodeTrace). */
export function encodeTrace(status: { vertexes?: Partial<TraceVertex>[]; logs?: { vertex: string; msg: string }[] }): string {
  const varint = (n: number) => {
    const out: number[] = [];
    while (n >= 0x80) {
      out.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    out.push(n);
    return Buffer.from(out);
  };
  const bytes = (no: number, value: Buffer | string) => {
    const b = Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');
    return Buffer.concat([varint(no * 8 + 2), varint(b.length), b]);
  };
  const stamp = Buffer.concat([varint(8), varint(1_700_000_000)]);
  const parts: Buffer[] = [];
  for (const v of status.vertexes ?? []) {
    const body = [bytes(1, v.digest ?? ''), bytes(3, v.name ?? '')];
    if (v.cached) body.push(Buffer.concat([varint(32), varint(1)]));
    if (v.started) body.push(bytes(5, stamp));
    if (v.completed) body.push(bytes(6, stamp));
    if (v.error) body.push(bytes(7, v.error));
    parts.push(bytes(1, Buffer.concat(body)));
  }
  for (const l of status.logs ?? []) parts.push(bytes(3, Buffer.concat([bytes(1, l.vertex), bytes(4, l.msg)])));
  return Buffer.concat(parts).toString('base64');
}
