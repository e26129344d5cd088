import { describe, expect, it } from 'vitest';
import { DataType, encodeModel, type Graph } from '../../../../../services/scorer/domain/onnx-proto.ts';

// The test's own reader of the protobuf wire format (varint, 32-bit, length-delimited), so the
// writer is checked against the encoding, not against itself.
type Field = { field: number; wire: number; value: bigint | Uint8Array };

function readVarint(b: Uint8Array, at: { i: number }): bigint {
  let v = 0n;
  let shift = 0n;
  for (;;) {
    const byte = b[at.i++];
    if (byte === undefined) throw new Error('truncated varint');
    v |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return v;
    shift += 7n;
  }
}

function fields(b: Uint8Array): Field[] {
  const out: Field[] = [];
  const at = { i: 0 };
  while (at.i < b.length) {
    const key = Number(readVarint(b, at));
    const field = key >>> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ field, wire, value: readVarint(b, at) });
    else if (wire === 2) {
      const n = Number(readVarint(b, at));
      if (at.i + n > b.length) throw new Error('truncated bytes');
      out.push({ field, wire, value: b.slice(at.i, at.i + n) });
      at.i += n;
    } else if (wire === 5) {
      out.push({ field, wire, value: b.slice(at.i, at.i + 4) });
      at.i += 4;
    } else throw new Error(`wire type ${wire}`);
  }
  return out;
}

const all = (b: Uint8Array, field: number) => fields(b).filter((f) => f.field === field);
const bytesOf = (b: Uint8Array, field: number) => all(b, field).map((f) => f.value as Uint8Array);
const one = (b: Uint8Array, field: number) => {
  const found = bytesOf(b, field);
  expect(found, `field ${field}`).toHaveLength(1);
  return found[0];
};
const text = (b: Uint8Array, field: number) => bytesOf(b, field).map((x) => new TextDecoder().decode(x));
const ints = (b: Uint8Array, field: number) => all(b, field).map((f) => {
  expect(f.wire, `field ${field} wire`).toBe(0);
  return f.value as bigint;
});
const f32 = (x: Uint8Array) => new DataView(x.buffer, x.byteOffset, 4).getFloat32(0, true);

const empty: Graph = { name: 'g', nodes: [], initializers: [], inputs: [], outputs: [] };

