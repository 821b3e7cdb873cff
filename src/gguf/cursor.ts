import { closeSync, openSync, readSync } from "node:fs";

const WINDOW = 1 << 20;
const utf8 = new TextDecoder("utf-8");

/** Sequential little-endian reads from a file through a sliding window, so huge models need not fit in memory. */
export class FileCursor {
  private readonly fd: number;
  private buf = Buffer.alloc(0);
  private bufStart = 0;
  pos = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, "r");
  }

  close(): void {
    closeSync(this.fd);
  }

  /** Makes the next n bytes available in `buf` and returns their index there. */
  private take(n: number): number {
    const end = this.pos + n;
    if (this.pos < this.bufStart || end > this.bufStart + this.buf.length) {
      const size = Math.max(n, WINDOW);
      const chunk = Buffer.alloc(size);
      const got = readSync(this.fd, chunk, 0, size, this.pos);
      if (got < n) throw new RangeError(`unexpected end of file at byte ${this.pos}`);
      this.buf = chunk.subarray(0, got);
      this.bufStart = this.pos;
    }
    const at = this.pos - this.bufStart;
    this.pos = end;
    return at;
  }

  u8(): number {
    const at = this.take(1);
    return this.buf.readUInt8(at);
  }

  i8(): number {
    const at = this.take(1);
    return this.buf.readInt8(at);
  }

  u16(): number {
    const at = this.take(2);
    return this.buf.readUInt16LE(at);
  }

  i16(): number {
    const at = this.take(2);
    return this.buf.readInt16LE(at);
  }

  u32(): number {
    const at = this.take(4);
    return this.buf.readUInt32LE(at);
  }

  i32(): number {
    const at = this.take(4);
    return this.buf.readInt32LE(at);
  }

  f32(): number {
    const at = this.take(4);
    return this.buf.readFloatLE(at);
  }

  f64(): number {
    const at = this.take(8);
    return this.buf.readDoubleLE(at);
  }

  u64(): bigint {
    const at = this.take(8);
    return this.buf.readBigUInt64LE(at);
  }

  i64(): bigint {
    const at = this.take(8);
    return this.buf.readBigInt64LE(at);
  }


  /** A u64 that must fit a JS number (counts, lengths, offsets). */
  size(): number {
    const v = this.u64();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`size ${v} too large at byte ${this.pos - 8}`);
    return Number(v);
  }

  string(): string {
    const len = this.size();
    const at = this.take(len);
    return utf8.decode(this.buf.subarray(at, at + len));
  }

  bytes(offset: number, length: number): Buffer {
    const out = Buffer.alloc(length);
    const got = readSync(this.fd, out, 0, length, offset);
    if (got < length) throw new RangeError(`unexpected end of file reading ${length} bytes at ${offset}`);
    return out;
  }
}
