/** One ISO BMFF box: its four-character type, where it starts and how many bytes it takes (header included). */
export interface IsoBox {
  type: string;
  offset: number;
  size: number;
  /** Bytes of the box header (8, or 16 with a 64-bit size). */
  headerSize: number;
  /** The box claims more bytes than there are: `size` is cut to what is there. */
  truncated?: boolean;
}

const view = (data: Uint8Array) => new DataView(data.buffer, data.byteOffset, data.byteLength);

const fourcc = (data: Uint8Array, at: number) =>
  String.fromCharCode(data[at]!, data[at + 1]!, data[at + 2]!, data[at + 3]!);

/**
 * The boxes laid one after another in `data[start, end)`: 64-bit sizes and "to the end" (size 0)
 * included. Stops at the first box whose header does not fit or whose size is impossible, so a
 * truncated file yields the boxes it does hold.
 */
export function listBoxes(data: Uint8Array, start = 0, end = data.length): IsoBox[] {
  const dv = view(data);
  const boxes: IsoBox[] = [];
  let offset = start;
  while (offset + 8 <= end) {
    let size = dv.getUint32(offset);
    let headerSize = 8;
    if (size === 1) {
      if (offset + 16 > end) break;
      size = Number(dv.getBigUint64(offset + 8));
      headerSize = 16;
    } else if (size === 0) {
      size = end - offset;
    }
    if (size < headerSize || offset + size > end) {
      // A box that claims more than is there: report what is there, then stop.
      if (size >= headerSize)
        boxes.push({
          type: fourcc(data, offset + 4),
          offset,
          size: end - offset,
          headerSize,
          truncated: true,
        });
      break;
    }
    boxes.push({ type: fourcc(data, offset + 4), offset, size, headerSize });
    offset += size;
  }
  return boxes;
}

/** The children of a container box (moov, trak, moof, traf, …). */
export function childBoxes(data: Uint8Array, parent: IsoBox): IsoBox[] {
  return listBoxes(data, parent.offset + parent.headerSize, parent.offset + parent.size);
}

/** The first box of a path below `parent` ("mdia/mdhd"), or undefined. */
export function findBox(data: Uint8Array, parent: IsoBox, boxPath: string): IsoBox | undefined {
  let current: IsoBox | undefined = parent;
  for (const type of boxPath.split('/')) {
    current = current && childBoxes(data, current).find((b) => b.type === type);
  }
  return current;
}

export { view as dataView };
