export * from './plan';
export * from './cache-forecast';
export * from './value-sources';
export * from './sweep-plan';