describe('encodeModel', () => {
  it('writes the exact bytes of an empty graph: IR 7, producer, version, graph name, opset 13 of the default domain', () => {
    expect([...encodeModel(empty, { producer: 'p', version: '1' })]).toEqual([
      0x08, 0x07, // ir_version 7
      0x12, 0x01, 0x70, // producer_name "p"
      0x1a, 0x01, 0x31, // producer_version "1"
      0x3a, 0x03, 0x12, 0x01, 0x67, // graph { name "g" }
      0x42, 0x04, 0x0a, 0x00, 0x10, 0x0d, // opset_import { domain "", version 13 }
    ]);
  });

  it('writes the doc string only when there is one', () => {
    expect(text(encodeModel(empty, { producer: 'p', version: '1', docString: 'why' }), 6)).toEqual(['why']);
    expect(all(encodeModel(empty, { producer: 'p', version: '1', docString: '' }), 6)).toEqual([]);
    expect(all(encodeModel(empty, { producer: 'p', version: '1' }), 6)).toEqual([]);
  });

  it('writes strings as UTF-8 with their byte length', () => {
    const model = encodeModel(empty, { producer: 'oilwire café', version: '2' });
    expect(text(model, 2)).toEqual(['oilwire café']);
    expect(text(model, 3)).toEqual(['2']);
  });

  it('writes nodes in order: inputs, outputs, a name from the op and index, the op, and the attributes with their types', () => {
    const graph: Graph = {
      ...empty,
      nodes: [
        { op: 'Gather', inputs: ['w', 'ids'], outputs: ['rows'] },
        { op: 'ReduceSum', inputs: ['rows'], outputs: ['sum', 'extra'], attributes: [{ name: 'keepdims', i: 0 }, { name: 'axes', ints: [1, -1, 300] }, { name: 'alpha', f: 0.5 }] },
      ],
    };
    const g = one(encodeModel(graph, { producer: 'p', version: '1' }), 7);
    const nodes = bytesOf(g, 1);
    expect(nodes).toHaveLength(2);
    expect(text(nodes[0], 1)).toEqual(['w', 'ids']);
    expect(text(nodes[0], 2)).toEqual(['rows']);
    expect(text(nodes[0], 3)).toEqual(['gather_0']);
    expect(text(nodes[0], 4)).toEqual(['Gather']);
    expect(all(nodes[0], 5)).toEqual([]);
    expect(text(nodes[1], 2)).toEqual(['sum', 'extra']);
    expect(text(nodes[1], 3)).toEqual(['reducesum_1']);
    const [keep, axes, alpha] = bytesOf(nodes[1], 5);
    expect(text(keep, 1)).toEqual(['keepdims']);
    expect(ints(keep, 3)).toEqual([0n]);
    expect(ints(keep, 20)).toEqual([2n]); // AttributeProto.INT
    expect(text(axes, 1)).toEqual(['axes']);
    // A negative int64 is its 64-bit two's complement (10 bytes on the wire).
    expect(ints(axes, 8)).toEqual([1n, 2n ** 64n - 1n, 300n]);
    expect(ints(axes, 20)).toEqual([7n]); // AttributeProto.INTS
    expect(text(alpha, 1)).toEqual(['alpha']);
    const f = all(alpha, 2);
    expect(f.map((x) => x.wire)).toEqual([5]);
    expect(f32(f[0].value as Uint8Array)).toBe(0.5);
    expect(ints(alpha, 20)).toEqual([1n]); // AttributeProto.FLOAT
    // Fields of a node come in the order the schema numbers them.
    expect(fields(nodes[1]).map((x) => x.field)).toEqual([1, 2, 2, 3, 4, 5, 5, 5]);
  });

  it('writes a float tensor: dims, FLOAT, name, little-endian float32 raw data', () => {
    const graph: Graph = { ...empty, initializers: [{ name: 'w', dims: [2, 3], type: 'float', data: new Float32Array([1, -2.5, 0.1, 0, 3, 1e-3]) }] };
    const t = one(one(encodeModel(graph, { producer: 'p', version: '1' }), 7), 5);
    expect(ints(t, 1)).toEqual([2n, 3n]);
    expect(ints(t, 2)).toEqual([BigInt(DataType.FLOAT)]);
    expect(text(t, 8)).toEqual(['w']);
    const raw = one(t, 9);
    expect(raw.length).toBe(24);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.length);
    expect(Array.from({ length: 6 }, (_, i) => view.getFloat32(i * 4, true))).toEqual([...new Float32Array([1, -2.5, 0.1, 0, 3, 1e-3])]);
  });

  it('writes an int64 tensor as little-endian 64-bit raw data, negative values included', () => {
    const graph: Graph = { ...empty, initializers: [{ name: 'k', dims: [3], type: 'int64', data: [1n, -1n, 9223372036854775807n] }] };
    const t = one(one(encodeModel(graph, { producer: 'p', version: '1' }), 7), 5);
    expect(ints(t, 2)).toEqual([BigInt(DataType.INT64)]);
    const raw = one(t, 9);
    expect(raw.length).toBe(24);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.length);
    expect([0, 1, 2].map((i) => view.getBigInt64(i * 8, true))).toEqual([1n, -1n, 9223372036854775807n]);
  });

  it('writes inputs and outputs as typed tensors with fixed and symbolic dimensions', () => {
    const graph: Graph = {
      ...empty,
      inputs: [{ name: 'input_ids', type: 'int64', shape: ['batch', 'sequence'] }],
      outputs: [{ name: 'logits', type: 'float', shape: ['batch', 3] }],
    };
    const g = one(encodeModel(graph, { producer: 'p', version: '1' }), 7);
    const read = (v: Uint8Array) => {
      const tensor = one(one(v, 2), 1);
      const dims = bytesOf(one(tensor, 2), 1).map((d) => (all(d, 1).length ? Number(ints(d, 1)[0]) : text(d, 2)[0]));
      return { name: text(v, 1)[0], elem: ints(tensor, 1), dims };
    };
    expect(bytesOf(g, 11).map(read)).toEqual([{ name: 'input_ids', elem: [7n], dims: ['batch', 'sequence'] }]);
    expect(bytesOf(g, 12).map(read)).toEqual([{ name: 'logits', elem: [1n], dims: ['batch', 3] }]);
  });

  it('orders the graph: nodes, name, initializers, inputs, outputs', () => {
    const graph: Graph = {
      name: 'm',
      nodes: [{ op: 'Add', inputs: ['a', 'b'], outputs: ['c'] }],
      initializers: [{ name: 'b', dims: [1], type: 'float', data: new Float32Array([1]) }],
      inputs: [{ name: 'a', type: 'float', shape: [1] }],
      outputs: [{ name: 'c', type: 'float', shape: [1] }],
    };
    const g = one(encodeModel(graph, { producer: 'p', version: '1' }), 7);
    expect(fields(g).map((x) => x.field)).toEqual([1, 2, 5, 11, 12]);
    expect(text(g, 2)).toEqual(['m']);
  });

  it('writes multi-byte varints: lengths over 127 and large dimensions', () => {
    const long = 'x'.repeat(300);
    const graph: Graph = { ...empty, name: long, initializers: [{ name: 't', dims: [2 ** 40], type: 'int64', data: [] }] };
    const g = one(encodeModel(graph, { producer: 'p', version: '1' }), 7);
    expect(text(g, 2)).toEqual([long]);
    expect(ints(one(g, 5), 1)).toEqual([2n ** 40n]);
    // 300 as a varint: 0xac 0x02, after the tag of field 2.
    const at = g.indexOf(0x12);
    expect([...g.slice(at, at + 3)]).toEqual([0x12, 0xac, 0x02]);
  });

  it('gives the same bytes for the same model', () => {
    const graph: Graph = { ...empty, nodes: [{ op: 'Mod', inputs: ['a'], outputs: ['b'], attributes: [{ name: 'fmod', i: 0 }] }] };
    expect(encodeModel(graph, { producer: 'p', version: '1' })).toEqual(encodeModel(graph, { producer: 'p', version: '1' }));
  });
});
