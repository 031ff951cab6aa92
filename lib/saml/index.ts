export * from './assertion';
export * from './keys';
export * from './metadata';
