/** Atlaskit lozenge appearances, by the names both pages use (a plain module: pure code can import it). */
export type LozengeTone = 'default' | 'success' | 'removed' | 'moved' | 'inprogress';
