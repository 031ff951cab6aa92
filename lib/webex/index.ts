export * from './client';
export * from './credentials';
export * from './errors';
export * from './meetings';
export * from './url-api';
export * from './xml-api';
export * from './transport';
export * from './guard';
