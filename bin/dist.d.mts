// Types of bin/dist.mjs for the TypeScript that imports it (its tests).
export declare const ROOT: string;
export declare const MANIFEST: string;
export declare const BUILD_FORMAT: number;
export declare const SOURCE_ROOTS: string[];
export declare function distDir(env?: NodeJS.ProcessEnv): string;
export declare function snapshot(root: string, roots: string[]): Record<string, [number, number]>;
export declare function staleReason(dir: string, root?: string): string | null;
export declare function chooseRuntime(env?: NodeJS.ProcessEnv): { kind: 'dist'; dir: string } | { kind: 'tsx'; reason?: string };
