/** Growable little-endian byte buffer for GGUF headers. */
export class ByteWriter {
  private buf = Buffer.alloc(1 << 16);
  length = 0;

  private room(n: number): number {
    if (this.length + n > this.buf.length) {
      const next = Buffer.alloc(Math.max(this.buf.length * 2, this.length + n));
      this.buf.copy(next, 0, 0, this.length);
      this.buf = next;
    }
    const at = this.length;
    this.length += n;
    return at;
  }

  u8(v: number): void {
    const at = this.room(1);
    this.buf.writeUInt8(v, at);
  }

  i8(v: number): void {
    const at = this.room(1);
    this.buf.writeInt8(v, at);
  }

  u16(v: number): void {
    const at = this.room(2);
    this.buf.writeUInt16LE(v, at);
  }

  i16(v: number): void {
    const at = this.room(2);
    this.buf.writeInt16LE(v, at);
  }

  u32(v: number): void {
    const at = this.room(4);
    this.buf.writeUInt32LE(v, at);
  }

  i32(v: number): void {
    const at = this.room(4);
    this.buf.writeInt32LE(v, at);
  }

  f32(v: number): void {
    const at = this.room(4);
    this.buf.writeFloatLE(v, at);
  }

  f64(v: number): void {
    const at = this.room(8);
    this.buf.writeDoubleLE(v, at);
  }

  u64(v: bigint | number): void {
    const at = this.room(8);
    this.buf.writeBigUInt64LE(BigInt(v), at);
  }

  i64(v: bigint): void {
    const at = this.room(8);
    this.buf.writeBigInt64LE(v, at);
  }


  string(s: string): void {
    const len = Buffer.byteLength(s, "utf8");
    this.u64(len);
    const at = this.room(len);
    this.buf.write(s, at, len, "utf8");
  }

  padTo(alignment: number): void {
    const pad = (alignment - (this.length % alignment)) % alignment;
    this.room(pad);
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}
