// src/core compiles without the DOM lib (it must run in Node, workers and the page alike).
// These are the few web-platform globals that Node 20, workers and browsers all provide and
// that core code may use. Keep this list short: anything not here is not portable.

interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

declare function setTimeout(handler: () => void, timeout?: number): unknown;
declare function clearTimeout(id: unknown): void;
declare function queueMicrotask(cb: () => void): void;

declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
}
declare class TextEncoder {
  encode(input?: string): Uint8Array;
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}

declare const crypto: {
  subtle: { digest(algorithm: string, data: ArrayBuffer | ArrayBufferView): Promise<ArrayBuffer> };
  getRandomValues<T extends ArrayBufferView>(array: T): T;
};

declare const performance: { now(): number };

declare const console: {
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
};

declare function btoa(data: string): string;
declare function atob(data: string): string;
