/**
 * Watches one SSE connection's chunks for the api-stream bench's end frame. One connection is in order, so once the
 * end frame has come every frame before it has too. Only the end of each chunk is compared (searching every chunk
 * cost a tenth of the clients' time); a chunk shorter than the marker is read with the end of the one before.
 */
export function endFrameWatcher(marker: Buffer): (chunk: Buffer) => boolean {
  let tail: Buffer = Buffer.alloc(0);
  return (chunk) => {
    const seen = chunk.length >= marker.length ? chunk : Buffer.concat([tail, chunk]);
    tail = seen.subarray(Math.max(0, seen.length - marker.length));
    return tail.equals(marker);
  };
}
