/**
 * The ONNX messages Loupe writes (ModelProto, GraphProto, NodeProto, AttributeProto,
 * TensorProto, ValueInfoProto), as plain data and their protobuf encoding. Field numbers are
 * those of onnx/onnx.proto (IR version 8). Numeric tensors go in `raw_data` (little-endian),
 * strings in `string_data`.
 */
import { ProtoWriter } from './protobuf';

/** TensorProto.DataType values Loupe uses. */
export const DataType = { float: 1, int64: 7, string: 8, bool: 9, double: 11 } as const;
export type ElemType = keyof typeof DataType;

export type TensorData =
  | { type: 'double'; values: ArrayLike<number> }
  | { type: 'float'; values: ArrayLike<number> }
  | { type: 'int64'; values: ArrayLike<number> }
  | { type: 'string'; values: readonly string[] };

export interface Tensor {
  name?: string;
  dims: readonly number[];
  data: TensorData;
}

export type Attribute =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'ints'; value: ArrayLike<number> }
  | { kind: 'floats'; value: ArrayLike<number> }
  | { kind: 'strings'; value: readonly string[] }
  | { kind: 'tensor'; value: Tensor };

export interface Node {
  op: string;
  /** '' for the default ai.onnx domain. */
  domain: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name: string;
  attributes: Record<string, Attribute>;
}

/** A graph input or output: a tensor of one element type; `null` dims are symbolic (`N`). */
export interface ValueInfo {
  name: string;
  type: ElemType;
  dims: readonly (number | string)[];
  doc?: string;
}

export interface Graph {
  name: string;
  nodes: readonly Node[];
  initializers: readonly Tensor[];
  inputs: readonly ValueInfo[];
  outputs: readonly ValueInfo[];
  doc?: string;
}

export interface Model {
  irVersion: number;
  /** Operator sets: '' (ai.onnx) and 'ai.onnx.ml' with their versions. */
  opsets: Record<string, number>;
  producerName: string;
  producerVersion: string;
  doc?: string;
  metadata: Record<string, string>;
  graph: Graph;
}

const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7, strings: 8 } as const;
const encoder = new TextEncoder();

export function encodeModel(m: Model): Uint8Array {
  const w = new ProtoWriter(1 << 16);
  w.int(1, m.irVersion);
  w.string(2, m.producerName);
  w.string(3, m.producerVersion);
  if (m.doc) w.string(6, m.doc);
  w.message(7, (g) => writeGraph(g, m.graph));
  for (const [domain, version] of Object.entries(m.opsets))
    w.message(8, (o) => {
      o.string(1, domain);
      o.int(2, version);
    });
  for (const [key, value] of Object.entries(m.metadata))
    w.message(14, (e) => {
      e.string(1, key);
      e.string(2, value);
    });
  return w.finish();
}

function writeGraph(w: ProtoWriter, g: Graph): void {
  for (const n of g.nodes) w.message(1, (x) => writeNode(x, n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, (x) => writeTensor(x, t));
  if (g.doc) w.string(10, g.doc);
  for (const v of g.inputs) w.message(11, (x) => writeValueInfo(x, v));
  for (const v of g.outputs) w.message(12, (x) => writeValueInfo(x, v));
}

function writeNode(w: ProtoWriter, n: Node): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name);
  w.string(4, n.op);
  for (const [name, a] of Object.entries(n.attributes)) w.message(5, (x) => writeAttribute(x, name, a));
  if (n.domain) w.string(7, n.domain);
}

function writeAttribute(w: ProtoWriter, name: string, a: Attribute): void {
  w.string(1, name);
  switch (a.kind) {
    case 'float':
      w.float(2, a.value);
      break;
    case 'int':
      w.int(3, a.value);
      break;
    case 'string':
      w.string(4, a.value);
      break;
    case 'tensor':
      w.message(5, (x) => writeTensor(x, a.value));
      break;
    case 'floats':
      w.packedFloats(7, a.value);
      break;
    case 'ints':
      w.packedInts(8, a.value);
      break;
    case 'strings': {
      // Tree ensembles repeat a few strings (node modes) a million times: encode each once.
      const seen = new Map<string, Uint8Array>();
      for (const s of a.value) {
        let b = seen.get(s);
        if (!b) seen.set(s, (b = encoder.encode(s)));
        w.bytes(9, b);
      }
      break;
    }
  }
  w.int(20, ATTRIBUTE_TYPE[a.kind]);
}

function writeTensor(w: ProtoWriter, t: Tensor): void {
  w.packedInts(1, t.dims);
  w.int(2, DataType[t.data.type]);
  if (t.name !== undefined) w.string(8, t.name);
  const d = t.data;
  if (d.type === 'string') for (const v of d.values) w.bytes(6, encoder.encode(v));
  else w.bytes(9, littleEndian(d));
}

/** A numeric tensor's raw_data: its values little-endian, 8 bytes each (4 for float). */
function littleEndian(d: Exclude<TensorData, { type: 'string' }>): Uint8Array {
  const size = d.type === 'float' ? 4 : 8;
  const out = new Uint8Array(d.values.length * size);
  const v = new DataView(out.buffer);
  for (let i = 0; i < d.values.length; i++) {
    const x = d.values[i];
    if (d.type === 'double') v.setFloat64(i * size, x, true);
    else if (d.type === 'float') v.setFloat32(i * size, x, true);
    else v.setBigInt64(i * size, BigInt(x), true);
  }
  return out;
}

function writeValueInfo(w: ProtoWriter, v: ValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, DataType[v.type]);
      tensor.message(2, (shape) => {
        for (const d of v.dims)
          shape.message(1, (dim) => {
            if (typeof d === 'number') dim.int(1, d);
            else dim.string(2, d);
          });
      });
    }),
  );
  if (v.doc) w.string(3, v.doc);
}
