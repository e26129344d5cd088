/**
 * Just enough of the ONNX protobuf schema (onnx.proto3, IR 7 / opset 13) to write a graph
 * from JavaScript: no dependency, deterministic bytes for the same model.
 */

class Writer {
  private chunks: number[] = [];

  varint(value: number | bigint): this {
    let v = BigInt.asUintN(64, BigInt(value));
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) byte |= 0x80;
      this.chunks.push(byte);
    } while (v !== 0n);
    return this;
  }

  tag(field: number, wire: 0 | 2 | 5): this {
    return this.varint((field << 3) | wire);
  }

  int(field: number, value: number | bigint): this {
    return this.tag(field, 0).varint(value);
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, 2).varint(data.length);
    for (let i = 0; i < data.length; i++) this.chunks.push(data[i]);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (w: Writer) => void): this {
    const inner = new Writer();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  float(field: number, value: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    for (const x of b) this.chunks.push(x);
    return this;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

export const DataType = { FLOAT: 1, INT64: 7 } as const;

export type Attribute = { name: string; i: number } | { name: string; ints: number[] } | { name: string; f: number };

export interface Node {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: Attribute[];
}

export type Tensor =
  | { name: string; dims: number[]; type: 'float'; data: Float32Array }
  | { name: string; dims: number[]; type: 'int64'; data: bigint[] };

export interface ValueInfo {
  name: string;
  type: 'float' | 'int64';
  /** A number is a fixed size, a string a symbolic one ("batch"). */
  shape: (number | string)[];
}

export interface Graph {
  name: string;
  nodes: Node[];
  initializers: Tensor[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
}

function tensorBytes(t: Tensor): Uint8Array {
  if (t.type === 'float') {
    const out = new Uint8Array(t.data.length * 4);
    const view = new DataView(out.buffer);
    t.data.forEach((v, i) => view.setFloat32(i * 4, v, true));
    return out;
  }
  const out = new Uint8Array(t.data.length * 8);
  const view = new DataView(out.buffer);
  t.data.forEach((v, i) => view.setBigInt64(i * 8, v, true));
  return out;
}

function writeTensor(w: Writer, t: Tensor): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.type === 'float' ? DataType.FLOAT : DataType.INT64);
  w.string(8, t.name);
  w.bytes(9, tensorBytes(t));
}

function writeValueInfo(w: Writer, v: ValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, v.type === 'float' ? DataType.FLOAT : DataType.INT64);
      tensor.message(2, (shape) => {
        for (const d of v.shape) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}

function writeNode(w: Writer, n: Node, index: number): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, `${n.op.toLowerCase()}_${index}`);
  w.string(4, n.op);
  for (const a of n.attributes ?? []) {
    w.message(5, (attr) => {
      attr.string(1, a.name);
      if ('i' in a) attr.int(3, a.i).int(20, 2);
      else if ('f' in a) attr.float(2, a.f).int(20, 1);
      else {
        for (const x of a.ints) attr.int(8, x);
        attr.int(20, 7);
      }
    });
  }
}

/** Serializes a ModelProto (IR version 7, default-domain opset 13). */
export function encodeModel(graph: Graph, meta: { producer: string; version: string; docString?: string }): Uint8Array {
  const w = new Writer();
  w.int(1, 7);
  w.string(2, meta.producer);
  w.string(3, meta.version);
  if (meta.docString) w.string(6, meta.docString);
  w.message(7, (g) => {
    graph.nodes.forEach((n, i) => g.message(1, (x) => writeNode(x, n, i)));
    g.string(2, graph.name);
    for (const t of graph.initializers) g.message(5, (x) => writeTensor(x, t));
    for (const v of graph.inputs) g.message(11, (x) => writeValueInfo(x, v));
    for (const v of graph.outputs) g.message(12, (x) => writeValueInfo(x, v));
  });
  w.message(8, (op) => op.string(1, '').int(2, 13));
  return w.finish();
}
