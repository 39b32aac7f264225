export * from './strategy-config';
export * from './strategy-command';
export * from './validate-predictions';
export * from './strategy-chain';
export * from './chain-failure';
export * from './infer-record';
