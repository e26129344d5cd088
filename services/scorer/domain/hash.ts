/** 32-bit FNV-1a over UTF-16 code units: cheap, stable across processes and platforms. */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

/** 64 bits as 16 hex characters from two independent FNV streams. */
export function hash64Hex(text: string): string {
  const a = fnv1a(text);
  const b = fnv1a(text, 0x9747b28c);
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}
