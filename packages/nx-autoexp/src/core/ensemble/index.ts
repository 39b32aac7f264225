export * from './resolve-members';
export * from './load-ensemble';
