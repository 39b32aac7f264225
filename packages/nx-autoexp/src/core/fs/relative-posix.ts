import { relative, sep } from 'node:path';

/** `p` relative to `root` with '/' separators: how paths are written into records, stamps and the index on every OS. */
export const relativePosix = (root: string, p: string): string => relative(root, p).split(sep).join('/');
