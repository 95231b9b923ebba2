/**
 * Builds an ONNX graph step by step: each `op` call adds one node and returns the name of its
 * output, constants become initializers. Names of intermediate values are generated and never
 * clash with the graph's own input and output names (which are column names from the data).
 */
import type { Attribute, Graph, Node, Tensor, TensorData, ValueInfo } from './onnx-proto';

export const ML_DOMAIN = 'ai.onnx.ml';

export type AttrInput = number | string | Attribute;

export class GraphBuilder {
  private readonly nodes: Node[] = [];
  private readonly initializers: Tensor[] = [];
  private readonly reserved: Set<string>;
  private counter = 0;

  constructor(reservedNames: Iterable<string>) {
    this.reserved = new Set(reservedNames);
  }

  /** A fresh value name, `hint` plus a number, unused by inputs, outputs and earlier values. */
  name(hint: string): string {
    let n: string;
    do n = `${hint}_${this.counter++}`;
    while (this.reserved.has(n));
    this.reserved.add(n);
    return n;
  }

  /** A constant tensor (an initializer); returns its name. */
  constant(hint: string, dims: readonly number[], data: TensorData): string {
    const name = this.name(hint);
    this.initializers.push({ name, dims: [...dims], data });
    return name;
  }

  /** A double scalar constant, shaped [1, 1] so it broadcasts over an [N, 1] column. */
  scalar(hint: string, value: number): string {
    return this.constant(hint, [1, 1], { type: 'double', values: [value] });
  }

  /** Adds one node with a single output; returns the output's name (or `output` when given). */
  op(op: string, inputs: readonly string[], attributes: Record<string, AttrInput> = {}, options: { domain?: string; output?: string } = {}): string {
    const out = options.output ?? this.name(op.toLowerCase());
    const attrs: Record<string, Attribute> = {};
    for (const [k, v] of Object.entries(attributes))
      attrs[k] = typeof v === 'number' ? { kind: 'int', value: v } : typeof v === 'string' ? { kind: 'string', value: v } : v;
    this.nodes.push({ op, domain: options.domain ?? '', inputs: [...inputs], outputs: [out], name: this.name(`node_${op}`), attributes: attrs });
    return out;
  }

  graph(name: string, inputs: ValueInfo[], outputs: ValueInfo[], doc?: string): Graph {
    return { name, nodes: this.nodes, initializers: this.initializers, inputs, outputs, doc };
  }
}
