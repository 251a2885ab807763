// Minimal declarations for the two pure-JavaScript codec packages core uses (neither ships types).

declare module 'lz4js' {
  export function compressBound(n: number): number
  export function decompressBound(src: Uint8Array): number
  export function compressBlock(
    src: Uint8Array,
    dst: Uint8Array,
    sIndex: number,
    sLength: number,
    hashTable: Uint32Array,
  ): number
  export function decompressBlock(
    src: Uint8Array,
    dst: Uint8Array,
    sIndex: number,
    sLength: number,
    dIndex: number,
  ): number
  export function decompressFrame(src: Uint8Array, dst: Uint8Array): number
}

declare module 'lz4js/xxh32.js' {
  export function hash(seed: number, src: Uint8Array, index: number, length: number): number
}

declare module 'snappyjs' {
  export function compress(uncompressed: Uint8Array): Uint8Array
  export function uncompress(compressed: Uint8Array, maxLength?: number): Uint8Array
}
