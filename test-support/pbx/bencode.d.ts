// bencode 4 ships no types: the two functions rtpengine-process.ts uses.
declare module 'bencode' {
  const bencode: {
    encode(value: unknown): Uint8Array;
    decode(data: Uint8Array): unknown;
  };
  export default bencode;
}
